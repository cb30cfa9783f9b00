"""The weekly give/get leaderboard, its pictures, and the PALMS summary, from the weekly
summary table (never the raw slips, except the give/get matrix of one period)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func

from chapter.attendance.rules import attendance_share, months_before
from chapter.auth.models import User
from chapter.bni.models import BALANCE_COLUMNS, OpeningBalance
from chapter.extensions import db
from chapter.leaderboard.models import COLUMNS, WeeklyTotal, palms_counts
from chapter.leaderboard.ranking import (
    competition_ranks,
    givers_gain,
    previous_span,
)
from chapter.ledger.models import ReferralSlip
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.members.roles import MemberStatus

SORTS = {
    "given": "Referrals given",
    "received": "Referrals received",
    "tyfcb": "TYFCB credited",
    "one_to_ones": "One-to-ones",
    "visitors": "Visitors",
    "testimonials": "Testimonials given",
    "attendance": "Attendance",
    "givers_gain": "Givers gain",
}


@dataclass
class BoardRow:
    member_id: int
    name: str
    totals: dict[str, int]
    rank: int = 0
    change: dict[str, int] = field(default_factory=dict)

    @property
    def given(self) -> int:
        return self.totals["given_inside"] + self.totals["given_outside"]

    @property
    def received(self) -> int:
        return self.totals["received_inside"] + self.totals["received_outside"]

    @property
    def meetings(self) -> int:
        t = self.totals
        return t["present"] + t["absent"] + t["late"] + t["medical"] + t["substitute"]

    @property
    def attendance(self) -> int | None:
        """The attendance share in per cent (chapter.attendance.rules: M counts neither way)."""
        return attendance_share(palms_counts(self.totals)).percent

    @property
    def givers_gain(self) -> Decimal | None:
        return givers_gain(self.given, self.received)

    def value(self, key: str) -> float:
        """The number a column sorts by (missing ratios sort last)."""
        if key == "given":
            return self.given
        if key == "received":
            return self.received
        if key == "tyfcb":
            return self.totals["tyfcb_credited_cents"]
        if key == "attendance":
            return -1 if self.attendance is None else self.attendance
        if key == "givers_gain":
            return -1 if self.givers_gain is None else float(self.givers_gain)
        return self.totals[key]


def sums(
    chapter_id: int, start: date | None, end: date, *, balances: bool = False
) -> dict[int, dict[str, int]]:
    """Each member's summed weekly totals from ``start`` to ``end`` (one aggregate query);
    with ``balances``, plus the imported opening balances that end in the period."""
    query = (
        db.select(WeeklyTotal.member_id, *(func.sum(getattr(WeeklyTotal, c)) for c in COLUMNS))
        .where(WeeklyTotal.chapter_id == chapter_id, WeeklyTotal.week_on <= end)
        .group_by(WeeklyTotal.member_id)
    )
    if start is not None:
        query = query.where(WeeklyTotal.week_on >= start)
    totals = {
        row[0]: {column: int(value or 0) for column, value in zip(COLUMNS, row[1:], strict=True)}
        for row in db.session.execute(query)
    }
    if balances:
        for member_id, *values in db.session.execute(_balance_sums(chapter_id, start, end)):
            row = totals.setdefault(member_id, dict.fromkeys(COLUMNS, 0))
            for column, value in zip(BALANCE_COLUMNS, values, strict=True):
                row[column] += int(value or 0)
    return totals


def _balance_sums(chapter_id: int, start: date | None, end: date) -> Select:
    query = (
        db.select(
            OpeningBalance.member_id,
            *(func.sum(getattr(OpeningBalance, c)) for c in BALANCE_COLUMNS),
        )
        .where(
            OpeningBalance.chapter_id == chapter_id,
            OpeningBalance.voided_at.is_(None),
            OpeningBalance.ends_on <= end,
        )
        .group_by(OpeningBalance.member_id)
    )
    return query if start is None else query.where(OpeningBalance.ends_on >= start)


def opening_balance_spans(
    chapter_id: int, start: date | None, end: date
) -> list[tuple[date, date]]:
    """The imported ranges a period's figures include (for the label)."""
    query = (
        db.select(OpeningBalance.starts_on, OpeningBalance.ends_on)
        .where(
            OpeningBalance.chapter_id == chapter_id,
            OpeningBalance.voided_at.is_(None),
            OpeningBalance.ends_on <= end,
        )
        .distinct()
        .order_by(OpeningBalance.starts_on, OpeningBalance.ends_on)
    )
    if start is not None:
        query = query.where(OpeningBalance.ends_on >= start)
    return [(a, b) for a, b in db.session.execute(query)]


