"""The whole chapter as one deterministic JSON-able document (see ``document_format``).

Every section is sorted by its meaning (dates, e-mails), then by its whole content, then by
the row's id; an import writes rows in document order, so exporting the imported chapter
gives the same document again.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from chapter.attendance.guest_models import Guest, Visit
from chapter.attendance.models import Attendance
from chapter.bni.models import NameMapping, OpeningBalance
from chapter.chapters.models import Chapter
from chapter.errors import NotFound
from chapter.extensions import db
from chapter.ledger.models import (
    EducationCredit,
    OneToOne,
    ReferralSlip,
    Testimonial,
    ThankYou,
)
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.moving import document_format as fmt
from chapter.rotation.models import Presentation, SwapRequest

Refs = dict[str, dict[int, Any]]  # kind -> database id -> the record's reference
Key = Callable[[dict[str, Any]], tuple[Any, ...]]


def build(chapter_id: int) -> dict[str, Any]:
    """Export the chapter: settings, members, guests, meetings, attendance and visits, the
    rotation, the ledger, opening balances and the names remembered by imports."""
    chapter = db.session.get(Chapter, chapter_id)
    if chapter is None:
        raise NotFound("There is no such chapter.")
    refs: Refs = {}
    in_meetings = Meeting.chapter_id == chapter_id
    document: dict[str, Any] = {
        "format": fmt.FORMAT,
        "version": fmt.VERSION,
        "chapter": fmt.dump_fields(chapter, fmt.CHAPTER),
        "members": _members(chapter_id, refs),
    }
    document["guests"] = _numbered(
        "guest",
        _rows(Guest, Guest.chapter_id == chapter_id),
        (fmt.GUEST, fmt.GUEST_LINKS),
        lambda r: (r["name"], r["email"]),
        refs,
    )
    document["meetings"] = _numbered(
        "meeting",
        _rows(Meeting, in_meetings),
        (fmt.MEETING, fmt.MEETING_LINKS),
        lambda r: (r["meets_on"], r["starts_at"], r["scheduled_on"]),
        refs,
    )
    document["attendance"] = _sorted(
        _rows(Attendance, in_meetings, join=Meeting),
        (fmt.ATTENDANCE, fmt.ATTENDANCE_LINKS),
        lambda r: (r["meeting"], r["member"]),
        refs,
    )
    document["visits"] = _sorted(
        _rows(Visit, in_meetings, join=Meeting),
        (fmt.VISIT, fmt.VISIT_LINKS),
        lambda r: (r["meeting"], r["guest"]),
        refs,
    )
    document["rotation"] = _rotation(chapter_id, refs)
    document["ledger"] = _ledger(chapter_id, refs)
    document["opening_balances"] = _sorted(
        _rows(OpeningBalance, OpeningBalance.chapter_id == chapter_id),
        (fmt.OPENING_BALANCE, fmt.OPENING_BALANCE_LINKS),
        lambda r: (r["member"], r["starts_on"], r["ends_on"]),
        refs,
    )
    document["name_mappings"] = _sorted(
        _rows(NameMapping, NameMapping.chapter_id == chapter_id),
        (fmt.NAME_MAPPING, fmt.NAME_MAPPING_LINKS),
        lambda r: (r["name_key"],),
        refs,
    )
    return document


def _rows(model: type, *where: Any, join: type | None = None) -> list[Any]:
    query = db.select(model)
    if join is not None:
        query = query.join(join)
    return list(db.session.scalars(query.where(*where)))


def record_of(
    row: Any, shape: tuple[tuple[fmt.Field, ...], tuple[fmt.Link, ...]], refs: Refs
) -> dict[str, Any]:
    """The row's fields, and each link as the linked record's reference (None when unset,
    or when it points outside the chapter: another chapter's or the platform's people)."""
    fields, links = shape
    record = fmt.dump_fields(row, fields)
    for link in links:
        linked = getattr(row, link.column)
        record[link.key] = None if linked is None else refs[link.kind].get(linked)
    return record


def _ordered(
    rows: Iterable[Any], to_record: Callable[[Any], dict[str, Any]], key: Key
) -> list[tuple[dict[str, Any], int]]:
    """(record, id) pairs sorted by meaning, then by content, then by id."""
    pairs = [(to_record(row), row.id) for row in rows]
    pairs.sort(key=lambda pair: (_sort_key(key(pair[0])), _canonical(pair[0]), pair[1]))
    return pairs


def _canonical(record: dict[str, Any]) -> str:
    return json.dumps(record, sort_keys=True, ensure_ascii=False)


def _sort_key(values: tuple[Any, ...]) -> tuple[tuple[bool, Any], ...]:
    """Sortable even when a value is None (None first)."""
    return tuple((value is not None, value if value is not None else 0) for value in values)


def _sorted(rows: Iterable[Any], shape: Any, key: Key, refs: Refs) -> list[dict[str, Any]]:
    return [record for record, _ in _ordered(rows, lambda r: record_of(r, shape, refs), key)]


def _numbered(
    kind: str, rows: Iterable[Any], shape: Any, key: Key, refs: Refs
) -> list[dict[str, Any]]:
    """Sorted records numbered from 1; ``refs[kind]`` learns each row's number by its id."""
    numbers = refs.setdefault(kind, {})
    records = []
    pairs = _ordered(rows, lambda r: record_of(r, shape, refs), key)
    for number, (record, row_id) in enumerate(pairs, start=1):
        numbers[row_id] = number
        records.append({"number": number, **record})
    return records


