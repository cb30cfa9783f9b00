"""What the API reads and writes: marshmallow schemas, also the OpenAPI document's schemas.

Shape only (types, lengths, ranges, choices); the services check the rules, as for the pages.
"""

from __future__ import annotations

from collections.abc import Mapping

import marshmallow as ma
from marshmallow import fields, validate

from chapter.attendance.guest_rules import FollowUp
from chapter.attendance.rules import Palms
from chapter.ledger.money import MAX_CENTS
from chapter.ledger.rules import BusinessType, SlipKind, SlipStatus

EARLIEST = "1950-01-01"
ID = {"validate": validate.Range(min=1, max=2**31 - 1)}
# A roster version is claimed as version + 1 in a 32-bit column.
VERSION_MAX = 2**31 - 2
PERIODS = ("week", "six_months", "year", "all")
ANNOUNCE = (Palms.SUBSTITUTE.value, Palms.MEDICAL.value, Palms.ABSENT.value)


def _unstorable(value: object) -> bool:
    """Text no database keeps: a NUL character (PostgreSQL refuses it) or a lone surrogate
    (not UTF-8)."""
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable(v) for v in value)
    return False


class Strict(ma.Schema):
    """Unknown fields are errors, and so is text a database cannot store."""

    class Meta:
        unknown = ma.RAISE

    @ma.pre_load
    def refuse_unstorable_text(self, data: object, **kwargs: object) -> object:
        if isinstance(data, Mapping):  # a JSON body, or webargs' proxy of the query string
            bad = [key for key in data if _unstorable(key) or _unstorable(data[key])]
            if bad:
                raise ma.ValidationError(
                    {str(key): ["Text with a NUL or an invalid character."] for key in bad}
                )
        return data


def _date(**kwargs: object) -> fields.Date:
    from datetime import date

    return fields.Date(
        validate=validate.Range(min=date(1950, 1, 1), max=date(2100, 12, 31)),
        **kwargs,  # type: ignore[arg-type]
    )


def _text(maximum: int, *, required: bool = False, minimum: int = 0) -> fields.String:
    if required:
        return fields.String(required=True, validate=validate.Length(min=minimum, max=maximum))
    return fields.String(load_default="", validate=validate.Length(max=maximum))


def _optional_email(value: str) -> None:
    if value:
        validate.Email(error="Enter a valid e-mail address, or none.")(value)


def _email() -> fields.String:
    """An e-mail address or "" (none)."""
    return fields.String(
        load_default="",
        validate=[validate.Length(max=254), _optional_email],
        metadata={"description": "An e-mail address, or empty"},
    )


# ---- input ------------------------------------------------------------------------------


class PageArgs(Strict):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000))
    per_page = fields.Integer(load_default=25, validate=validate.Range(min=1, max=100))


class DirectoryArgs(PageArgs):
    q = fields.String(load_default="", validate=validate.Length(max=100))


class PeriodArgs(PageArgs):
    period = fields.String(load_default="six_months", validate=validate.OneOf(PERIODS))


class BoardArgs(Strict):
    period = fields.String(load_default="week", validate=validate.OneOf(PERIODS))
    week = _date(load_default=None)
    sort = fields.String(
        load_default="given",
        validate=validate.OneOf(
            [
                "given",
                "received",
                "tyfcb",
                "one_to_ones",
                "visitors",
                "testimonials",
                "attendance",
                "givers_gain",
            ]
        ),
    )


class RangeArgs(Strict):
    start = _date(required=True)
    end = _date(required=True)


class LightArgs(Strict):
    view = fields.String(load_default="previous", validate=validate.OneOf(["previous", "rolling"]))


class VisitorArgs(PageArgs):
    status = fields.String(load_default=None, validate=validate.OneOf([f.value for f in FollowUp]))


class AskIn(Strict):
    ask = fields.String(required=True, validate=validate.Length(max=500))
    offer = fields.String(required=True, validate=validate.Length(max=2000))