def board(
    chapter_id: int,
    start: date | None,
    end: date,
    sort: str = "given",
    previous: tuple[date, date] | None = None,
    *,
    balances: bool = False,
) -> list[BoardRow]:
    """One row per active member, ranked by ``sort`` (ties share a rank), with the change
    against the ``previous`` period when there is one. Three queries."""
    people = db.session.execute(
        db.select(Member.id, User.first_name, User.last_name)
        .join(Member.user)
        .where(Member.chapter_id == chapter_id, Member.status == MemberStatus.ACTIVE)
        .order_by(User.last_name, User.first_name)
    ).all()
    now = sums(chapter_id, start, end, balances=balances)
    before = sums(chapter_id, *previous, balances=balances) if previous else {}
    empty = dict.fromkeys(COLUMNS, 0)
    rows = [
        BoardRow(person.id, f"{person.first_name} {person.last_name}", now.get(person.id, empty))
        for person in people
    ]
    for row in rows:
        if previous is not None:
            old = BoardRow(row.member_id, row.name, before.get(row.member_id, empty))
            row.change = {
                key: int(row.value(key) - old.value(key))
                for key in ("given", "received", "tyfcb", "one_to_ones", "visitors")
            }
    rows.sort(key=lambda r: (-r.value(sort), r.name))
    for row, rank in zip(rows, competition_ranks([r.value(sort) for r in rows]), strict=True):
        row.rank = rank
    return rows


def held_weeks(chapter_id: int) -> list[date]:
    """Dates of the chapter's meetings whose roster is completed, newest first."""
    return list(
        db.session.scalars(
            db.select(Meeting.meets_on)
            .where(
                Meeting.chapter_id == chapter_id,
                Meeting.is_cancelled.is_(False),
                Meeting.roster_completed_at.is_not(None),
            )
            .order_by(Meeting.meets_on.desc())
        )
    )


def weekly_trend(chapter_id: int, weeks: list[date]) -> list[tuple[date, int, int]]:
    """(week, referrals given, TYFCB cents) of the chapter for these weeks (one query)."""
    rows = {
        week_on: (int(given or 0), int(cents or 0))
        for week_on, given, cents in db.session.execute(
            db.select(
                WeeklyTotal.week_on,
                func.sum(WeeklyTotal.given_inside + WeeklyTotal.given_outside),
                func.sum(WeeklyTotal.tyfcb_credited_cents),
            )
            .where(WeeklyTotal.chapter_id == chapter_id, WeeklyTotal.week_on.in_(weeks))
            .group_by(WeeklyTotal.week_on)
        )
    }
    return [(week, *rows.get(week, (0, 0))) for week in sorted(weeks)]


def give_get_matrix(chapter_id: int, start: date | None, end: date) -> dict[tuple[int, int], int]:
    """How many slips each giver passed to each receiver in the period (non-voided)."""
    query = (
        db.select(ReferralSlip.giver_id, ReferralSlip.receiver_id, func.count())
        .where(
            ReferralSlip.chapter_id == chapter_id,
            ReferralSlip.voided_at.is_(None),
            ReferralSlip.giver_id.is_not(None),  # imported slips with another chapter
            ReferralSlip.receiver_id.is_not(None),
            ReferralSlip.week_on <= end,
        )
        .group_by(ReferralSlip.giver_id, ReferralSlip.receiver_id)
    )
    if start is not None:
        query = query.where(ReferralSlip.week_on >= start)
    return {(giver, receiver): count for giver, receiver, count in db.session.execute(query)}


@dataclass(frozen=True)
class BoardPeriod:
    key: str
    label: str
    start: date | None
    end: date
    previous: tuple[date, date] | None
    week: date | None = None
    older_week: date | None = None
    newer_week: date | None = None
    is_provisional: bool = False


# Imported history that cannot be split into weeks counts in these periods only.
BALANCE_PERIODS = ("six_months", "all")
PERIOD_KEYS = {
    "week": "Meeting week",
    "six_months": "Rolling 6 months",
    "year": "This year",
    "all": "All time",
}


def period_for(
    chapter_id: int, key: str, week: date | None, today: date, current_week: date | None
) -> BoardPeriod:
    """The dates a leaderboard period covers. A week is one meeting's week: by default the
    last completed one; the current, not yet completed week (if a meeting is ahead) is shown
    live and marked provisional. Raises ValueError for an unknown period or a week the
    chapter did not have."""
    if key not in PERIOD_KEYS:
        raise ValueError("unknown period")
    label = PERIOD_KEYS[key]
    if key == "week":
        weeks = sorted({*held_weeks(chapter_id), *([current_week] if current_week else [])})
        if week is None and not weeks:
            return BoardPeriod(key, label, today, today, None, today)
        chosen = week or next((w for w in reversed(weeks) if w != current_week), weeks[-1])
        if chosen not in weeks:
            raise ValueError("no meeting that week")
        index = weeks.index(chosen)
        older = weeks[index - 1] if index > 0 else None
        newer = weeks[index + 1] if index + 1 < len(weeks) else None
        return BoardPeriod(
            key,
            label,
            chosen,
            chosen,
            (older, older) if older else None,
            chosen,
            older,
            newer,
            is_provisional=chosen == current_week,
        )
    if week is not None:
        raise ValueError("a week goes with the week period")
    if key == "six_months":
        start: date | None = months_before(today, 6)
    elif key == "year":
        start = date(today.year, 1, 1)
    else:
        start = None
    end = current_week or today
    previous = previous_span(start, end, key) if start else None
    return BoardPeriod(
        key,
        label,
        start,
        end if start else date.max,
        previous,
        is_provisional=current_week is not None,
    )
