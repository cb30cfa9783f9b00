"""Form base classes: CSRF through Flask-WTF, service errors shown at their field; and
``saved``, the one place a page's request commits (or rolls back and shows the error).

Create forms are ``OnceForm``s: each rendering carries a one-time key, stored with the row it
creates, and ``saved_once`` turns the same form sent twice into the first result."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Generic, TypeVar

from flask_wtf import FlaskForm
from sqlalchemy.orm import InstrumentedAttribute
from werkzeug.datastructures import MultiDict
from wtforms import DateField, HiddenField, SelectChoice
from wtforms.validators import InputRequired, ValidationError

from chapter.db import FORM_KEY_LENGTH
from chapter.errors import ChapterError, RuleViolation
from chapter.extensions import db
from chapter.meetings.periods import PERIODS, period_range

T = TypeVar("T")
R = TypeVar("R")


def choices(pairs: Iterable[tuple[object, str]], *, empty: str | None = None) -> list[SelectChoice]:
    """Select options from (value, label) pairs; ``empty`` adds a first "no choice" option
    whose value is the empty string."""
    options = [SelectChoice("", empty)] if empty is not None else []
    options.extend(SelectChoice(str(value), label) for value, label in pairs)
    return options


EARLIEST = date(1950, 1, 1)
LATEST = date(2100, 12, 31)


def in_range(form: Any, field: Any) -> None:
    """Field validator: a date between 1950 and 2100 (or none)."""
    if field.data is not None and not EARLIEST <= field.data <= LATEST:
        raise ValidationError(f"Enter a date between {EARLIEST.year} and {LATEST.year}.")


def strip(value: str | None) -> str | None:
    """Field filter: surrounding spaces never make input invalid."""
    return value.strip() if isinstance(value, str) else value


class BaseForm(FlaskForm):
    """A form whose status is 422 once it holds an error."""

    def add_error(self, error: ChapterError) -> None:
        """Show a service's error next to its field, or above the form.

        ``field`` may name a field of a row in a FieldList: ``rows-3-substitute_name``.
        """
        field = self._find_field(error.field) if error.field else None
        if field is not None:
            field.errors = [*field.errors, error.message]
        else:
            self.form_errors.append(error.message)

    def _find_field(self, name: str) -> Any:
        field = self._fields.get(name)  # a field, never a method such as status()
        if field is not None or "-" not in name:
            return field
        list_name, index, rest = name.split("-", 2)
        field_list = getattr(self, list_name, None)
        try:
            row = field_list.entries[int(index)]  # type: ignore[union-attr]
        except (AttributeError, IndexError, ValueError):
            return None
        return getattr(row.form, rest, None) if hasattr(row, "form") else row

    def has_errors(self) -> bool:
        return bool(self.form_errors) or any(field.errors for field in self)

    def status(self) -> int:
        return 422 if self.has_errors() else 200

    def error_text(self) -> str:
        """Every message on the form in one line (for a flash or a refusal on the page)."""
        fields = (e for field in self for e in field.errors if isinstance(e, str))
        return "; ".join([*self.form_errors, *fields])


class ActionForm(BaseForm):
    """A one-button POST form: only the CSRF token."""


def new_form_key() -> str:
    """A fresh one-time form key: 256 random bits, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


class OnceForm(BaseForm):
    """A create form: each rendering carries a new one-time key (a hidden field), which the
    service stores with the row it creates (a unique column), so the same form sent twice
    creates one row; see ``saved_once``."""

    form_key = HiddenField(default=new_form_key)

    def once_key(self) -> str | None:
        """The key this request sent (None when it sent none, or not one of ours)."""
        sent = (self.form_key.raw_data or [""])[0]
        return sent if 0 < len(sent) <= FORM_KEY_LENGTH else None


def made_before(
    made_with: InstrumentedAttribute[str | None], key: str | None, only: Any = None
) -> Any:
    """The row a form with ``key`` already made (None when none did): the one lookup behind
    every create page. ``made_with`` is the unique key column, e.g. ``ReferralSlip.form_key``.
    ``only``: the one row the form can have written, already loaded (a roster form keeps its
    key on its own meeting): it is checked instead of asking the database.
    """
    if key is None:
        return None
    if only is not None:
        return only if getattr(only, made_with.key) == key else None
    return db.session.scalar(db.select(made_with.class_).where(made_with == key))


@dataclass(frozen=True)
class Saved(Generic[T]):
    """What ``saved`` returns when the change is committed: always true, even when the
    service itself returned None; ``result`` is what it returned. ``again``: the form had
    been sent before, nothing was written, and ``result`` is the row the first sending made."""

    result: T
    again: bool = False


