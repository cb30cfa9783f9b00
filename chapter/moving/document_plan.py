"""Reading a whole chapter document into rows to write, before anything is written: every
field checked, every reference resolved within the document, and the rules the database
would enforce checked first, so a wrong document gets a message that says where."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from chapter.attendance.guest_models import Guest, Visit
from chapter.attendance.models import Attendance
from chapter.attendance.rules import Palms
from chapter.bni.models import NameMapping, OpeningBalance
from chapter.errors import RuleViolation
from chapter.leaderboard.scoring import parse_table
from chapter.ledger.models import (
    EducationCredit,
    OneToOne,
    ReferralSlip,
    Testimonial,
    ThankYou,
)
from chapter.meetings.models import Meeting
from chapter.members.identity import classification_key
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.moving import document_format as fmt
from chapter.moving.document_reader import Record
from chapter.rotation.models import Presentation, SwapRequest

NOUNS = {
    "member": "member",
    "user": "member",
    "guest": "guest",
    "meeting": "meeting",
    "slip": "referral slip",
    "presentation": "presentation",
}


@dataclass
class Row:
    """One row to write: its column values, and links as (kind, reference) by column."""

    model: type
    values: dict[str, Any]
    links: dict[str, tuple[str, Any]] = field(default_factory=dict)
    ref: Any = None  # how other rows refer to this one (e-mail, number, (meeting, e-mail))
    user: dict[str, Any] | None = None  # a member's new log-in: e-mail, first and last name


@dataclass
class Plan:
    settings: dict[str, Any]
    sections: dict[str, list[Row]]  # in the order they are written


def read(root: Record) -> Plan:
    """The document as rows, checked throughout (RuleViolation at the first problem)."""
    marker, version = root.data.get("format"), root.data.get("version")
    if marker != fmt.FORMAT or isinstance(version, bool) or version != fmt.VERSION:
        raise RuleViolation(
            f"This is not a chapter document this platform can read (expected format "
            f"{fmt.FORMAT!r}, version {fmt.VERSION})."
        )
    known: dict[str, set[Any]] = {kind: set() for kind in NOUNS}
    sections: dict[str, list[Row]] = {"members": _members(root.records("members"), known)}
    for parent, name, model, fields, links in SECTIONS:
        records = (root if parent is None else root.record(parent)).records(
            name, added_later=name in fmt.ADDED_SECTIONS
        )
        numbered = NUMBERED.get(name)
        rows = [_row(record, model, fields, links, known, numbered) for record in records]
        CHECKS.get(name, _no_check)(records, rows, known)
        sections[name] = rows
    return Plan(_settings(root.record("chapter")), sections)


def _no_check(records: list[Record], rows: list[Row], known: dict[str, set[Any]]) -> None:
    return None


def _row(
    record: Record,
    model: type,
    fields: tuple[fmt.Field, ...],
    links: tuple[fmt.Link, ...],
    known: dict[str, set[Any]],
    numbered: str | None,
) -> Row:
    row = Row(model, record.read(fields))
    for link in links:
        by_email = link.kind in ("member", "user")
        read = record.email if by_email else record.number
        ref = read(link.key, optional=link.optional)
        if ref is not None and ref not in known[link.kind]:
            raise record.fail(link.key, f"names no {NOUNS[link.kind]} of the document ({ref})")
        row.links[link.column] = (link.kind, ref)
    if numbered is not None:
        row.ref = record.number("number")
        if row.ref in known[numbered]:
            raise record.fail("number", f"{row.ref} is used twice")
        known[numbered].add(row.ref)
    return row


def _settings(record: Record) -> dict[str, Any]:
    settings = record.read(fmt.CHAPTER)
    if not settings["name"].strip():
        raise record.fail("name", "must not be empty")
    try:
        ZoneInfo(settings["timezone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise record.fail("timezone", "is not a known time zone") from None
    currency = settings["currency"]
    if not (len(currency) == 3 and currency.isascii() and currency.isalpha()):
        raise record.fail("currency", "must be a three-letter code such as GBP")
    settings["currency"] = currency.upper()
    if settings["scoring"] is not None:
        try:
            parse_table(settings["scoring"])
        except ValueError as error:
            raise record.fail("scoring", f"is not a usable scoring table ({error})") from None
    return settings


def _members(records: list[Record], known: dict[str, set[Any]]) -> list[Row]:
    """Members with their log-in (a new user each); sponsors by e-mail."""
    emails = [record.email("email") for record in records]
    for record, email in zip(records, emails, strict=True):
        if email in known["member"]:
            raise record.fail("email", f"{email} is used by two members")
        known["member"].add(email)
    known["user"] = known["member"]
    rows = []
    active: dict[str, str] = {}
    for record, email in zip(records, emails, strict=True):
        row = _row(record, Member, fmt.MEMBER, fmt.MEMBER_LINKS, known, None)
        row.ref = email
        row.user = {"email": email, **record.read(fmt.USER)}
        row.values["classification_key"] = key = classification_key(row.values["classification"])
        if (row.values["status"] is MemberStatus.LEFT) != (row.values["left_on"] is not None):
            raise record.fail("left_on", "is set exactly when the status is left")
        if row.links["sponsor_id"][1] == email:
            raise record.fail("sponsor", "a member cannot sponsor themselves")
        if row.values["status"] is MemberStatus.ACTIVE:
            if key in active:
                raise record.fail(
                    "classification", f"{active[key]} is already active in this classification"
                )
            active[key] = email
        rows.append(row)
    return rows


def _unique(
    records: list[Record], rows: list[Row], key: Callable[[Row], Hashable], field_name: str
) -> None:
    seen: set[Hashable] = set()
    for record, row in zip(records, rows, strict=True):
        value = key(row)
        if value in seen:
            raise record.fail(field_name, "is there twice (it must be unique)")
        seen.add(value)


def _ref(row: Row, column: str) -> Any:
    return row.links[column][1]


def _pairs(records: list[Record], rows: list[Row]) -> Iterable[tuple[Record, Row]]:
    return zip(records, rows, strict=True)


def _check_meetings(records: list[Record], rows: list[Row], known: dict) -> None:
    slots = [(record, row) for record, row in _pairs(records, rows) if row.values["scheduled_on"]]
    _unique(
        [record for record, _ in slots],
        [row for _, row in slots],
        lambda row: row.values["scheduled_on"],
        "scheduled_on",
    )


def _check_attendance(records: list[Record], rows: list[Row], known: dict) -> None:
    for record, row in _pairs(records, rows):
        if _ref(row, "substitute_id") is not None and row.values["status"] is not Palms.SUBSTITUTE:
            raise record.fail("substitute", "is only set when the status is S")
    _unique(records, rows, lambda r: (_ref(r, "meeting_id"), _ref(r, "member_id")), "member")


def _check_visits(records: list[Record], rows: list[Row], known: dict) -> None:
    _unique(records, rows, lambda r: (_ref(r, "meeting_id"), _ref(r, "guest_id")), "guest")


def _check_presentations(records: list[Record], rows: list[Row], known: dict) -> None:
    _unique(records, rows, lambda r: (_ref(r, "meeting_id"), _ref(r, "member_id")), "member")
    for row in rows:
        row.ref = (_ref(row, "meeting_id"), _ref(row, "member_id"))
        known["presentation"].add(row.ref)


def _check_swaps(records: list[Record], rows: list[Row], known: dict) -> None:
    for record, row in _pairs(records, rows):
        if _ref(row, "requester_id") == _ref(row, "target_id"):
            raise record.fail("target", "must be another member than the requester")
        for side in ("requester_presentation", "target_presentation"):
            slot = record.record(side)
            ref = (slot.number("meeting"), slot.email("member"))
            if ref not in known["presentation"]:
                raise record.fail(side, "names no presentation of the document")
            row.links[f"{side}_id"] = ("presentation", ref)


def _members_or_counterpart(
    records: list[Record], rows: list[Row], one: str, other: str, *, one_may_be_empty: bool
) -> None:
    for record, row in _pairs(records, rows):
        first, second = _ref(row, one), _ref(row, other)
        if first is None and second is None:
            raise record.fail("giver", "or the receiver must be a member")
        if first is not None and first == second:
            raise record.fail("receiver" if one_may_be_empty else "other", "is the same member")
        if (first is None or second is None) and not row.values["counterpart_name"].strip():
            raise record.fail("counterpart_name", "must name the person of another chapter")


def _check_slips(records: list[Record], rows: list[Row], known: dict) -> None:
    _members_or_counterpart(records, rows, "giver_id", "receiver_id", one_may_be_empty=True)


def _check_one_to_ones(records: list[Record], rows: list[Row], known: dict) -> None:
    _members_or_counterpart(records, rows, "logged_by_id", "other_id", one_may_be_empty=False)


def _check_testimonials(records: list[Record], rows: list[Row], known: dict) -> None:
    for record, row in zip(records, rows, strict=True):
        if row.links["giver_id"] == row.links["receiver_id"]:
            raise record.fail("receiver", "must be another member than the giver")


def _check_name_mappings(records: list[Record], rows: list[Row], known: dict) -> None:
    _unique(records, rows, lambda r: r.values["name_key"], "name_key")


SECTIONS: tuple[tuple[str | None, str, type, Any, Any], ...] = (  # in the order of writing
    (None, "guests", Guest, fmt.GUEST, fmt.GUEST_LINKS),
    (None, "meetings", Meeting, fmt.MEETING, fmt.MEETING_LINKS),
    (None, "attendance", Attendance, fmt.ATTENDANCE, fmt.ATTENDANCE_LINKS),
    (None, "visits", Visit, fmt.VISIT, fmt.VISIT_LINKS),
    ("rotation", "presentations", Presentation, fmt.PRESENTATION, fmt.PRESENTATION_LINKS),
    ("rotation", "swap_requests", SwapRequest, fmt.SWAP_REQUEST, fmt.SWAP_LINKS),
    ("ledger", "referral_slips", ReferralSlip, fmt.SLIP, fmt.SLIP_LINKS),
    ("ledger", "thank_yous", ThankYou, fmt.THANK_YOU, fmt.THANK_YOU_LINKS),
    ("ledger", "one_to_ones", OneToOne, fmt.ONE_TO_ONE, fmt.ONE_TO_ONE_LINKS),
    ("ledger", "education_credits", EducationCredit, fmt.EDUCATION, fmt.EDUCATION_LINKS),
    ("ledger", "testimonials", Testimonial, fmt.TESTIMONIAL, fmt.TESTIMONIAL_LINKS),
    (None, "opening_balances", OpeningBalance, fmt.OPENING_BALANCE, fmt.OPENING_BALANCE_LINKS),
    (None, "name_mappings", NameMapping, fmt.NAME_MAPPING, fmt.NAME_MAPPING_LINKS),
)
NUMBERED = {"guests": "guest", "meetings": "meeting", "referral_slips": "slip"}
CHECKS: dict[str, Callable[[list[Record], list[Row], dict], None]] = {
    "meetings": _check_meetings,
    "attendance": _check_attendance,
    "visits": _check_visits,
    "presentations": _check_presentations,
    "swap_requests": _check_swaps,
    "referral_slips": _check_slips,
    "one_to_ones": _check_one_to_ones,
    "testimonials": _check_testimonials,
    "name_mappings": _check_name_mappings,
}