def _members(chapter_id: int, refs: Refs) -> list[dict[str, Any]]:
    """Members by e-mail (unique on the platform); users are referred to by e-mail only when
    they are members here."""
    members = list(db.session.scalars(db.select(Member).where(Member.chapter_id == chapter_id)))
    refs["member"] = {member.id: member.user.email for member in members}
    refs["user"] = {member.user_id: member.user.email for member in members}
    records = []
    for member in members:
        record = {"email": member.user.email, **fmt.dump_fields(member.user, fmt.USER)}
        record.update(record_of(member, (fmt.MEMBER, fmt.MEMBER_LINKS), refs))
        records.append(record)
    return sorted(records, key=lambda record: record["email"])


def _rotation(chapter_id: int, refs: Refs) -> dict[str, Any]:
    presentations = _rows(Presentation, Meeting.chapter_id == chapter_id, join=Meeting)
    slot = {
        p.id: {"meeting": refs["meeting"][p.meeting_id], "member": refs["member"][p.member_id]}
        for p in presentations
    }

    def swap_record(swap: SwapRequest) -> dict[str, Any]:
        record = record_of(swap, (fmt.SWAP_REQUEST, fmt.SWAP_LINKS), refs)
        record["requester_presentation"] = slot[swap.requester_presentation_id]
        record["target_presentation"] = slot[swap.target_presentation_id]
        return record

    swaps = _ordered(
        _rows(SwapRequest, SwapRequest.chapter_id == chapter_id),
        swap_record,
        lambda r: (r["requester_presentation"]["meeting"], r["requester"]),
    )
    return {
        "presentations": _sorted(
            presentations,
            (fmt.PRESENTATION, fmt.PRESENTATION_LINKS),
            lambda r: (r["meeting"], r["member"]),
            refs,
        ),
        "swap_requests": [record for record, _ in swaps],
    }


def _ledger(chapter_id: int, refs: Refs) -> dict[str, Any]:
    return {
        "referral_slips": _numbered(
            "slip",
            _rows(ReferralSlip, ReferralSlip.chapter_id == chapter_id),
            (fmt.SLIP, fmt.SLIP_LINKS),
            lambda r: (r["week_on"], r["passed_at"]),
            refs,
        ),
        "thank_yous": _sorted(
            _rows(ThankYou, ThankYou.chapter_id == chapter_id),
            (fmt.THANK_YOU, fmt.THANK_YOU_LINKS),
            lambda r: (r["week_on"], r["thanked_on"]),
            refs,
        ),
        "one_to_ones": _sorted(
            _rows(OneToOne, OneToOne.chapter_id == chapter_id),
            (fmt.ONE_TO_ONE, fmt.ONE_TO_ONE_LINKS),
            lambda r: (r["week_on"], r["met_on"]),
            refs,
        ),
        "education_credits": _sorted(
            _rows(EducationCredit, EducationCredit.chapter_id == chapter_id),
            (fmt.EDUCATION, fmt.EDUCATION_LINKS),
            lambda r: (r["week_on"], r["earned_on"]),
            refs,
        ),
        "testimonials": _sorted(
            _rows(Testimonial, Testimonial.chapter_id == chapter_id),
            (fmt.TESTIMONIAL, fmt.TESTIMONIAL_LINKS),
            lambda r: (r["week_on"], r["given_on"]),
            refs,
        ),
    }
