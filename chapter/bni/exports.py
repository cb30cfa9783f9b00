"""Exports of a chapter's own data: the slips listing in BNI Connect's Slips Audit columns
(CSV rows and an Excel workbook) and the complete chapter document (JSON)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from chapter.attendance.guest_models import Guest, Visit
from chapter.extensions import db
from chapter.ledger.models import EducationCredit, OneToOne, ReferralSlip, ThankYou
from chapter.ledger.money import from_cents
from chapter.ledger.rules import SlipKind
from chapter.meetings.models import Meeting
from chapter.members import service as members
from chapter.moving import document_export
from chapter.platform import spreadsheets

SLIPS_HEADER = [
    "From",
    "To",
    "Slip Type",
    "Inside/Outside",
    "TYFCB Amount",
    "CEU Credits",
    "Detail",
]
AMOUNT, CREDITS = 4, 5  # columns of SLIPS_HEADER holding numbers
# The order of the kinds within a week, as BNI Connect lists them.
REFERRAL, ONE_TO_ONE, TYFCB, CEU, VISITOR = range(5)


def chapter_document(chapter_id: int) -> dict[str, Any]:
    """The whole chapter as a JSON-able document that ``chapter_import.load_document`` reads
    back into an empty chapter (members by e-mail, guests, meetings and slips by number;
    dates ISO, money in cents; sorted, so the same chapter always gives the same document)."""
    return document_export.build(chapter_id)


def _in_range(model: Any, chapter_id: int, start: date, end: date) -> list[Any]:
    return [
        model.chapter_id == chapter_id,
        model.voided_at.is_(None),
        model.week_on >= start,
        model.week_on <= end,
    ]


Entry = tuple[date, int, int, list[str]]  # week, kind's order, id, the row


def slips_listing(chapter_id: int, start: date, end: date) -> list[list[str]]:
    """One row per entry counted in the weeks from ``start`` to ``end`` (voided entries left
    out), in SLIPS_HEADER's columns: referrals, one-to-ones, TYFCB (From always blank: who
    thanked is private), CEU, and visitors at meetings held (completed rosters). A person of
    another chapter is shown by name, with their chapter as the Detail. Ordered by week,
    then by kind. Six queries, whatever the number of rows."""
    names = members.names_by_member(chapter_id)
    found = [
        *_referrals(chapter_id, start, end, names),
        *_one_to_ones(chapter_id, start, end, names),
        *_thank_yous(chapter_id, start, end, names),
        *_education(chapter_id, start, end, names),
        *_visits(chapter_id, start, end, names),
    ]
    found.sort(key=lambda entry: entry[:3])
    return [cells for *_, cells in found]


def _side(names: dict[int, str], member_id: int | None, counterpart: str) -> str:
    return names.get(member_id, "") if member_id is not None else counterpart


def _referrals(chapter_id: int, start: date, end: date, names: dict[int, str]) -> list[Entry]:
    slip = ReferralSlip
    rows = db.session.execute(
        db.select(slip.id, slip.week_on, slip.giver_id, slip.receiver_id, slip.kind)
        .add_columns(slip.counterpart_name, slip.counterpart_chapter)
        .where(*_in_range(slip, chapter_id, start, end))
    )
    return [
        (
            row.week_on,
            REFERRAL,
            row.id,
            _row(
                _side(names, row.giver_id, row.counterpart_name),
                _side(names, row.receiver_id, row.counterpart_name),
                "Referral",
                tier="Inside" if row.kind is SlipKind.INSIDE else "Outside",
                detail=_detail(row.giver_id, row.receiver_id, row.counterpart_chapter),
            ),
        )
        for row in rows
    ]


def _one_to_ones(chapter_id: int, start: date, end: date, names: dict[int, str]) -> list[Entry]:
    rows = db.session.execute(
        db.select(OneToOne.id, OneToOne.week_on, OneToOne.logged_by_id, OneToOne.other_id)
        .add_columns(OneToOne.counterpart_name, OneToOne.counterpart_chapter)
        .where(*_in_range(OneToOne, chapter_id, start, end))
    )
    return [
        (
            row.week_on,
            ONE_TO_ONE,
            row.id,
            _row(
                names.get(row.logged_by_id, ""),
                _side(names, row.other_id, row.counterpart_name),
                "One-to-One",
                detail=_detail(row.logged_by_id, row.other_id, row.counterpart_chapter),
            ),
        )
        for row in rows
    ]


def _thank_yous(chapter_id: int, start: date, end: date, names: dict[int, str]) -> list[Entry]:
    """TYFCB rows credit the giver; From stays blank, as in BNI Connect."""
    rows = db.session.execute(
        db.select(ThankYou.id, ThankYou.week_on, ThankYou.giver_id, ThankYou.amount_cents).where(
            *_in_range(ThankYou, chapter_id, start, end)
        )
    )
    return [
        (
            row.week_on,
            TYFCB,
            row.id,
            _row(
                "", names.get(row.giver_id, ""), "TYFCB", amount=str(from_cents(row.amount_cents))
            ),
        )
        for row in rows
    ]


def _education(chapter_id: int, start: date, end: date, names: dict[int, str]) -> list[Entry]:
    credit = EducationCredit
    rows = db.session.execute(
        db.select(credit.id, credit.week_on, credit.member_id, credit.credits).where(
            *_in_range(credit, chapter_id, start, end)
        )
    )
    return [
        (
            row.week_on,
            CEU,
            row.id,
            _row(names.get(row.member_id, ""), "", "CEU", credits=str(row.credits)),
        )
        for row in rows
    ]


def _row(
    giver: str,
    receiver: str,
    kind: str,
    *,
    tier: str = "",
    amount: str = "",
    credits: str = "",
    detail: str = "",
) -> list[str]:
    return [giver, receiver, kind, tier, amount, credits, detail]


def _detail(one: int | None, other: int | None, counterpart_chapter: str) -> str:
    """The other chapter's name when one side is a person of another chapter."""
    return counterpart_chapter if one is None or other is None else ""


def _visits(chapter_id: int, start: date, end: date, names: dict[int, str]) -> list[Entry]:
    rows = db.session.execute(
        db.select(Visit.id, Meeting.meets_on, Visit.invited_by_id, Guest.name)
        .join(Meeting, Meeting.id == Visit.meeting_id)
        .join(Guest, Guest.id == Visit.guest_id)
        .where(
            Meeting.chapter_id == chapter_id,
            Meeting.is_cancelled.is_(False),
            Meeting.roster_completed_at.is_not(None),
            Meeting.meets_on >= start,
            Meeting.meets_on <= end,
        )
    )
    return [
        (
            row.meets_on,
            VISITOR,
            row.id,
            _row(names.get(row.invited_by_id, ""), row.name, "Visitor"),
        )
        for row in rows
    ]


def slips_xlsx(rows: list[list[str]], title: str) -> bytes:
    """The slips listing as an Excel workbook: a title, the header in bold, a row per entry
    (amounts and credits as numbers)."""
    cells = []
    for row in rows:
        values: list[object] = list(row)
        if values[AMOUNT]:
            values[AMOUNT] = Decimal(row[AMOUNT])
        if values[CREDITS]:
            values[CREDITS] = int(row[CREDITS])
        cells.append(values)
    return spreadsheets.workbook("Slips Audit", title, SLIPS_HEADER, cells, money_column=AMOUNT + 1)
