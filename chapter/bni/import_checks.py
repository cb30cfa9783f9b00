"""The preview's checks: "does it add up?" (the file's own totals against what an import
credits to this chapter's members and what it credits elsewhere: Visitors and BNI rows, TYFCB
to BNI, other chapters), and what blocks an import (dates, history counted twice)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, or_

from chapter.bni.models import OpeningBalance
from chapter.bni.reports import (
    COUNT_FIELDS,
    PalmsLine,
    PalmsSummary,
    SlipLine,
    SlipsAudit,
    SlipType,
)
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.leaderboard.models import WeeklyTotal
from chapter.ledger.money import from_cents
from chapter.meetings.schedule import WEEKDAYS

if TYPE_CHECKING:
    from chapter.bni.imports import Plan


@dataclass(frozen=True)
class Reconciliation:
    """One column: the file's own total, what this import credits to members, and what the
    file credits elsewhere (the Visitors and BNI rows, TYFCB to BNI, other chapters)."""

    label: str
    in_file: int | None  # None: the file has no Total row
    to_import: int
    elsewhere: int = 0
    money: bool = False

    @property
    def matches(self) -> bool:
        return self.in_file is None or self.in_file == self.to_import + self.elsewhere


def slips(result: Plan, report: SlipsAudit, bni_cents: int) -> None:
    planned = Counter(
        (p.line.type, p.line.inside) for p in result.pending if isinstance(p.line, SlipLine)
    )
    for label, slip_type, inside in (
        ("Referrals inside", SlipType.REFERRAL, True),
        ("Referrals outside", SlipType.REFERRAL, False),
        ("One-to-ones", SlipType.ONE_TO_ONE, None),
        ("TYFCB slips", SlipType.TYFCB, None),
        ("CEU slips", SlipType.CEU, None),
        ("Visitors", SlipType.VISITOR, None),
    ):
        in_file = report.count(slip_type, inside)
        planned_here = planned[(slip_type, inside)]
        result.reconciliation.append(
            Reconciliation(label, in_file, planned_here, in_file - planned_here)
        )
    imported_cents = sum(
        p.line.amount_cents for p in result.pending if isinstance(p.line, SlipLine)
    )
    result.reconciliation.append(
        Reconciliation("TYFCB amount", report.tyfcb_cents(), imported_cents, bni_cents, money=True)
    )
    if bni_cents:
        result.notes.append(
            f"{money(bni_cents)} of TYFCB was credited to BNI rather than a member: it is "
            "counted above but not written to any member's ledger."
        )


def palms(result: Plan, report: PalmsSummary) -> None:
    file_sums = report.sums()
    planned = {p.line.key for p in result.pending}
    labels = {"one_to_ones": "1-2-1", "tyfcb_cents": "TYFCB"}
    gaps: list[str] = []
    for column in (*COUNT_FIELDS, "tyfcb_cents"):
        if column == "t" and not report.has_testimonials:
            continue

        def value(line: PalmsLine | None, column: str = column) -> int:
            if line is None:
                return 0
            return line.tyfcb_cents if column == "tyfcb_cents" else line.counts[column]

        total = value(report.total) if report.total else None
        rows = file_sums[column]
        imported = sum(value(line) for line in report.lines if line.key in planned)
        label = labels.get(column, column.upper())
        in_cents = column == "tyfcb_cents"
        result.reconciliation.append(
            Reconciliation(label, total, imported, rows - imported, money=in_cents)
        )
        show = money if in_cents else str
        if total is not None and total != rows:
            gaps.append(f"{label} {show(total)} against {show(rows)}")
    if gaps:
        result.notes.append(
            "The file's Total row says more than its rows add up to (BNI Connect counts rows "
            f"the export leaves out, such as members who left): {'; '.join(gaps)}."
        )


def money(cents: int) -> str:
    """123450 -> "1,234.50" (through Decimal: never float)."""
    return f"{from_cents(cents):,.2f}"


def blockers(result: Plan, today: date) -> None:
    """What stops the file from being imported as it is: a meeting in the future or
    cancelled, the same file under other dates, or history the chapter already counts."""
    upload, report = result.upload, result.report
    chapter = db.session.get_one(Chapter, upload.chapter_id)
    day = result.meeting_on
    if day is not None:
        _meeting_day(result, chapter, day, today)
    earlier = result.earlier
    if earlier is not None and (earlier.starts_on, earlier.ends_on) != _span(result):
        result.blockers.append(
            f"This file was imported on {earlier.created_at:%d %b %Y} for "
            f"{_dates(earlier.starts_on, earlier.ends_on)}; importing it for other dates would "
            "count it twice. Undo that import first."
        )
    span = _span(result)
    if isinstance(report, PalmsSummary) and not report.single_meeting and span[0] and span[1]:
        _weekly_history_inside(result, chapter.id, span[0], span[1])
    elif day is not None:
        covering = db.session.execute(
            db.select(OpeningBalance.starts_on, OpeningBalance.ends_on)
            .where(
                OpeningBalance.chapter_id == chapter.id,
                OpeningBalance.voided_at.is_(None),
                OpeningBalance.starts_on <= day,
                OpeningBalance.ends_on >= day,
            )
            .limit(1)
        ).first()
        if covering is not None:
            result.blockers.append(
                f"An opening balance imported for {_dates(*covering)} already counts "
                f"{day:%d %b %Y}: importing this meeting too would count it twice."
            )


def _meeting_day(result: Plan, chapter: Chapter, day: date, today: date) -> None:
    if day > today:
        result.blockers.append(f"{day:%d %b %Y} is in the future: choose a meeting held.")
    elif result.meeting is not None and result.meeting.is_cancelled and result.restores_meeting:
        result.notes.append(
            f"The meeting of {day:%d %b %Y} was added by an import that was undone, which "
            "cancelled it: importing this file restores it."
        )
    elif result.meeting is not None and result.meeting.is_cancelled:
        result.blockers.append(
            f"The meeting of {day:%d %b %Y} was cancelled: choose the meeting held instead."
        )
    elif result.meeting is None and day.weekday() != chapter.meeting_weekday:
        result.notes.append(
            f"The chapter has no meeting on {day:%A %d %b %Y} (it meets on "
            f"{WEEKDAYS[chapter.meeting_weekday]}s): importing adds a meeting that day. Check "
            "the date if that is not what happened."
        )


def _weekly_history_inside(result: Plan, chapter_id: int, start: date, end: date) -> None:
    weeks = db.session.scalar(
        db.select(func.count(func.distinct(WeeklyTotal.week_on))).where(
            WeeklyTotal.chapter_id == chapter_id,
            WeeklyTotal.week_on >= start,
            WeeklyTotal.week_on <= end,
        )
    )
    if weeks:
        result.blockers.append(
            f"The chapter already has {weeks} week{'s' if weeks != 1 else ''} of history "
            f"between {_dates(start, end)}: "
            "an opening balance over the same dates would count them twice. Export a summary "
            "that ends before the first of them."
        )
    overlapping = db.session.execute(
        db.select(OpeningBalance.starts_on, OpeningBalance.ends_on)
        .where(
            OpeningBalance.chapter_id == chapter_id,
            OpeningBalance.voided_at.is_(None),
            OpeningBalance.starts_on <= end,
            OpeningBalance.ends_on >= start,
            or_(OpeningBalance.starts_on != start, OpeningBalance.ends_on != end),
        )
        .limit(1)
    ).first()
    if overlapping is not None:
        result.blockers.append(
            f"An opening balance for {_dates(*overlapping)} overlaps these dates: the same "
            "meetings would count twice."
        )


def _span(result: Plan) -> tuple[date | None, date | None]:
    report = result.report
    if isinstance(report, PalmsSummary):
        return report.starts_on, report.ends_on
    return result.meeting_on, result.meeting_on


def _dates(start: date | None, end: date | None) -> str:
    if start is None:
        return "no dates"
    if end is None or end == start:
        return f"{start:%d %b %Y}"
    return f"{start:%d %b %Y} to {end:%d %b %Y}"
