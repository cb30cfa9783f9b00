"""Forms for meetings, announcements and the roster. Validators check shape only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from wtforms import (
    DateField,
    EmailField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from chapter.attendance.guest_rules import FollowUp
from chapter.attendance.guests import GuestDetails
from chapter.attendance.rules import Palms
from chapter.attendance.service import (
    ANNOUNCEABLE,
    SUBSTITUTE_NAME_NEEDED,
    VISITOR_NAME_NEEDED,
    RosterEntry,
    VisitorEntry,
)
from chapter.chapters.service import ChapterSettings
from chapter.forms import BaseForm, OnceForm, choices, in_range, strip


def _palms(value: Any) -> Palms | None:
    """Form value -> letter; an unknown letter is a form error, never a 500."""
    if value in (None, "", "None"):
        return None
    return Palms(value)


def _optional_int(value: Any) -> int | None:
    return int(value) if value not in (None, "", "None") else None


class SubstituteFields:
    substitute_name = StringField("Substitute's name", validators=[Length(max=120)])
    substitute_business = StringField("Substitute's business", validators=[Length(max=120)])
    substitute_email = EmailField(
        "Substitute's e-mail",
        filters=[strip],
        validators=[Optional(), Email(), Length(max=254)],
        description="A member of another chapter on this platform is recognised by e-mail.",
    )
    substitute_phone = StringField("Substitute's phone", validators=[Length(max=40)])

    def substitute_details(self) -> GuestDetails | None:
        name = (self.substitute_name.data or "").strip()  # type: ignore[attr-defined]
        if not name:
            return None
        return GuestDetails(
            name=name,
            business_name=self.substitute_business.data or "",  # type: ignore[attr-defined]
            email=self.substitute_email.data or "",  # type: ignore[attr-defined]
            phone=self.substitute_phone.data or "",  # type: ignore[attr-defined]
        )


class AnnounceForm(SubstituteFields, BaseForm):
    status = RadioField(
        "I will…",
        choices=choices(
            [
                (Palms.SUBSTITUTE.value, "send a substitute"),
                (Palms.MEDICAL.value, "be away for medical reasons (the leader confirms)"),
                (Palms.ABSENT.value, "be absent"),
            ]
        ),
        coerce=_palms,
        validate_choice=False,
        validators=[DataRequired(message="Choose one.")],
    )
    note = StringField("Note for the leader", validators=[Length(max=200)])
    submit = SubmitField("Tell the chapter")

    def validate_status(self, field: Any) -> None:
        if field.data is not None and field.data not in ANNOUNCEABLE:
            field.errors.append("Choose substitute, medical or absent.")


class CancelForm(BaseForm):
    reason = StringField("Reason (e.g. public holiday)", validators=[Length(max=200)])
    submit = SubmitField("Cancel this meeting")


class DateForm(BaseForm):
    meets_on = DateField("Date", validators=[InputRequired(), in_range])
    submit = SubmitField("Save")


@dataclass(frozen=True)
class RowProblem:
    """A roster row that needs attention: who or what it is, where to jump, what is wrong."""

    label: str
    target_id: str
    messages: tuple[str, ...]


def _row_problem(label: str, fields: list[tuple[Any, str]]) -> RowProblem | None:
    """The first field with an error is where the link jumps (``fields``: field, its id)."""
    with_errors = [(f, target) for f, target in fields if f.errors]
    if not with_errors:
        return None
    messages = tuple(
        dict.fromkeys(e for f, _ in with_errors for e in f.errors if isinstance(e, str))
    )
    return RowProblem(label, with_errors[0][1], messages)


class RosterRowForm(Form):
    member_id = HiddenField(filters=[_optional_int])
    status = RadioField(
        "Attendance",
        choices=choices((letter.value, letter.label) for letter in Palms),
        coerce=_palms,
        validate_choice=False,
    )
    note = StringField("Note", validators=[Length(max=200)])
    substitute_name = SubstituteFields.substitute_name
    substitute_business = SubstituteFields.substitute_business
    substitute_email = SubstituteFields.substitute_email
    substitute_phone = SubstituteFields.substitute_phone
    substitute_details = SubstituteFields.substitute_details

    def validate_substitute_name(self, field: Any) -> None:
        """Checked with the other fields, so one save shows every row that needs attention
        (the service checks it again for every other caller)."""
        if self.status.data is Palms.SUBSTITUTE and not (field.data or "").strip():
            raise ValidationError(SUBSTITUTE_NAME_NEEDED)

    def entry(self) -> RosterEntry:
        return RosterEntry(
            member_id=self.member_id.data,  # type: ignore[arg-type]
            status=self.status.data,
            note=self.note.data or "",
            substitute=self.substitute_details(),
        )


def _substitute_fields(row: RosterRowForm) -> list[Any]:
    return [
        row.substitute_name,
        row.substitute_business,
        row.substitute_email,
        row.substitute_phone,
    ]


class VisitorRowForm(Form):
    name = StringField("Visitor's name", validators=[Length(max=120)])
    business_name = StringField("Business", validators=[Length(max=120)])
    email = EmailField("E-mail", filters=[strip], validators=[Optional(), Email(), Length(max=254)])
    phone = StringField("Phone", validators=[Length(max=40)])
    invited_by_id = SelectField("Invited by", coerce=_optional_int, validate_choice=False)

    def is_blank(self) -> bool:
        return not any((self.name.data, self.business_name.data, self.email.data, self.phone.data))

    def validate_name(self, field: Any) -> None:
        if not self.is_blank() and not (field.data or "").strip():
            raise ValidationError(VISITOR_NAME_NEEDED)

    def entry(self, row: int) -> VisitorEntry:
        return VisitorEntry(
            GuestDetails(
                name=self.name.data or "",
                business_name=self.business_name.data or "",
                email=self.email.data or "",
                phone=self.phone.data or "",
            ),
            invited_by_id=self.invited_by_id.data,
            row=row,
        )


class RosterForm(OnceForm):
    """A meeting's roster; a save sent twice (a double tap) lands on the first save."""

    version = IntegerField(widget=HiddenField.widget, validators=[InputRequired()])
    rows = FieldList(FormField(RosterRowForm), max_entries=500)
    visitors = FieldList(FormField(VisitorRowForm), min_entries=3, max_entries=50)
    save = SubmitField("Save draft")
    mark_rest_present = SubmitField("Mark everyone else present")
    complete = SubmitField("Save and complete roster")

    def set_member_choices(self, members: list[tuple[int, str]]) -> None:
        for visitor in self.visitors:
            visitor.form.invited_by_id.choices = choices(members, empty="—")

    def entries(self) -> list[RosterEntry]:
        return [row.form.entry() for row in self.rows]

    def problems(self, names: Mapping[int, str]) -> list[RowProblem]:
        """Every row with an error, in page order: the members' rows (labelled with
        ``names``, member id -> name), then the new visitors."""
        found: list[RowProblem | None] = []
        for row in self.rows:
            f = row.form
            found.append(
                _row_problem(
                    names.get(f.member_id.data, "A member"),  # type: ignore[arg-type]
                    [
                        (f.member_id, f"{f.status.id}-0"),
                        (f.status, f"{f.status.id}-0"),
                        *((field, field.id) for field in _substitute_fields(f)),
                        (f.note, f.note.id),
                    ],
                )
            )
        for number, visitor in enumerate(self.visitors, start=1):
            f = visitor.form
            found.append(
                _row_problem(
                    f"New visitor {number}",
                    [(field, field.id) for field in (f.name, f.business_name, f.email, f.phone)]
                    + [(f.invited_by_id, f.invited_by_id.id)],
                )
            )
        return [problem for problem in found if problem is not None]

    def visitor_entries(self) -> list[VisitorEntry]:
        return [
            visitor.form.entry(row)
            for row, visitor in enumerate(self.visitors)
            if not visitor.form.is_blank()
        ]


