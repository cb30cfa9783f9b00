"""The region view: every chapter side by side with its health, and the top givers.

A fixed number of queries whatever the number of chapters or weeks: chapter totals from the
per-chapter running totals (two rows per chapter), top givers from the weekly summary (never
the raw slips)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, or_, true
from sqlalchemy.orm import aliased

from chapter.admin.chapter_health import HealthScore, health, ratio
from chapter.attendance.guest_models import Guest, Visit
from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.leaderboard import giver_windows
from chapter.leaderboard.models import RUNNING_COLUMNS, ChapterRunningTotal
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


SORTS = {"name": "Name", "health": "Health"}
PER_PAGE = 50


def _by_chapter(query) -> dict[int, object]:
    return {row[0]: tuple(row) for row in db.session.execute(query)}


def _last_week(before: object, chapter_id: object) -> object:
    """The last running-total week of the chapter that passes ``before`` (one index seek)."""
    running = ChapterRunningTotal
    return (
        db.select(func.max(running.week_on))
        .where(running.chapter_id == chapter_id, before)
        .scalar_subquery()
    )


def _chapters_with_running(chapters: object, start: date, end: date) -> list:
    """Each chapter of the ``chapters`` subquery (id, name, currency) with every running
    column's total over the window: its running-total row at ``end`` minus the one just
    before ``start`` (none counts as zero), whatever the length of its history.

    PostgreSQL reads each row with one backward index seek (``LATERAL ... LIMIT 1``); SQLite,
    which has no LATERAL, finds the week first and then the row (two seeks)."""
    if db.session.get_bind().dialect.name == "postgresql":
        at_end = _lateral_row(chapters, ChapterRunningTotal.week_on <= end)
        at_start = _lateral_row(chapters, ChapterRunningTotal.week_on < start)
        joined = chapters.outerjoin(at_end, true()).outerjoin(at_start, true())
    else:
        at_end, at_start = aliased(ChapterRunningTotal), aliased(ChapterRunningTotal)
        joined = chapters.outerjoin(
            at_end,
            and_(
                at_end.chapter_id == chapters.c.id,
                at_end.week_on == _last_week(ChapterRunningTotal.week_on <= end, chapters.c.id),
            ),
        ).outerjoin(
            at_start,
            and_(
                at_start.chapter_id == chapters.c.id,
                at_start.week_on == _last_week(ChapterRunningTotal.week_on < start, chapters.c.id),
            ),
        )
    end_columns, start_columns = _columns(at_end), _columns(at_start)
    return db.session.execute(
        db.select(
            chapters.c.id,
            chapters.c.name,
            chapters.c.currency,
            *(
                func.coalesce(end_columns[c], 0) - func.coalesce(start_columns[c], 0)
                for c in RUNNING_COLUMNS
            ),
        )
        .select_from(joined)
        .order_by(chapters.c.name, chapters.c.id)
    ).all()


def _lateral_row(chapters: object, before: object) -> object:
    """The chapter's last running-total row that passes ``before``: one backward index seek."""
    running = ChapterRunningTotal
    return (
        db.select(*(getattr(running, c) for c in RUNNING_COLUMNS))
        .where(running.chapter_id == chapters.c.id, before)
        .order_by(running.week_on.desc())
        .limit(1)
        .lateral()
    )


def _columns(row: object) -> dict[str, object]:
    """The running columns of an aliased running-total row or of a lateral subquery."""
    if hasattr(row, "c"):
        return {c: row.c[c] for c in RUNNING_COLUMNS}
    return {c: getattr(row, c) for c in RUNNING_COLUMNS}


def _chosen(search: str) -> object:
    """The chapters whose name contains ``search`` (all of them for an empty search)."""
    query = db.select(Chapter.id, Chapter.name, Chapter.currency)
    if search:
        query = query.where(func.lower(Chapter.name).contains(search.lower(), autoescape=True))
    return query


def region_page(
    start: date, end: date, sort: str, page: int, search: str = "", per_page: int = PER_PAGE
) -> tuple[list[ChapterRow], int]:
    """One page of the region's chapters and how many there are in all.

    By name (the default), only the page's chapters are read: the cost follows the number of
    chapters shown. By health, every chapter matching ``search`` is scored to rank them."""
    chosen = _chosen(search)
    total = db.session.scalar(db.select(func.count()).select_from(chosen.subquery())) or 0
    offset = (page - 1) * per_page
    if sort == "name":
        shown = chosen.order_by(Chapter.name, Chapter.id).limit(per_page).offset(offset)
        return chapters_overview(start, end, shown.subquery()), total
    ranked = sorted(
        chapters_overview(start, end, chosen.subquery()),
        key=lambda row: (-row.health.total, row.chapter.name.lower(), row.chapter.id),
    )
    return ranked[offset : offset + per_page], total


def chapters_overview(start: date, end: date, chapters: object | None = None) -> list[ChapterRow]:
    """Totals and health for ``start..end`` of the chapters of the ``chapters`` subquery
    (id, name, currency; every chapter when None), in name order.

    The window's totals are the difference of two running-total rows per chapter (the last
    one up to ``end`` and the last one before ``start``), so the cost follows the number of
    chapters, not the length of their history."""
    if chapters is None:
        chapters = _chosen("").subquery()
    # Plain tuples (id, name, currency, *running columns): a Row sliced or zipped per chapter
    # cost 12 ms for 1,000 chapters.
    listed = [tuple(row) for row in _chapters_with_running(chapters, start, end)]
    ids = db.select(chapters.c.id)
    at = {column: 3 + i for i, column in enumerate(RUNNING_COLUMNS)}
    held_at, given_at = at["held_meetings"], (at["given_inside"], at["given_outside"])
    cents_at, one_to_ones_at = at["tyfcb_credited_cents"], at["one_to_ones"]
    visitors_at, absent_at = at["visitors"], at["absent"]
    roster_at = [at[c] for c in ("present", "absent", "late", "medical", "substitute")]

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
        )
        .where(Member.chapter_id.in_(ids))
        .group_by(Member.chapter_id)
    )
    visited = (
        db.select(Visit.guest_id)
        .join(Meeting, Meeting.id == Visit.meeting_id)
        .where(Meeting.chapter_id.in_(ids), Meeting.meets_on >= start, Meeting.meets_on <= end)
    )
    guests = _by_chapter(
        db.select(Guest.chapter_id, func.count(), func.count(Guest.joined_as_id))
        .where(Guest.chapter_id.in_(ids), Guest.id.in_(visited))
        .group_by(Guest.chapter_id)
    )
    rows = []
    for row in listed:
        chapter_id, name, currency = row[:3]
        held = int(row[held_at])
        p = people.get(chapter_id) or (chapter_id, 0, 0, 0, 0, 0)
        g = guests.get(chapter_id) or (chapter_id, 0, 0)
        given = int(row[given_at[0]] + row[given_at[1]])
        cents = int(row[cents_at])
        one_to_ones = int(row[one_to_ones_at])
        visitors = int(row[visitors_at])
        absent = int(row[absent_at])
        roster_rows = int(sum(row[i] for i in roster_at))
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
                ChapterRef(chapter_id, name, currency),
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
    if giver_windows.ensure(start):
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
