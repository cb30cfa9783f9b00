"""The region view: every chapter side by side with its health, and the top givers.

A fixed number of queries whatever the number of chapters or weeks: chapter totals from the
per-chapter running totals (two rows per chapter), top givers from the weekly summary (never
the raw slips)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_, tuple_

from chapter.admin.chapter_health import HealthScore, health, ratio
from chapter.attendance.guest_models import Guest, Visit
from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.leaderboard import giver_windows
from chapter.leaderboard.models import RUNNING_COLUMNS, ChapterRunningTotal, GiverWindow
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.members.roles import MemberStatus

END_OF_HISTORY = date(9999, 12, 31)


def periods(today: date) -> dict[str, tuple[str, date]]:
    """The region view's periods: key -> (label, first week), each to the end of history."""
    return giver_windows.region_windows(today)


@dataclass(frozen=True)
class ChapterRef:
    """What the region page shows of a chapter (plain values: the rows can be cached)."""

    id: int
    name: str
    currency: str


@dataclass(frozen=True)
class ChapterRow:
    chapter: ChapterRef
    active: int
    given: int
    tyfcb_cents: int
    one_to_ones: int
    visitors: int
    weeks: int
    health: HealthScore


def _by_chapter(query) -> dict[int, object]:
    return {row[0]: row for row in db.session.execute(query)}


def _running_at(chapter_ids: list[int], weeks: dict[int, date]) -> dict[int, dict[str, int]]:
    """The running-total rows at these (chapter, week) pairs, by chapter."""
    running = ChapterRunningTotal
    pairs = [(chapter_id, weeks[chapter_id]) for chapter_id in chapter_ids if chapter_id in weeks]
    if not pairs:
        return {}
    rows = db.session.execute(
        db.select(running.chapter_id, *(getattr(running, c) for c in RUNNING_COLUMNS)).where(
            tuple_(running.chapter_id, running.week_on).in_(pairs)
        )
    )
    return {row[0]: dict(zip(RUNNING_COLUMNS, row[1:], strict=True)) for row in rows}


def _last_week(before: object, chapter_id: object) -> object:
    """The last running-total week of the chapter that passes ``before`` (one index seek)."""
    running = ChapterRunningTotal
    return (
        db.select(func.max(running.week_on))
        .where(running.chapter_id == chapter_id, before)
        .scalar_subquery()
    )


def chapters_overview(start: date, end: date) -> list[ChapterRow]:
    """Totals and health of every chapter for ``start..end``.

    The window's totals are the difference of two running-total rows per chapter (the last
    one up to ``end`` and the last one before ``start``): two index seeks per chapter, so the
    cost follows the number of chapters, not the length of their history."""
    running = ChapterRunningTotal
    listed = db.session.execute(
        db.select(
            Chapter,
            _last_week(running.week_on <= end, Chapter.id),
            _last_week(running.week_on < start, Chapter.id),
        ).order_by(Chapter.name)
    ).all()
    ids = [chapter.id for chapter, _, _ in listed]
    at_end = _running_at(ids, {c.id: week for c, week, _ in listed if week is not None})
    at_start = _running_at(ids, {c.id: week for c, _, week in listed if week is not None})
    zero = dict.fromkeys(RUNNING_COLUMNS, 0)

    def window(chapter_id: int, column: str) -> int:
        return int(at_end.get(chapter_id, zero)[column]) - int(
            at_start.get(chapter_id, zero)[column]
        )

    still_in = or_(Member.left_on.is_(None), Member.left_on >= start)
    people = _by_chapter(
        db.select(
            Member.chapter_id,
            func.count().filter(Member.status == MemberStatus.ACTIVE),
            func.count().filter(Member.joined_on >= start, Member.joined_on <= end),
            func.count().filter(Member.left_on >= start, Member.left_on <= end),
            func.count().filter(Member.joined_on < start, still_in),
            func.count().filter(
                Member.joined_on < start,
                still_in,
                or_(Member.left_on.is_(None), Member.left_on > end),
            ),
        ).group_by(Member.chapter_id)
    )
    visited = (
        db.select(Visit.guest_id)
        .join(Meeting, Meeting.id == Visit.meeting_id)
        .where(Meeting.meets_on >= start, Meeting.meets_on <= end)
    )
    guests = _by_chapter(
        db.select(Guest.chapter_id, func.count(), func.count(Guest.joined_as_id))
        .where(Guest.id.in_(visited))
        .group_by(Guest.chapter_id)
    )
    rows = []
    for chapter, _, _ in listed:
        held = window(chapter.id, "held_meetings")
        p = people.get(chapter.id) or (chapter.id, 0, 0, 0, 0, 0)
        g = guests.get(chapter.id) or (chapter.id, 0, 0)
        given = window(chapter.id, "given_inside") + window(chapter.id, "given_outside")
        cents = window(chapter.id, "tyfcb_credited_cents")
        one_to_ones = window(chapter.id, "one_to_ones")
        visitors = window(chapter.id, "visitors")
        absent = window(chapter.id, "absent")
        roster_rows = sum(
            window(chapter.id, column)
            for column in ("present", "absent", "late", "medical", "substitute")
        )
        active, joined, left, before, stayed = (int(v or 0) for v in p[1:])
        values = {
            "size": Decimal(active),
            "net_growth": Decimal(joined - left),
            "retention": ratio(stayed, before, 100),
            "referrals": ratio(given, active * held) if active else None,
            "visitors": ratio(visitors, held),
            "conversion": ratio(int(g[2]), int(g[1]), 100),
            "absence_rate": ratio(absent, roster_rows, 100),
        }
        rows.append(
            ChapterRow(
                ChapterRef(chapter.id, chapter.name, chapter.currency),
                active,
                given,
                cents,
                one_to_ones,
                visitors,
                held,
                health(values),
            )
        )
    return rows


@dataclass(frozen=True)
class TopGiver:
    name: str
    chapter_name: str
    given: int


def top_givers(start: date, limit: int = 10) -> list[TopGiver]:
    """The members who gave the most referrals across all chapters from ``start`` on: one
    index read of the window's per-member totals (filled on the window's first view)."""
    if not db.session.scalar(db.select(GiverWindow.filled_at).where(GiverWindow.start_on == start)):
        giver_windows.ensure(start)
        db.session.commit()
    best = giver_windows.top(start, limit)
    if not best:
        return []
    names = {
        row.id: row
        for row in db.session.execute(
            db.select(Member.id, User.first_name, User.last_name, Chapter.name)
            .join(User, User.id == Member.user_id)
            .join(Chapter, Chapter.id == Member.chapter_id)
            .where(Member.id.in_([member_id for member_id, _ in best]))
        )
    }
    return [
        TopGiver(f"{names[m].first_name} {names[m].last_name}", names[m].name, given)
        for m, given in best
    ]
