"""The region view: every chapter side by side with its health, and the top givers.

A fixed number of aggregate queries whatever the number of chapters, from the weekly
summary (never the raw slips)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, or_

from chapter.admin.chapter_health import HealthScore, health, ratio
from chapter.attendance.guest_models import Guest, Visit
from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.leaderboard.models import ChapterWeeklyTotal, WeeklyTotal
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.members.roles import MemberStatus


@dataclass(frozen=True)
class ChapterRow:
    chapter: Chapter
    active: int
    given: int
    tyfcb_cents: int
    one_to_ones: int
    visitors: int
    weeks: int
    health: HealthScore


def _by_chapter(query) -> dict[int, object]:
    return {row[0]: row for row in db.session.execute(query)}


def chapters_overview(start: date, end: date) -> list[ChapterRow]:
    """Totals and health of every chapter for ``start..end``."""
    week = ChapterWeeklyTotal
    totals = _by_chapter(
        db.select(
            week.chapter_id,
            func.sum(week.given_inside + week.given_outside),
            func.sum(week.tyfcb_credited_cents),
            func.sum(week.one_to_ones),
            func.sum(week.visitors),
            func.sum(week.absent),
            func.sum(week.present + week.absent + week.late + week.medical + week.substitute),
        )
        .where(week.week_on >= start, week.week_on <= end)
        .group_by(week.chapter_id)
    )
    weeks = _by_chapter(
        db.select(Meeting.chapter_id, func.count())
        .where(
            Meeting.meets_on >= start,
            Meeting.meets_on <= end,
            Meeting.is_cancelled.is_(False),
            Meeting.roster_completed_at.is_not(None),
        )
        .group_by(Meeting.chapter_id)
    )
    at_start = or_(Member.left_on.is_(None), Member.left_on >= start)
    people = _by_chapter(
        db.select(
            Member.chapter_id,
            func.count().filter(Member.status == MemberStatus.ACTIVE),
            func.count().filter(Member.joined_on >= start, Member.joined_on <= end),
            func.count().filter(Member.left_on >= start, Member.left_on <= end),
            func.count().filter(Member.joined_on < start, at_start),
            func.count().filter(
                Member.joined_on < start,
                at_start,
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
    for chapter in db.session.scalars(db.select(Chapter).order_by(Chapter.name)):
        t = totals.get(chapter.id) or (chapter.id, 0, 0, 0, 0, 0, 0)
        held = int(weeks[chapter.id][1]) if chapter.id in weeks else 0
        p = people.get(chapter.id) or (chapter.id, 0, 0, 0, 0, 0)
        g = guests.get(chapter.id) or (chapter.id, 0, 0)
        given, cents, one_to_ones, visitors, absent, roster_rows = (int(v or 0) for v in t[1:])
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
            ChapterRow(chapter, active, given, cents, one_to_ones, visitors, held, health(values))
        )
    return rows


@dataclass(frozen=True)
class TopGiver:
    name: str
    chapter_name: str
    given: int


def top_givers(start: date, end: date, limit: int = 10) -> list[TopGiver]:
    """The members who gave the most referrals across all chapters in the window."""
    given = func.sum(WeeklyTotal.given_inside + WeeklyTotal.given_outside).label("given")
    # Rank on the summary alone, then fetch names for the few winners only.
    best = (
        db.select(WeeklyTotal.member_id, given)
        .where(WeeklyTotal.week_on >= start, WeeklyTotal.week_on <= end)
        .group_by(WeeklyTotal.member_id)
        .order_by(given.desc(), WeeklyTotal.member_id)
        .limit(limit)
        .subquery()
    )
    rows = db.session.execute(
        db.select(User.first_name, User.last_name, Chapter.name, best.c.given)
        .select_from(best)
        .join(Member, Member.id == best.c.member_id)
        .join(User, User.id == Member.user_id)
        .join(Chapter, Chapter.id == Member.chapter_id)
        .order_by(best.c.given.desc(), best.c.member_id)
    )
    return [
        TopGiver(f"{r.first_name} {r.last_name}", r.name, int(r.given or 0))
        for r in rows
        if r.given
    ]
