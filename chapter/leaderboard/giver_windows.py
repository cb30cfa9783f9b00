"""The region's windows: its chapters' totals and top givers without summing history on each
view.

The region view shows a few windows, each from a start week to the end of history
(``region_windows``: the rolling six months, this year, all time). For every current window a
row per member holds the referrals they gave in it (``member_window_totals``), so the top ten
is one index read whatever the number of members or weeks; and a row per chapter holds every
running column over the window (``chapter_window_totals``: the chapter's last running-total
row minus the last one before the window), so ranking 1,000 chapters by health reads 1,000
rows, not 2,000 index seeks.

Kept in step like the weekly summary they are summed from: the commit hook that refreshes a
member's weekly rows calls ``recount`` for those members, and ``recount_chapters`` for their
chapters once the running totals are rewritten, in the same transaction, for every current
window (whether or not anyone has opened it yet). A window is filled for every member
on its first view (``ensure``); a member's row written by a commit wins over the fill (the fill
never overwrites), so a write racing a fill is never lost. The rolling window starts a day
later each day: yesterday's window is dropped when today's is filled.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from datetime import date

from sqlalchemy import (
    Date,
    Integer,
    and_,
    bindparam,
    delete,
    event,
    func,
    literal,
    literal_column,
    select,
    text,
    true,
    union_all,
    update,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import BindParameter

from chapter.attendance.rules import months_before
from chapter.chapters.models import Chapter
from chapter.db import utcnow
from chapter.extensions import db
from chapter.leaderboard.models import (
    RUNNING_COLUMNS,
    ChapterRunningTotal,
    ChapterWindowTotal,
    GiverWindow,
    MemberWindowTotal,
    WeeklyTotal,
)
from chapter.platform import page_cache

ALL_TIME = date(1900, 1, 1)
RECOUNTED = "giver_windows_recounted"  # session.info: chapters whose scores this commit staled


def region_windows(today: date) -> dict[str, tuple[str, date]]:
    """The region view's periods: key -> (label, first week counted). Each runs to the end of
    history, so this week's activity counts even when its meeting is later than today."""
    return {
        "six_months": ("Rolling 6 months", months_before(today, 6)),
        "year": ("This year", date(today.year, 1, 1)),
        "all": ("All time", ALL_TIME),
    }


def current_starts(today: date | None = None) -> set[date]:
    return {start for _, start in region_windows(today or utcnow().date()).values()}


def _insert(table: object, dialect: str | None = None):
    dialect = dialect or db.session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


def _given_since(start: object, member: object) -> object:
    """Referrals ``member`` gave in the weeks from ``start`` on (a range of its summary rows)."""
    return (
        select(func.coalesce(func.sum(WeeklyTotal.given_inside + WeeklyTotal.given_outside), 0))
        .where(WeeklyTotal.member_id == member, WeeklyTotal.week_on >= start)
        .scalar_subquery()
    )


def recount(member_ids: Iterable[int], today: date | None = None) -> None:
    """Sum these members' rows again for every current window (called before the commit that
    changed their weekly summary). The rows are locked before they are summed, so of two
    commits for one member the second sums after the first committed."""
    ids = sorted(set(member_ids))
    if not ids:
        return
    starts = sorted(current_starts(today))
    add, lock, count = _member_statements(db.session.get_bind().dialect.name)
    rows = [{"start_on": s, "member_id": m, "given": 0} for s in starts for m in ids]
    db.session.execute(add, rows)
    params = {"starts": starts, "ids": ids}
    db.session.execute(lock, params).all()
    db.session.execute(count, params)


@functools.cache
def _member_statements(dialect: str) -> tuple[object, object, object]:
    """``recount``'s statements, built once (the members and windows are parameters): a row
    for each member and window where none is yet, their rows locked in order, then summed."""
    table = MemberWindowTotal.__table__
    add = _insert(table, dialect).on_conflict_do_nothing()
    chosen = and_(
        table.c.start_on.in_(bindparam("starts", expanding=True, type_=Date())),
        table.c.member_id.in_(bindparam("ids", expanding=True, type_=Integer())),
    )
    lock = (
        select(table.c.start_on)
        .where(chosen)
        .order_by(table.c.start_on, table.c.member_id)
        .with_for_update()
    )
    count = (
        update(table).where(chosen).values(given=_given_since(table.c.start_on, table.c.member_id))
    )
    return add, lock, count


