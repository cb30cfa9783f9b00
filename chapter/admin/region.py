"""The region view: every chapter side by side with its health, and the top givers.

A fixed number of queries whatever the number of chapters or weeks: chapter totals from the
per-chapter running totals (two rows per chapter), top givers from the weekly summary (never
the raw slips)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, bindparam, func, or_, update

from chapter.admin.chapter_health import HealthScore, health, ratio
from chapter.attendance.guest_models import Guest, Visit
from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.leaderboard import giver_windows
from chapter.leaderboard.models import RUNNING_COLUMNS, ChapterWindowTotal
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.members.roles import MemberStatus


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


def _chapters_with_window(chapters: object, start: date) -> list[tuple]:
    """Each chapter of the ``chapters`` subquery (id, name, currency) with every running
    column summed over the window from ``start`` on: one row of the window's chapter totals
    (giver_windows), none counting as zero. Plain tuples: a Row sliced per chapter cost
    12 ms for 1,000 chapters."""
    window = ChapterWindowTotal
    return [
        tuple(row)
        for row in db.session.execute(
            db.select(
                chapters.c.id,
                chapters.c.name,
                chapters.c.currency,
                *(func.coalesce(getattr(window, c), 0) for c in RUNNING_COLUMNS),
            )
            .select_from(chapters)
            .outerjoin(window, and_(window.chapter_id == chapters.c.id, window.start_on == start))
            .order_by(chapters.c.name, chapters.c.id)
        )
    ]


def _chosen(search: str) -> object:
    """The chapters whose name contains ``search`` (all of them for an empty search)."""
    query = db.select(Chapter.id, Chapter.name, Chapter.currency)
    if search:
        query = query.where(func.lower(Chapter.name).contains(search.lower(), autoescape=True))
    return query


def region_page(
    start: date, sort: str, page: int, search: str = "", per_page: int = PER_PAGE
) -> tuple[list[ChapterRow], int]:
    """One page of the region's chapters over the window from ``start`` (one of
    ``periods``) to the end of history, and how many chapters there are in all.

    Only the page's chapters are read and scored: by name from the chapters, by health from
    the score kept on each chapter's window row (``score_stale`` first scores the chapters
    that changed since), so the cost follows the number of chapters shown and changed."""
    if giver_windows.ensure(start):
        db.session.commit()
    chosen = _chosen(search)
    total = db.session.scalar(db.select(func.count()).select_from(chosen.subquery())) or 0
    offset = (page - 1) * per_page
    if sort == "name":
        shown = chosen.order_by(Chapter.name, Chapter.id).limit(per_page).offset(offset)
        return chapters_overview(start, shown.subquery()), total
    if score_stale(start):
        db.session.commit()
    window = ChapterWindowTotal
    ranked = list(
        db.session.scalars(
            chosen.with_only_columns(Chapter.id)
            .outerjoin(window, and_(window.chapter_id == Chapter.id, window.start_on == start))
            .order_by(
                func.coalesce(window.health_total, 0).desc(),
                func.lower(Chapter.name),
                Chapter.id,
            )
            .limit(per_page)
            .offset(offset)
        )
    )
    place = {chapter_id: n for n, chapter_id in enumerate(ranked)}
    shown = _chosen("").where(Chapter.id.in_(ranked)).subquery()
    return sorted(chapters_overview(start, shown), key=lambda r: place[r.chapter.id]), total


def score_stale(start: date) -> int:
    """Score again every chapter whose rows changed since its health over the window from
    ``start`` was stored (or that has none yet); how many were scored. The change count is
    read before the data and the score stored only if it still holds, so a commit racing the
    scoring leaves the score stale (scored on the next view), never wrong."""
    window = ChapterWindowTotal
    on_window = and_(window.chapter_id == Chapter.id, window.start_on == start)
    missing = list(
        db.session.scalars(
            db.select(Chapter.id).outerjoin(window, on_window).where(window.chapter_id.is_(None))
        )
    )
    giver_windows.recount_chapters(missing)  # a chapter new since the window was filled
    stale = dict(
        db.session.execute(
            db.select(window.chapter_id, window.changes).where(
                window.start_on == start,
                or_(window.health_scored.is_(None), window.health_scored != window.changes),
            )
        ).all()
    )
    if not stale:
        return 0
    chosen = _chosen("").where(Chapter.id.in_(stale)).subquery()
    scores = sorted(  # rows taken in (window, chapter) order, as commits take them: no deadlock
        (
            {"chapter": row.chapter.id, "seen": stale[row.chapter.id], "total": row.health.total}
            for row in chapters_overview(start, chosen if len(stale) < 500 else None)
            if row.chapter.id in stale
        ),
        key=lambda score: score["chapter"],
    )
    table = window.__table__  # Core: one executemany, not the ORM's update by primary key
    db.session.execute(
        update(table)
        .where(
            table.c.start_on == start,
            table.c.chapter_id == bindparam("chapter"),
            table.c.changes == bindparam("seen"),
        )
        .values(health_total=bindparam("total"), health_scored=bindparam("seen")),
        scores,
    )
    return len(scores)


def chapters_overview(start: date, chapters: object | None = None) -> list[ChapterRow]:
    """Totals and health over the window from ``start`` (filled: ``giver_windows.ensure``) of
    the chapters of the ``chapters`` subquery (id, name, currency; every chapter when None),
    in name order. The cost follows the number of chapters, not the length of their history."""
    every = chapters is None  # no filter on the chapter (a join that cost 5 ms for 1,000)
    if chapters is None:
        chapters = _chosen("").subquery()
    listed = _chapters_with_window(chapters, start)
    ids = db.select(chapters.c.id)
    at = {column: 3 + i for i, column in enumerate(RUNNING_COLUMNS)}
    held_at, given_at = at["held_meetings"], (at["given_inside"], at["given_outside"])
    cents_at, one_to_ones_at = at["tyfcb_credited_cents"], at["one_to_ones"]
    visitors_at, absent_at = at["visitors"], at["absent"]
    roster_at = [at[c] for c in ("present", "absent", "late", "medical", "substitute")]

    # The window runs to the end of history: joined or left "in the window" is from its start on.
    people_query = db.select(
        Member.chapter_id,
        func.count().filter(Member.status == MemberStatus.ACTIVE),
        func.count().filter(Member.joined_on >= start),
        func.count().filter(Member.left_on >= start),
        func.count().filter(
            Member.joined_on < start, or_(Member.left_on.is_(None), Member.left_on >= start)
        ),
        func.count().filter(Member.joined_on < start, Member.left_on.is_(None)),
    ).group_by(Member.chapter_id)
    visited = (
        db.select(Visit.guest_id)
        .join(Meeting, Meeting.id == Visit.meeting_id)
        .where(Meeting.meets_on >= start)
    )
    guests_query = (
        db.select(Guest.chapter_id, func.count(), func.count(Guest.joined_as_id))
        .where(Guest.id.in_(visited))
        .group_by(Guest.chapter_id)
    )
    if not every:  # a visitor's guest record belongs to the chapter they visited
        people_query = people_query.where(Member.chapter_id.in_(ids))
        guests_query = guests_query.where(Guest.chapter_id.in_(ids))
    people, guests = _by_chapter(people_query), _by_chapter(guests_query)
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
    index read of the window's per-member totals (filled by ``region_page``)."""
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
