"""The chapter document (JSON): its marker, and the fields and links of each section
(``document_reader`` checks a document against them).

One table of fields per section serves both directions, so what is exported is exactly what
an import reads back. Records refer to each other by e-mail (members), by export-local
numbers (guests, meetings, referral slips), never by database ids.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any

from chapter.attendance.guest_rules import FollowUp
from chapter.attendance.rules import Palms
from chapter.bni.models import BALANCE_COLUMNS
from chapter.ledger.money import MAX_CENTS
from chapter.ledger.rules import BusinessType, SlipKind, SlipStatus, TestimonialKind
from chapter.members.roles import MemberStatus, Position
from chapter.rotation.states import Outcome, SwapStatus

FORMAT = "chapter-platform/chapter"
VERSION = 1
MAX_AMOUNT_CENTS = MAX_CENTS  # the money rule's bound (chapter.ledger.money)
SMALL = 32767  # SmallInteger
# Added to version 1 after its first exports: a document without them still reads (as none).
ADDED_SECTIONS = frozenset({"testimonials"})
ADDED_BALANCE_COLUMNS = frozenset({"testimonials"})
MAX_INT = 2**31 - 1


@dataclass(frozen=True)
class Field:
    """One column as the document holds it."""

    name: str
    kind: str  # text, int, bool, date, moment (aware datetime), time, choice, json
    optional: bool = False  # None allowed
    max_length: int | None = None
    low: int | None = None
    high: int | None = None
    choices: type[StrEnum] | None = None
    # A field added after documents were first written: its value where a document lacks it
    # (None: the field is required).
    default: Any = None


def _text(name: str, max_length: int | None = None, optional: bool = False) -> Field:
    return Field(name, "text", optional=optional, max_length=max_length)


def _int(name: str, low: int = 0, high: int = SMALL, default: int | None = None) -> Field:
    return Field(name, "int", low=low, high=high, default=default)


def _choice(name: str, choices: type[StrEnum], optional: bool = False) -> Field:
    return Field(name, "choice", optional=optional, choices=choices)


IMPORT_KEY = _text("import_key", 64, optional=True)
VOIDED = (Field("voided_at", "moment", optional=True), _text("void_reason", 200))
COUNTERPART = (_text("counterpart_name", 120), _text("counterpart_chapter", 200))

CHAPTER = (
    _text("name", 120),
    _int("meeting_weekday", 0, 6),
    Field("meeting_time", "time"),
    _text("timezone", 64),
    _text("location", 200),
    _text("currency", 3),
    _int("presenters_per_meeting", 1, 2),
    _int("absence_limit", 1),
    _int("rotation_grace_weeks"),
    Field("scoring", "json", optional=True),
)
MEMBER = (
    _text("business_name", 120),
    _text("classification", 80),
    _text("phone", 40),
    _text("website", 200),
    _text("offer"),
    _text("ask"),
    Field("joined_on", "date"),
    Field("renewal_on", "date", optional=True),
    _choice("status", MemberStatus),
    Field("left_on", "date", optional=True),
    _choice("position", Position, optional=True),
    IMPORT_KEY,
)
USER = (_text("first_name", 80), _text("last_name", 80))
GUEST = (
    _text("name", 120),
    _text("business_name", 120),
    _text("email", 254),
    _text("phone", 40),
    _choice("follow_up", FollowUp),
    _text("follow_up_note", 500),
)
MEETING = (
    Field("scheduled_on", "date", optional=True),
    Field("meets_on", "date"),
    Field("starts_at", "moment"),
    Field("is_cancelled", "bool"),
    _text("cancel_reason", 200),
    Field("roster_completed_at", "moment", optional=True),
)
ATTENDANCE = (
    _choice("status", Palms),
    _text("note", 200),
    Field("announced", "bool"),
    IMPORT_KEY,
)
VISIT = (IMPORT_KEY,)
PRESENTATION = (Field("is_pinned", "bool"), _choice("outcome", Outcome))
SWAP_REQUEST = (_choice("status", SwapStatus), Field("decided_at", "moment", optional=True))
SLIP = (
    Field("week_on", "date"),
    Field("passed_at", "moment"),
    _choice("kind", SlipKind),
    _text("prospect_name", 120),
    _text("prospect_phone", 40),
    _text("prospect_email", 254),
    _text("need"),
    _int("warmth", 1, 5),
    Field("may_contact", "bool"),
    _choice("status", SlipStatus),
    _text("status_note", 500),
    Field("status_changed_at", "moment", optional=True),
    *COUNTERPART,
    *VOIDED,
    IMPORT_KEY,
)
THANK_YOU = (
    Field("week_on", "date"),
    _int("amount_cents", 1, MAX_AMOUNT_CENTS),
    _choice("business_type", BusinessType),
    Field("thanked_on", "date"),
    *VOIDED,
    IMPORT_KEY,
)
ONE_TO_ONE = (
    Field("week_on", "date"),
    Field("met_on", "date"),
    _text("place", 200),
    _text("notes"),
    Field("disputed_at", "moment", optional=True),
    _text("dispute_reason", 500),
    *COUNTERPART,
    *VOIDED,
    IMPORT_KEY,
)
EDUCATION = (
    Field("week_on", "date"),
    Field("earned_on", "date"),
    _int("credits", 1, 100),
    _text("topic", 200),
    *VOIDED,
    IMPORT_KEY,
)
OPENING_BALANCE = (
    Field("starts_on", "date"),
    Field("ends_on", "date"),
    *(
        _int(
            name,
            0,
            MAX_AMOUNT_CENTS if name.endswith("_cents") else MAX_INT,
            default=0 if name in ADDED_BALANCE_COLUMNS else None,
        )
        for name in BALANCE_COLUMNS
    ),
    Field("voided_at", "moment", optional=True),
    IMPORT_KEY,
)
TESTIMONIAL = (
    Field("week_on", "date"),
    Field("given_on", "date"),
    _choice("kind", TestimonialKind),
    _text("text", 2000),
    Field("may_publish", "bool"),
    *VOIDED,
    IMPORT_KEY,
)
NAME_MAPPING = (_text("name_key", 160), _text("name", 160), Field("other_chapter", "bool"))


@dataclass(frozen=True)
class Link:
    """A reference to another record: a member or user by e-mail, others by number."""

    key: str
    column: str
    kind: str  # member, user, guest, meeting, slip
    optional: bool = True


def _links(*links: tuple[str, str, str] | tuple[str, str, str, bool]) -> tuple[Link, ...]:
    return tuple(Link(*link) for link in links)


MEETING_LINK = ("meeting", "meeting_id", "meeting")
VOIDED_BY = ("voided_by", "voided_by_id", "user")
MEMBER_LINKS = _links(("sponsor", "sponsor_id", "member"))
GUEST_LINKS = _links(
    ("responsible", "responsible_id", "member"), ("joined_as", "joined_as_id", "member")
)
MEETING_LINKS = _links(("roster_completed_by", "roster_completed_by_id", "user"))
ATTENDANCE_LINKS = _links(
    ("meeting", "meeting_id", "meeting", False),
    ("member", "member_id", "member", False),
    ("substitute", "substitute_id", "guest"),
)
VISIT_LINKS = _links(
    ("meeting", "meeting_id", "meeting", False),
    ("guest", "guest_id", "guest", False),
    ("invited_by", "invited_by_id", "member"),
)
PRESENTATION_LINKS = _links(
    ("meeting", "meeting_id", "meeting", False), ("member", "member_id", "member", False)
)
SWAP_LINKS = _links(
    ("requester", "requester_id", "member", False), ("target", "target_id", "member", False)
)
SLIP_LINKS = _links(
    ("giver", "giver_id", "member"), ("receiver", "receiver_id", "member"), MEETING_LINK, VOIDED_BY
)
# Nothing that leads to the thanker: who thanked whom is private even from leaders
# (DESIGN.md), and leaders download this file. Not the thanker, not the slip (its receiver is
# the thanker), not the thanker's note. Moved thank-yous keep the credit, as imported ones do.
THANK_YOU_LINKS = _links(("giver", "giver_id", "member", False), MEETING_LINK, VOIDED_BY)
ONE_TO_ONE_LINKS = _links(
    ("logged_by", "logged_by_id", "member", False),
    ("other", "other_id", "member"),
    MEETING_LINK,
    VOIDED_BY,
)
TESTIMONIAL_LINKS = _links(
    ("giver", "giver_id", "member", False),
    ("receiver", "receiver_id", "member", False),
    MEETING_LINK,
    VOIDED_BY,
)
EDUCATION_LINKS = _links(("member", "member_id", "member", False), MEETING_LINK, VOIDED_BY)
OPENING_BALANCE_LINKS = _links(("member", "member_id", "member", False))
NAME_MAPPING_LINKS = _links(("member", "member_id", "member"))


def dump(value: Any) -> Any:
    """A column value as JSON: dates and times ISO, datetimes ISO in UTC, enums by value."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return value.value
    return value


def dump_fields(row: object, fields: tuple[Field, ...]) -> dict[str, Any]:
    """The row's columns named in ``fields``, as JSON values."""
    return {field.name: dump(getattr(row, field.name)) for field in fields}