def _chapter_windows(start: object, chapter_ids: object | None = None):
    """(start, chapter id, every running column over the window from ``start`` on) for these
    chapters (all when None; ``start`` and the ids may be bound parameters): the chapter's
    last running-total row minus its last row before ``start`` (none counts as zero).
    PostgreSQL reads each row with one backward index seek (``LATERAL ... LIMIT 1``); SQLite,
    which has no LATERAL, finds the week, then the row."""
    chapters = select(Chapter.id)
    if isinstance(chapter_ids, BindParameter) and not chapter_ids.expanding:
        chapters = chapters.where(Chapter.id == chapter_ids)  # one chapter
    elif chapter_ids is not None:
        chapters = chapters.where(Chapter.id.in_(chapter_ids))
    chapters = chapters.subquery()
    running = ChapterRunningTotal
    if db.session.get_bind().dialect.name == "postgresql":

        def last(before: object) -> object:
            return (
                select(*(getattr(running, c) for c in RUNNING_COLUMNS))
                .where(running.chapter_id == chapters.c.id, before)
                .order_by(running.week_on.desc())
                .limit(1)
                .lateral()
            )

        at_end, at_start = last(true()), last(running.week_on < start)
        joined = chapters.outerjoin(at_end, true()).outerjoin(at_start, true())
        end_columns = [at_end.c[c] for c in RUNNING_COLUMNS]
        start_columns = [at_start.c[c] for c in RUNNING_COLUMNS]
    else:

        def last_week(before: object) -> object:
            return (
                select(func.max(running.week_on))
                .where(running.chapter_id == chapters.c.id, before)
                .scalar_subquery()
            )

        at_end, at_start = aliased(running), aliased(running)
        joined = chapters.outerjoin(
            at_end,
            and_(at_end.chapter_id == chapters.c.id, at_end.week_on == last_week(true())),
        ).outerjoin(
            at_start,
            and_(
                at_start.chapter_id == chapters.c.id,
                at_start.week_on == last_week(running.week_on < start),
            ),
        )
        end_columns = [getattr(at_end, c) for c in RUNNING_COLUMNS]
        start_columns = [getattr(at_start, c) for c in RUNNING_COLUMNS]
    return select(
        start if isinstance(start, BindParameter) else literal(start),
        chapters.c.id,
        *(
            func.coalesce(e, _ZERO) - func.coalesce(s, _ZERO)
            for e, s in zip(end_columns, start_columns, strict=True)
        ),
    ).select_from(joined)


WINDOW_COLUMNS = ["start_on", "chapter_id", *RUNNING_COLUMNS]
# Written into the statement, not bound: 96 parameters of 0 a recount cost their conversion.
_ZERO = literal_column("0", Integer())


def recount_chapters(chapter_ids: Iterable[int], today: date | None = None) -> None:
    """Sum these chapters' windows again from their running totals, for every current window
    (called by the commit hook once it rewrote their running totals, with their rows locked:
    of two commits for one chapter the second sums after the first committed)."""
    ids = sorted(set(chapter_ids))
    if not ids:
        return
    starts = sorted(current_starts(today))
    db.session().info.setdefault(RECOUNTED, set()).update(ids)  # their scores are stale now
    one = len(ids) == 1
    db.session.execute(
        _recount_statement(db.session.get_bind().dialect.name, len(starts), one),
        {"ids": ids[0] if one else ids, **{f"start_{n}": s for n, s in enumerate(starts)}},
    )