def saved(
    form: BaseForm,
    action: Callable[[], T],
    *,
    refused: type[ChapterError] | tuple[type[ChapterError], ...] = RuleViolation,
) -> Saved[T] | None:
    """Run a page's one service call as the request's transaction, and end it.

    Like Indico's ``RH.process``: the service only flushes; here the session commits once,
    after ``action`` returned, and rolls back on any exception, so a failure writes nothing.
    A ``refused`` error (RuleViolation unless the route says otherwise) goes onto ``form``
    (at its field, or above the form) and the answer is None: the route shows the form again
    with ``form.status()``. Anything else (NotFound, Conflict, a bug) propagates after the
    rollback, to the route or to the error pages.

        if form.validate_on_submit() and (done := saved(form, lambda: service.act(...))):
            flash("Done.", "success")
            return redirect(url_for("feature.page", thing_id=done.result.id))
        return render_template("feature/page.html", form=form), form.status()
    """
    try:
        result = action()
        db.session.commit()
    except refused as error:
        db.session.rollback()
        form.add_error(error)
        return None
    except BaseException:
        db.session.rollback()
        raise
    return Saved(result)


def saved_once(
    form: OnceForm,
    made_with: InstrumentedAttribute[str | None],
    action: Callable[[str | None], R],
    *,
    refused: type[ChapterError] | tuple[type[ChapterError], ...] = RuleViolation,
    only: Any = None,
) -> Saved[R] | None:
    """``saved`` for a create form: the same form sent twice makes one row.

    ``action`` gets the form's one-time key (None when the request sent none) and passes it
    to the service, which stores it in ``made_with``, a unique column. When a row already
    carries the key (a double tap, a browser retrying the POST), nothing runs and the answer
    is ``Saved(that_row, again=True)``: the route shows what it showed the first time. Two
    requests racing with one key both miss that lookup; the unique column refuses the second
    (an IntegrityError, or whatever the service made of it), which rolls back and then finds
    the first one's row. ``only``: the one row the form can have written (``made_before``).
    """
    key = form.once_key()
    if (earlier := made_before(made_with, key, only)) is not None:
        return Saved(earlier, again=True)
    try:
        result = action(key)
        db.session.commit()
    except BaseException as error:
        db.session.rollback()
        if (
            isinstance(error, Exception)
            and (earlier := made_before(made_with, key, only)) is not None
        ):
            return Saved(earlier, again=True)
        if isinstance(error, refused):
            form.add_error(error)
            return None
        raise
    return Saved(result)


class DateRangeForm(BaseForm):
    """A GET form for reports: a date range, the last six months unless the URL says."""

    class Meta:
        csrf = False  # reading only

    start = DateField("From", validators=[InputRequired()])
    end = DateField("To", validators=[InputRequired()])

    period: str | None = None  # the shortcut chosen ("last-month"), if any
    period_error: str | None = None
    shortcuts = PERIODS  # the shortcuts a report offers: name -> label

    @classmethod
    def from_args(cls, args: Mapping[str, str], today: date) -> DateRangeForm:
        """The range in the URL: ``start`` and ``end``, or a named ``period`` (counted from
        ``today``, the chapter's date: chapter.meetings.periods), else the last six months."""
        data = MultiDict(
            {"start": (today - timedelta(days=182)).isoformat(), "end": today.isoformat()}
        )
        period, period_error = args.get("period") or None, None
        if period is not None:
            try:
                start, end = period_range(period, today)
            except ValueError:
                period, period_error = None, "Unknown period: choose one of the shortcuts."
            else:
                data["start"], data["end"] = start.isoformat(), end.isoformat()
        for key in ("start", "end"):
            if key in args and period is None:
                data[key] = args[key]
        form = cls(data)
        form.period, form.period_error = period, period_error
        return form

    def is_valid_range(self) -> bool:
        """Both dates readable, between 1950 and 2100, and in order (errors at the fields)."""
        if not self.validate():
            return False
        if self.period_error:
            self.start.errors = [self.period_error]
            return False
        for field in (self.start, self.end):
            if not date(1950, 1, 1) <= field.data <= date(2100, 12, 31):  # type: ignore[operator]
                field.errors = ["Enter a date between 1950 and 2100."]
                return False
        if self.start.data > self.end.data:  # type: ignore[operator]
            self.end.errors = ["The end must not be before the start."]
            return False
        return True
