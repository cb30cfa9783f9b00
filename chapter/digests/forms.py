"""Mail preferences (a member's own), the chapter's defaults (leaders), and one-click
unsubscribe."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, SelectField
from wtforms.validators import InputRequired, NumberRange

from chapter.digests import service
from chapter.forms import BaseForm

FOLLOW, ON, OFF = "chapter", "on", "off"


def _choice(value: bool | None) -> str:
    return FOLLOW if value is None else (ON if value else OFF)


def _value(choice: str) -> bool | None:
    return None if choice == FOLLOW else choice == ON


class PreferencesForm(BaseForm):
    digest = SelectField("Weekly digest (after each meeting)")
    reminders = SelectField("Reminders (the day before a meeting)")

    @classmethod
    def for_member(cls, own: service.Choices, defaults: service.ChapterDefaults) -> PreferencesForm:
        form = cls(data={"digest": _choice(own.digest), "reminders": _choice(own.reminders)})
        form.digest.choices = _options(defaults.digest_default)
        form.reminders.choices = _options(defaults.reminders_default)
        return form

    def choices(self) -> service.Choices:
        return service.Choices(_value(self.digest.data), _value(self.reminders.data))


def _options(default: bool) -> list[tuple[str, str]]:
    return [
        (FOLLOW, f"As the chapter decides (now: {'on' if default else 'off'})"),
        (ON, "On"),
        (OFF, "Off"),
    ]


class ChapterDefaultsForm(BaseForm):
    digest_default = BooleanField("Weekly digest on for members who have not chosen")
    reminders_default = BooleanField("Reminders on for members who have not chosen")
    send_hour = IntegerField(
        "Sending hour (chapter time, 0-23)",
        validators=[InputRequired(), NumberRange(0, 23)],
        description="The reminder goes out from this hour the day before a meeting; the "
        "digest goes out when the roster is completed, or from this hour the day after.",
    )

    def details(self) -> service.ChapterDefaults:
        return service.ChapterDefaults(
            bool(self.digest_default.data), bool(self.reminders_default.data), self.send_hour.data
        )


class UnsubscribeForm(BaseForm):
    """RFC 8058: the mail client POSTs ``List-Unsubscribe=One-Click`` with no token; the
    signed link is the proof, so this one form carries no CSRF token."""

    class Meta:
        csrf = False