@functools.cache
def _recount_statement(dialect: str, windows: int, one: bool = False) -> object:
    """``recount_chapters``'s statement, built once (with the chapters and the windows' starts
    as parameters): built anew on every commit it cost 8 ms of Python a slip. ``one``: one
    chapter (a commit's usual), ``ids`` a plain parameter: a list is written into this 12 KB
    statement's text on every execution."""
    ids = bindparam("ids", type_=Integer()) if one else bindparam("ids", expanding=True)
    starts = [bindparam(f"start_{n}", type_=Date) for n in range(windows)]
    table = ChapterWindowTotal.__table__  # Core: executed with parameters, not an ORM bulk insert
    statement = _insert(table, dialect).from_select(
        WINDOW_COLUMNS,
        union_all(*(_chapter_windows(start, ids) for start in starts)),
        include_defaults=False,  # a new row's change count: the server's 0
    )
    return statement.on_conflict_do_update(
        index_elements=["start_on", "chapter_id"],
        set_={
            **{c: statement.excluded[c] for c in RUNNING_COLUMNS},
            "changes": table.c.changes + 1,  # its health score is stale
        },
    )


def touched(chapter_ids: Iterable[int], session: Session | None = None) -> None:
    """These chapters' rows changed in this transaction: their window health scores are stale
    (the region view scores them again; a score computed before this commit is never stored)."""
    ids = sorted(set(chapter_ids))
    if ids:
        window = ChapterWindowTotal
        (session or db.session).execute(
            update(window)
            .where(window.start_on.in_(current_starts()), window.chapter_id.in_(ids))
            .values(changes=window.changes + 1)
            .execution_options(synchronize_session=False)
        )


def ensure(start: date) -> bool:
    """Fill the window from ``start`` for every member and chapter, once (and drop windows no
    longer offered); True when it wrote. Committed by the caller; two first views at once
    insert each row once."""
    if db.session.scalar(select(GiverWindow.filled_at).where(GiverWindow.start_on == start)):
        return False
    given = func.sum(WeeklyTotal.given_inside + WeeklyTotal.given_outside)
    db.session.execute(
        _insert(MemberWindowTotal)
        .from_select(
            ["start_on", "member_id", "given"],
            select(literal(start), WeeklyTotal.member_id, given)
            .where(WeeklyTotal.week_on >= start)
            .group_by(WeeklyTotal.member_id),
        )
        .on_conflict_do_nothing()
    )
    db.session.execute(
        _insert(ChapterWindowTotal)
        .from_select(WINDOW_COLUMNS, _chapter_windows(start), include_defaults=False)
        .on_conflict_do_nothing()
    )
    db.session.execute(
        _insert(GiverWindow)
        .values(start_on=start, filled_at=utcnow())
        .on_conflict_do_update(index_elements=["start_on"], set_={"filled_at": utcnow()})
    )
    offered = current_starts() | {start}
    db.session.execute(delete(MemberWindowTotal).where(MemberWindowTotal.start_on.not_in(offered)))
    db.session.execute(
        delete(ChapterWindowTotal).where(ChapterWindowTotal.start_on.not_in(offered))
    )
    db.session.execute(delete(GiverWindow).where(GiverWindow.start_on.not_in(offered)))
    if db.session.get_bind().dialect.name == "postgresql":
        # The new window's rows are a start date the planner's statistics have never seen:
        # it guessed one row and sorted all 25,000 (8 ms) instead of reading the rank index.
        db.session.execute(text("ANALYZE member_window_totals, chapter_window_totals"))
    return True


def top(start: date, limit: int = 10) -> list[tuple[int, int]]:
    """(member id, referrals given) of the ``limit`` best givers from ``start`` on."""
    window = MemberWindowTotal
    return [
        (member_id, int(given))
        for member_id, given in db.session.execute(
            select(window.member_id, window.given)
            .where(window.start_on == start, window.given > 0)
            .order_by(window.given.desc(), window.member_id.desc())  # the index, backwards
            .limit(limit)
        )
    ]


def _before_commit(session: Session) -> None:
    """Every commit that touched a chapter's rows (as the page cache names them: members,
    guests, visits, ledger, meetings...) makes the chapter's window health scores stale (but
    for the chapters whose windows it summed again: that made them stale already)."""
    recounted = session.info.pop(RECOUNTED, set())
    touched(set(session.info.get(page_cache.CHANGED, ())) - recounted, session)


def _discard(session: Session, *args: object) -> None:
    session.info.pop(RECOUNTED, None)


def install() -> None:
    """Watch every session (idempotent). After page_cache.install: its commit hook names the
    chapters a commit touched, and this one reads them."""
    if not event.contains(Session, "before_commit", _before_commit):
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_soft_rollback", _discard)