class FollowUpForm(BaseForm):
    follow_up = SelectField(
        "Follow-up", choices=choices((s.value, s.label) for s in FollowUp), coerce=FollowUp
    )
    responsible_id = SelectField("Member responsible", coerce=_optional_int)
    follow_up_note = TextAreaField("Note", validators=[Length(max=500)])
    submit = SubmitField("Save follow-up")


class ChapterSettingsForm(BaseForm):
    location = StringField("Meeting place", validators=[Length(max=200)])
    absence_limit = IntegerField(
        "Absence limit (rolling 6 months)", validators=[InputRequired(), NumberRange(1, 26)]
    )
    presenters_per_meeting = IntegerField(
        "Feature presentations per meeting", validators=[Optional(), NumberRange(1, 2)]
    )
    rotation_grace_weeks = IntegerField(
        "Weeks before a new member presents", validators=[Optional(), NumberRange(0, 26)]
    )
    submit = SubmitField("Save settings")

    def settings(self, current: Any) -> ChapterSettings:
        """The settings posted; a rotation field left out keeps its current value."""
        presenters = self.presenters_per_meeting.data
        grace = self.rotation_grace_weeks.data
        return ChapterSettings(
            location=self.location.data or "",
            absence_limit=self.absence_limit.data,  # type: ignore[arg-type]
            presenters_per_meeting=current.presenters_per_meeting
            if presenters is None
            else presenters,
            rotation_grace_weeks=current.rotation_grace_weeks if grace is None else grace,
        )
