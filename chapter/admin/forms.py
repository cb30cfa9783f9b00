"""Forms to create a chapter with its first leader."""

from __future__ import annotations

from functools import cache
from zoneinfo import available_timezones

from wtforms import (
    EmailField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, Regexp

from chapter.auth.service import MIN_PASSWORD_LENGTH
from chapter.chapters.service import ChapterDetails
from chapter.forms import BaseForm, choices, strip
from chapter.meetings.schedule import WEEKDAYS
from chapter.members.service import MemberDetails


@cache
def timezone_choices() -> list[SelectChoice]:
    zones = sorted(zone for zone in available_timezones() if "/" in zone or zone == "UTC")
    return choices((zone, zone) for zone in zones)


class ChapterForm(BaseForm):
    name = StringField("Chapter name", validators=[DataRequired(), Length(max=120)])
    meeting_weekday = SelectField(
        "Meeting day", coerce=int, choices=choices(enumerate(WEEKDAYS)), default=2
    )
    meeting_time = TimeField("Meeting time (local)", validators=[InputRequired()])
    timezone = SelectField("Time zone", validators=[DataRequired()], default="Europe/London")
    location = StringField("Meeting place", validators=[Length(max=200)])
    currency = StringField(
        "Currency (ISO code)",
        default="USD",
        validators=[DataRequired(), Regexp(r"^[A-Za-z]{3}$", message="Three letters, e.g. USD.")],
    )
    first_name = StringField("Leader's first name", validators=[DataRequired(), Length(max=80)])
    last_name = StringField("Leader's last name", validators=[DataRequired(), Length(max=80)])
    email = EmailField(
        "Leader's e-mail", filters=[strip], validators=[DataRequired(), Email(), Length(max=254)]
    )
    business_name = StringField(
        "Leader's business name", validators=[DataRequired(), Length(max=120)]
    )
    classification = StringField(
        "Leader's classification", validators=[DataRequired(), Length(max=80)]
    )
    submit = SubmitField("Create chapter")

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = timezone_choices()

    def chapter_details(self) -> ChapterDetails:
        return ChapterDetails(
            name=self.name.data or "",
            meeting_weekday=self.meeting_weekday.data,
            meeting_time=self.meeting_time.data,  # type: ignore[arg-type]
            timezone=self.timezone.data or "UTC",
            location=self.location.data or "",
            currency=(self.currency.data or "USD").upper(),
        )

    def leader_details(self) -> MemberDetails:
        return MemberDetails(
            first_name=self.first_name.data or "",
            last_name=self.last_name.data or "",
            email=self.email.data or "",
            business_name=self.business_name.data or "",
            classification=self.classification.data or "",
        )


class SetupForm(ChapterForm):
    """First run: the chapter, its first leader (who also becomes platform admin) and a password."""

    password = PasswordField(
        "Your password",
        validators=[DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200)],
        description=f"At least {MIN_PASSWORD_LENGTH} characters.",
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[DataRequired(), EqualTo("password", message="The passwords do not match.")],
    )
    submit = SubmitField("Create chapter and log in")