class SlipIn(Strict):
    receiver_id = fields.Integer(required=True, **ID)
    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in SlipKind]))
    prospect_name = _text(120, required=True, minimum=1)
    prospect_phone = _text(40)
    prospect_email = _email()
    need = _text(2000, required=True, minimum=1)
    warmth = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    may_contact = fields.Boolean(load_default=False)


class StatusIn(Strict):
    status = fields.String(
        required=True,
        validate=validate.OneOf([s.value for s in SlipStatus if s is not SlipStatus.NEW]),
    )
    note = _text(500)


class ThankIn(Strict):
    giver_id = fields.Integer(required=True, **ID)
    amount_cents = fields.Integer(required=True, validate=validate.Range(min=1, max=MAX_CENTS))
    business_type = fields.String(
        load_default=BusinessType.NEW.value,
        validate=validate.OneOf([b.value for b in BusinessType]),
    )
    thanked_on = _date(required=True)
    slip_id = fields.Integer(load_default=None, allow_none=True, **ID)
    reveal_thanker = fields.Boolean(load_default=True)
    note = _text(500)


class OneToOneIn(Strict):
    other_id = fields.Integer(required=True, **ID)
    met_on = _date(required=True)
    place = _text(200)
    notes = _text(2000)


class EducationIn(Strict):
    earned_on = _date(required=True)
    topic = _text(200, required=True, minimum=1)
    credits = fields.Integer(load_default=1, validate=validate.Range(min=1, max=20))


class VoidIn(Strict):
    reason = _text(200, required=True, minimum=1)


class SubstituteIn(Strict):
    name = _text(120, required=True, minimum=1)
    business_name = _text(120)
    email = _email()
    phone = _text(40)


class AnnounceIn(Strict):
    status = fields.String(required=True, validate=validate.OneOf(ANNOUNCE))
    note = _text(200)
    substitute = fields.Nested(SubstituteIn, load_default=None, allow_none=True)


class RosterLineIn(Strict):
    member_id = fields.Integer(required=True, **ID)
    status = fields.String(
        load_default=None, allow_none=True, validate=validate.OneOf([p.value for p in Palms])
    )
    note = _text(200)
    substitute = fields.Nested(SubstituteIn, load_default=None, allow_none=True)


class VisitorIn(SubstituteIn):
    invited_by_id = fields.Integer(load_default=None, allow_none=True, **ID)


class RosterIn(Strict):
    version = fields.Integer(required=True, validate=validate.Range(min=0, max=VERSION_MAX))
    lines = fields.List(
        fields.Nested(RosterLineIn), load_default=list, validate=validate.Length(max=500)
    )
    visitors = fields.List(
        fields.Nested(VisitorIn), load_default=list, validate=validate.Length(max=100)
    )
    mark_rest_present = fields.Boolean(load_default=False)


class CompleteIn(Strict):
    version = fields.Integer(required=True, validate=validate.Range(min=0, max=VERSION_MAX))


# ---- output -----------------------------------------------------------------------------


class PageOut(ma.Schema):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class MemberOut(ma.Schema):
    id = fields.Integer(required=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    business_name = fields.String(required=True)
    classification = fields.String(required=True)
    phone = fields.String(required=True)
    website = fields.String(required=True)
    email = fields.String(required=True)
    status = fields.String(required=True)
    position = fields.String(required=True, allow_none=True)
    offer = fields.String(required=True)
    ask = fields.String(required=True)


class MeOut(MemberOut):
    chapter_id = fields.Integer(required=True)
    chapter_name = fields.String(required=True)
    is_leader = fields.Boolean(required=True)
    joined_on = fields.Date(required=True)
    renewal_on = fields.Date(required=True, allow_none=True)
    token_scope = fields.String(required=True)


class MemberPage(ma.Schema):
    items = fields.List(fields.Nested(MemberOut), required=True)
    page = fields.Nested(PageOut, required=True)


class AskOut(ma.Schema):
    ask = fields.String(required=True)
    offer = fields.String(required=True)


class PeriodOut(ma.Schema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    start = fields.Date(required=True, allow_none=True)
    end = fields.Date(required=True, allow_none=True)


class TotalsOut(ma.Schema):
    given = fields.Integer(required=True)
    given_inside = fields.Integer(required=True)
    given_outside = fields.Integer(required=True)
    received = fields.Integer(required=True)
    credited_cents = fields.Integer(required=True)
    thanked_cents = fields.Integer(required=True)
    one_to_ones = fields.Integer(required=True)
    education_credits = fields.Integer(required=True)
    testimonials_given = fields.Integer(required=True)
    testimonials_received = fields.Integer(required=True)


class VoidOut(ma.Schema):
    voided = fields.Boolean(required=True)
    void_reason = fields.String(required=True)


class SlipOut(VoidOut):
    id = fields.Integer(required=True)
    week_on = fields.Date(required=True)
    giver = fields.String(required=True)
    giver_id = fields.Integer(required=True, allow_none=True)
    receiver = fields.String(required=True)
    receiver_id = fields.Integer(required=True, allow_none=True)
    kind = fields.String(required=True)
    prospect_name = fields.String(required=True)
    prospect_phone = fields.String(required=True)
    prospect_email = fields.String(required=True)
    need = fields.String(required=True)
    warmth = fields.Integer(required=True)
    may_contact = fields.Boolean(required=True)
    status = fields.String(required=True)
    status_note = fields.String(required=True)


class ThankYouOut(VoidOut):
    id = fields.Integer(required=True)
    week_on = fields.Date(required=True)
    giver = fields.String(required=True)
    giver_id = fields.Integer(required=True)
    thanker = fields.String(
        required=True,
        metadata={
            "description": "The thanker's name only for the thanker, and for the giver "
            "when the thanker allowed it; otherwise 'A member (private)' or 'Imported'"
        },
    )
    thanker_id = fields.Integer(required=True, allow_none=True)
    amount_cents = fields.Integer(required=True)
    business_type = fields.String(required=True)
    thanked_on = fields.Date(required=True)
    slip_id = fields.Integer(required=True, allow_none=True)
    note = fields.String(required=True)


class OneToOneOut(VoidOut):
    id = fields.Integer(required=True)
    week_on = fields.Date(required=True)
    logged_by = fields.String(required=True)
    other = fields.String(required=True)
    met_on = fields.Date(required=True)
    place = fields.String(required=True)
    disputed = fields.Boolean(required=True)


class EducationOut(VoidOut):
    id = fields.Integer(required=True)
    week_on = fields.Date(required=True)
    earned_on = fields.Date(required=True)
    topic = fields.String(required=True)
    credits = fields.Integer(required=True)


class TestimonialOut(VoidOut):
    id = fields.Integer(required=True)
    week_on = fields.Date(required=True)
    giver = fields.String(required=True)
    receiver = fields.String(required=True)
    given_on = fields.Date(required=True)
    kind = fields.String(required=True)
    text = fields.String(required=True)


class LedgerOut(ma.Schema):
    period = fields.Nested(PeriodOut, required=True)
    periods = fields.List(fields.Nested(PeriodOut), required=True)
    totals = fields.Nested(TotalsOut, required=True)
    slips_given = fields.List(fields.Nested(SlipOut), required=True)
    slips_received = fields.List(fields.Nested(SlipOut), required=True)
    thanks_credited = fields.List(fields.Nested(ThankYouOut), required=True)
    thanks_written = fields.List(fields.Nested(ThankYouOut), required=True)
    one_to_ones = fields.List(fields.Nested(OneToOneOut), required=True)
    education = fields.List(fields.Nested(EducationOut), required=True)
    testimonials_given = fields.List(fields.Nested(TestimonialOut), required=True)
    testimonials_received = fields.List(fields.Nested(TestimonialOut), required=True)
    page = fields.Nested(PageOut, required=True)


class AttendanceOut(ma.Schema):
    absence_limit = fields.Integer(required=True)
    absences = fields.Integer(required=True)
    absences_left = fields.Integer(required=True)
    at_limit = fields.Boolean(required=True)
    lates = fields.Integer(required=True)
    absence_dates = fields.List(fields.Date(), required=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    attendance_percent = fields.Integer(required=True, allow_none=True)


class MetricOut(ma.Schema):
    name = fields.String(required=True)
    points = fields.Integer(required=True)


class LightOut(ma.Schema):
    member_id = fields.Integer(required=True)
    name = fields.String(required=True)
    view = fields.String(required=True)
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    total = fields.Integer(required=True)
    colour = fields.String(required=True)
    metrics = fields.List(fields.Nested(MetricOut), required=True)


class PresenterOut(ma.Schema):
    member_id = fields.Integer(required=True)
    name = fields.String(required=True)


class MeetingOut(ma.Schema):
    id = fields.Integer(required=True)
    meets_on = fields.Date(required=True)
    starts_at = fields.DateTime(required=True)
    is_cancelled = fields.Boolean(required=True)
    roster_completed = fields.Boolean(required=True)
    roster_version = fields.Integer(required=True)
    presenters = fields.List(fields.Nested(PresenterOut), required=True)
    my_announcement = fields.String(required=True, allow_none=True)


class AnnouncementOut(ma.Schema):
    meeting_id = fields.Integer(required=True)
    status = fields.String(required=True)
    note = fields.String(required=True)
    substitute = fields.String(required=True, allow_none=True)


class CreatedOut(ma.Schema):
    id = fields.Integer(required=True)


class BoardRowOut(ma.Schema):
    rank = fields.Integer(required=True)
    member_id = fields.Integer(required=True)
    name = fields.String(required=True)
    given = fields.Integer(required=True)
    received = fields.Integer(required=True)
    tyfcb_cents = fields.Integer(required=True)
    one_to_ones = fields.Integer(required=True)
    visitors = fields.Integer(required=True)
    testimonials = fields.Integer(required=True)
    attendance_percent = fields.Integer(required=True, allow_none=True)


class BoardOut(ma.Schema):
    period = fields.Nested(PeriodOut, required=True)
    sort = fields.String(required=True)
    provisional = fields.Boolean(required=True)
    rows = fields.List(fields.Nested(BoardRowOut), required=True)


class RosterLineOut(ma.Schema):
    member_id = fields.Integer(required=True)
    name = fields.String(required=True)
    status = fields.String(required=True, allow_none=True)
    announced = fields.Boolean(required=True)
    note = fields.String(required=True)
    substitute = fields.String(required=True, allow_none=True)
    absences = fields.Integer(required=True)
    absences_left = fields.Integer(required=True)


class RosterVisitOut(ma.Schema):
    guest_id = fields.Integer(required=True)
    name = fields.String(required=True)
    business_name = fields.String(required=True)


class RosterOut(ma.Schema):
    meeting_id = fields.Integer(required=True)
    meets_on = fields.Date(required=True)
    version = fields.Integer(required=True)
    completed = fields.Boolean(required=True)
    lines = fields.List(fields.Nested(RosterLineOut), required=True)
    on_leave = fields.List(fields.Nested(PresenterOut), required=True)
    visitors = fields.List(fields.Nested(RosterVisitOut), required=True)


class GuestOut(ma.Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    business_name = fields.String(required=True)
    email = fields.String(required=True)
    phone = fields.String(required=True)
    follow_up = fields.String(required=True)
    follow_up_note = fields.String(required=True)
    responsible = fields.String(required=True, allow_none=True)
    invited_by = fields.String(required=True, allow_none=True)
    visits = fields.Integer(required=True)
    substitutions = fields.Integer(required=True)


class GuestPage(ma.Schema):
    items = fields.List(fields.Nested(GuestOut), required=True)
    page = fields.Nested(PageOut, required=True)


class PalmsRowOut(ma.Schema):
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    values = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    attendance_percent = fields.Integer(required=True, allow_none=True)


class PalmsOut(ma.Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    rows = fields.List(fields.Nested(PalmsRowOut), required=True)
    total = fields.Nested(PalmsRowOut, required=True)
