"""The per-member, per-week summary behind leaderboards and reports.

Every flush that touches a slip, thank-you, one-to-one, education credit, testimonial,
attendance row, visit or meeting marks the affected (member, week) pairs; just before the
commit those pairs are recomputed from the raw rows by the same aggregate that ``rebuild``
uses, in the same transaction. So the summary is never out of step, and rebuilding from
scratch agrees with it.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any, Literal, NamedTuple

from sqlalchemy import (
    BigInteger,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    delete,
    event,
    func,
    insert,
    inspect,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
    union_all,
)
from sqlalchemy import cast as sa_cast
from sqlalchemy.orm import Session

from chapter.attendance.guest_models import Visit
from chapter.attendance.models import Attendance
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.leaderboard import giver_windows
from chapter.leaderboard.models import (
    COLUMNS,
    LETTER_COLUMNS,
    RUNNING_COLUMNS,
    ChapterRunningTotal,
    ChapterWeeklyTotal,
    WeeklyTotal,
)
from chapter.ledger.models import (
    EducationCredit,
    OneToOne,
    ReferralSlip,
    Testimonial,
    ThankYou,
)
from chapter.ledger.rules import SlipKind
from chapter.meetings.models import Meeting
from chapter.platform import page_cache

Key = tuple[int, date]  # (member_id, week_on)
DIRTY = "chapter_weekly_dirty"  # {chapter_id: {(member_id, week_on)}}
DIRTY_MEETINGS = "chapter_weekly_meetings"  # {meeting_id}
DIRTY_ROSTERS = "chapter_weekly_rosters"  # {meeting_id} whose attendance or visits changed
BUSY = "chapter_weekly_busy"
LOCKED = "chapter_weekly_locked"  # chapters whose rows this transaction holds
# What of a meeting decides whether and where its roster counts.
COUNTED_MEETING_FIELDS = ("meets_on", "is_cancelled", "roster_completed_at", "chapter_id")
_COUNTED_LOADED = frozenset(COUNTED_MEETING_FIELDS)
_MEETING = inspect(Meeting)


def aggregate(
    chapter_id: int, members: set[int] | None = None, weeks: set[date] | None = None
) -> dict[Key, dict[str, int]]:
    """Every summary column for each (member, week) of the chapter, from the raw rows
    (optionally only these members and weeks). Voided rows do not count; attendance and
    visitors count from completed rosters of meetings that were held.

    One statement (a UNION ALL of one grouped SELECT per kind of row), so a commit's refresh
    costs one round trip to the database, not ten. Each part gives (member, week, column,
    value); attendance gives its PALMS letter for the column."""
    params: dict[str, Any] = {"chapter_id": chapter_id}
    if members is not None:
        params["members"] = sorted(members)
    if weeks is not None:
        params["weeks"] = sorted(weeks)
    letters = {letter.value: column for letter, column in LETTER_COLUMNS.items()}
    totals: dict[Key, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COLUMNS, 0))
    statement = _aggregate_statement(members is not None, "all" if weeks is None else "some")
    for member_id, week_on, column, value in db.session.execute(statement, params):
        totals[(member_id, week_on)][letters.get(column, column)] += int(value or 0)
    return dict(totals)


@functools.cache
def _aggregate_statement(by_members: bool, weeks: Literal["all", "some", "one"]) -> Any:
    """``aggregate``'s statement, built once per kind of filter (the chapter, members and
    weeks are parameters): built on every commit, its ten parts cost milliseconds of Python
    a slip. ``weeks``: every week, some (the list ``weeks``) or one (``week``, a plain
    parameter: a list is written into the statement's text on every execution, for this
    8 KB statement a cost)."""
    as_int = BigInteger()
    chapter_id = bindparam("chapter_id", type_=Integer())
    members = bindparam("members", expanding=True, type_=Integer()) if by_members else None
    some = bindparam("weeks", expanding=True, type_=Date())
    one = bindparam("week", type_=Date())

    def part(member_col: Any, week_col: Any, column: Any, value: Any, *where: Any) -> Select:
        chosen = [member_col.in_(members)] if members is not None else []
        if weeks == "one":
            chosen.append(week_col == one)
        elif weeks == "some":
            chosen.append(week_col.in_(some))
        return (
            db.select(
                member_col.label("member_id"),
                week_col.label("week_on"),
                sa_cast(column, String).label("column"),
                sa_cast(value, as_int).label("value"),
            )
            .where(member_col.is_not(None), *where, *chosen)
            .group_by(member_col, week_col, column)
        )

    live_slips = and_(ReferralSlip.chapter_id == chapter_id, ReferralSlip.voided_at.is_(None))
    live_thanks = and_(ThankYou.chapter_id == chapter_id, ThankYou.voided_at.is_(None))
    live_one_to_ones = and_(OneToOne.chapter_id == chapter_id, OneToOne.voided_at.is_(None))
    held = and_(
        Meeting.chapter_id == chapter_id,
        Meeting.is_cancelled.is_(False),
        Meeting.roster_completed_at.is_not(None),
    )
    parts = [
        *(
            # member_col is None for an imported slip with a person of another chapter
            part(
                member_col,
                ReferralSlip.week_on,
                case((ReferralSlip.kind == SlipKind.INSIDE, inside), else_=outside),
                func.count(),
                live_slips,
            )
            for member_col, inside, outside in (
                (ReferralSlip.giver_id, "given_inside", "given_outside"),
                (ReferralSlip.receiver_id, "received_inside", "received_outside"),
            )
        ),
        *(
            part(
                member_col,
                ThankYou.week_on,
                literal(column),
                func.sum(ThankYou.amount_cents),
                live_thanks,
            )
            for member_col, column in (
                (ThankYou.giver_id, "tyfcb_credited_cents"),
                (ThankYou.thanker_id, "tyfcb_thanked_cents"),
            )
        ),
        *(
            part(
                member_col, OneToOne.week_on, literal("one_to_ones"), func.count(), live_one_to_ones
            )
            for member_col in (OneToOne.logged_by_id, OneToOne.other_id)
        ),
        part(
            EducationCredit.member_id,
            EducationCredit.week_on,
            literal("education_credits"),
            func.sum(EducationCredit.credits),
            EducationCredit.chapter_id == chapter_id,
            EducationCredit.voided_at.is_(None),
        ),
        part(  # counted for the giver, as the PALMS T column counts them
            Testimonial.giver_id,
            Testimonial.week_on,
            literal("testimonials"),
            func.count(),
            Testimonial.chapter_id == chapter_id,
            Testimonial.voided_at.is_(None),
        ),
        part(
            Attendance.member_id, Meeting.meets_on, Attendance.status, func.count(), held
        ).join_from(Attendance, Meeting, Meeting.id == Attendance.meeting_id),
        part(
            Visit.invited_by_id, Meeting.meets_on, literal("visitors"), func.count(), held
        ).join_from(Visit, Meeting, Meeting.id == Visit.meeting_id),
    ]
    return union_all(*parts)


# A zero written into the summary's statements rather than bound: dozens of parameters of 0
# a statement cost their conversion on every execution.
_ZERO = literal_column("0", BigInteger())

# The summary's tables, written with Core statements (executemany, no ORM bookkeeping).
_WEEKLY = WeeklyTotal.__table__
_CHAPTER_WEEKLY = ChapterWeeklyTotal.__table__
_RUNNING = ChapterRunningTotal.__table__


def _write(chapter_id: int, totals: dict[Key, dict[str, int]]) -> None:
    rows = [
        {"chapter_id": chapter_id, "member_id": member_id, "week_on": week_on, **values}
        for (member_id, week_on), values in totals.items()
        if any(values.values())
    ]
    if rows:
        db.session.execute(_WEEKLY.insert(), rows)


@functools.cache
def _summarise(by_members: bool) -> Any:
    """The summary rows of one week (``week``), and of some members (``members``) or of
    all, written by one INSERT ... SELECT: ``aggregate``'s statement, its (member, week,
    column, value) rows summed into one row per member and week in the database (a row of
    zeros is not written, as ``_write`` writes none)."""
    parts = _aggregate_statement(by_members, "one").subquery()
    letters = {letter.value: column for letter, column in LETTER_COLUMNS.items()}
    zero = _ZERO

    # The column names and letters are written into the statement like the zeros (constants
    # of this module, never input): as parameters, 15 lists cost their conversion on every
    # execution.
    def total(column: str) -> Any:
        names = [column, *(letter for letter, named in letters.items() if named == column)]
        chosen = or_(*(parts.c.column == literal_column(f"'{name}'") for name in names))
        value = case((chosen, parts.c.value), else_=zero)
        return sa_cast(func.coalesce(func.sum(value), zero), _WEEKLY.c[column].type)

    rows = (
        select(
            bindparam("chapter_id", type_=Integer()),
            parts.c.member_id,
            parts.c.week_on,
            *(total(column) for column in COLUMNS),
        )
        .group_by(parts.c.member_id, parts.c.week_on)
        .having(func.sum(case((parts.c.value != zero, literal_column("1")), else_=zero)) > zero)
    )
    return insert(_WEEKLY).from_select(["chapter_id", "member_id", "week_on", *COLUMNS], rows)


def refresh(chapter_id: int, keys: Iterable[Key]) -> None:
    """Recompute the summary rows of these (member, week) pairs from the raw rows."""
    by_week: dict[date, set[int]] = defaultdict(set)
    for member_id, week_on in keys:
        by_week[week_on].add(member_id)
    for week_on, members in by_week.items():
        params = {"chapter_id": chapter_id, "members": sorted(members)}
        db.session.execute(_statements(True).stale_members, {**params, "weeks": [week_on]})
        db.session.execute(_summarise(True), {**params, "week": week_on})
    _sum_chapter_weeks(chapter_id, set(by_week))


class _Statements(NamedTuple):
    """The summary's writes for one chapter (``chapter_id``), from some weeks on or for
    some weeks (``weeks``, ``since``) or for all of them, as parameters."""

    stale_members: Any  # its member rows of these weeks (and ``members``)
    stale_whole_weeks: Any  # its member rows of these weeks, every member's
    stale_weeks: Any  # its chapter rows of these weeks
    sum_weeks: Any  # its chapter rows of these weeks, summed from the member rows
    stale_running: Any  # its running totals from ``since`` on
    # What its running totals from ``since`` on are summed from, in one read: (kind, week,
    # held meetings, *COLUMNS) rows: the last running-total row before ``since`` (BEFORE),
    # its chapter rows (WEEK) and its held meetings a week (HELD) from ``since`` on.
    steps: Any


BEFORE, WEEK, HELD = 0, 1, 2


@functools.cache
def _statements(some_weeks: bool) -> _Statements:
    """The summary's statements, built once (built on every commit, they cost milliseconds
    of Python a slip): for some weeks (``weeks``, ``since``) or, when False, for all."""
    chapter_id = bindparam("chapter_id", type_=Integer())
    weeks = bindparam("weeks", expanding=True, type_=Date())
    since = bindparam("since", type_=Date())
    weekly, chapter_weekly, running = (
        _WEEKLY.c,
        _CHAPTER_WEEKLY.c,
        _RUNNING.c,
    )
    stale_members = delete(_WEEKLY).where(
        weekly.chapter_id == chapter_id,
        weekly.week_on.in_(weeks),
        weekly.member_id.in_(bindparam("members", expanding=True, type_=Integer())),
    )
    stale_whole_weeks = delete(_WEEKLY).where(
        weekly.chapter_id == chapter_id, weekly.week_on.in_(weeks)
    )
    stale_weeks = delete(_CHAPTER_WEEKLY).where(chapter_weekly.chapter_id == chapter_id)
    sums = (
        select(weekly.chapter_id, weekly.week_on, *(func.sum(weekly[c]) for c in COLUMNS))
        .where(weekly.chapter_id == chapter_id)
        .group_by(weekly.chapter_id, weekly.week_on)
    )
    stale_running = delete(_RUNNING).where(running.chapter_id == chapter_id)
    zero = _ZERO
    rows = select(
        literal(WEEK), chapter_weekly.week_on, zero, *(chapter_weekly[c] for c in COLUMNS)
    ).where(chapter_weekly.chapter_id == chapter_id)
    meetings = Meeting.__table__.c
    held = select(literal(HELD), meetings.meets_on, func.count(), *(zero for _ in COLUMNS)).where(
        meetings.chapter_id == chapter_id,
        meetings.is_cancelled.is_(False),
        meetings.roster_completed_at.is_not(None),
    )
    before = (
        select(running.week_on, *(running[c] for c in RUNNING_COLUMNS))
        .where(running.chapter_id == chapter_id, running.week_on < since)
        .order_by(running.week_on.desc())
        .limit(1)
        .subquery()
    )
    parts = [rows, held.group_by(meetings.meets_on)]
    if some_weeks:
        stale_weeks = stale_weeks.where(chapter_weekly.week_on.in_(weeks))
        sums = sums.where(weekly.week_on.in_(weeks))
        stale_running = stale_running.where(running.week_on >= since)
        parts = [
            select(literal(BEFORE), *before.c),
            rows.where(chapter_weekly.week_on >= since),
            held.where(meetings.meets_on >= since).group_by(meetings.meets_on),
        ]
    return _Statements(
        stale_members=stale_members,
        stale_whole_weeks=stale_whole_weeks,
        stale_weeks=stale_weeks,
        sum_weeks=insert(_CHAPTER_WEEKLY).from_select(["chapter_id", "week_on", *COLUMNS], sums),
        stale_running=stale_running,
        steps=union_all(*parts),
    )


def _sum_chapter_weeks(chapter_id: int, weeks: set[date] | None) -> None:
    """The chapter's per-week rows, summed from its member rows (all weeks when None)."""
    if weeks is not None and not weeks:
        return
    statements = _statements(weeks is not None)
    params: dict[str, Any] = {"chapter_id": chapter_id}
    if weeks is not None:
        params["weeks"] = sorted(weeks)
    db.session.execute(statements.stale_weeks, params)
    db.session.execute(statements.sum_weeks, params)
    _run_from(chapter_id, min(weeks) if weeks else None)


def _run_from(chapter_id: int, since: date | None) -> None:
    """Recompute the chapter's running totals from week ``since`` on (all weeks when None):
    the last row before it, plus each later chapter-week and held meeting in order. A write
    in the current week rewrites one row; a back-dated one, the weeks after it."""
    statements = _statements(since is not None)
    params: dict[str, Any] = {"chapter_id": chapter_id}
    if since is not None:
        params["since"] = since
    base = dict.fromkeys(RUNNING_COLUMNS, 0)
    steps: dict[date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(RUNNING_COLUMNS, 0))
    for kind, week_on, *values in db.session.execute(statements.steps, params):
        if kind == BEFORE:
            base = dict(zip(RUNNING_COLUMNS, (int(v) for v in values), strict=True))
            continue
        step = steps[week_on]
        for column, value in zip(RUNNING_COLUMNS, values, strict=True):
            step[column] += int(value or 0)
    db.session.execute(statements.stale_running, params)
    rows = []
    for week_on in sorted(steps):
        base = {column: base[column] + steps[week_on][column] for column in RUNNING_COLUMNS}
        rows.append({"chapter_id": chapter_id, "week_on": week_on, **base})
    if rows:
        db.session.execute(_RUNNING.insert(), rows)


def refresh_meeting_week(chapter_id: int, week_on: date) -> None:
    """Recompute a whole week of a chapter (a roster was completed, reopened or moved)."""
    db.session.execute(
        _statements(True).stale_whole_weeks, {"chapter_id": chapter_id, "weeks": [week_on]}
    )
    db.session.execute(_summarise(False), {"chapter_id": chapter_id, "week": week_on})
    _sum_chapter_weeks(chapter_id, {week_on})


def rebuild(chapter_id: int) -> int:
    """Throw the chapter's summary away and compute it again from the raw rows."""
    _lock_chapters(db.session(), {chapter_id})
    had = set(
        db.session.scalars(
            db.select(WeeklyTotal.member_id).where(WeeklyTotal.chapter_id == chapter_id).distinct()
        )
    )
    db.session.execute(delete(WeeklyTotal).where(WeeklyTotal.chapter_id == chapter_id))
    page_cache.touch(db.session(), chapter_id)  # its cached pages go with the commit
    totals = aggregate(chapter_id)
    _write(chapter_id, totals)
    _sum_chapter_weeks(chapter_id, None)
    giver_windows.recount(had | {member_id for member_id, _ in totals})
    giver_windows.recount_chapters({chapter_id})
    return len(totals)


def _members_in(weeks: set[tuple[int, date]]) -> set[int]:
    """The members with a summary row in any of these (chapter, week) pairs."""
    return set(
        db.session.scalars(
            db.select(WeeklyTotal.member_id)
            .where(tuple_(WeeklyTotal.chapter_id, WeeklyTotal.week_on).in_(weeks))
            .distinct()
        )
    )


def _lock_chapters(session: Session, chapter_ids: set[int]) -> None:
    """Take the chapters' rows (in id order) before their summaries are recomputed: two
    commits in one chapter at once would otherwise both delete and re-insert the same
    summary rows (a duplicate key under load). FOR NO KEY UPDATE: the commits' own rows
    that point at the chapter hold KEY SHARE on it, which a plain FOR UPDATE would wait for
    (a deadlock). Readers are not held up; SQLite has one writer anyway (no lock there).

    The same statement raises the chapters' data version (their data changes with this
    commit), so the page cache's commit hook need not write the rows again."""
    locked = session.info.setdefault(LOCKED, set())
    wanted = sorted(chapter_ids - locked)
    if wanted:
        session.execute(_LOCK_AND_RAISE, {"ids": wanted})
        page_cache.raised(session, wanted)
        locked.update(wanted)


def _lock_and_raise() -> Any:
    chapters = Chapter.__table__
    ids = bindparam("ids", expanding=True, type_=Integer())
    in_order = (
        select(chapters.c.id)
        .where(chapters.c.id.in_(ids))
        .order_by(chapters.c.id)
        .with_for_update(key_share=True)
    )
    return (
        chapters.update()
        .where(chapters.c.id.in_(in_order.scalar_subquery()))
        .values(data_version=chapters.c.data_version + 1, updated_at=chapters.c.updated_at)
        .execution_options(**{page_cache.TOUCHED: True})
    )


_LOCK_AND_RAISE = _lock_and_raise()


def _mark(session: Session, chapter_id: int, member_id: int | None, week_on: date) -> None:
    if member_id is not None:
        session.info.setdefault(DIRTY, {}).setdefault(chapter_id, set()).add((member_id, week_on))


def _before_flush(session: Session, flush_context: Any, instances: Any) -> None:
    if session.info.get(BUSY):
        return
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if isinstance(obj, ReferralSlip):
            _mark(session, obj.chapter_id, obj.giver_id, obj.week_on)
            _mark(session, obj.chapter_id, obj.receiver_id, obj.week_on)
        elif isinstance(obj, ThankYou):
            _mark(session, obj.chapter_id, obj.giver_id, obj.week_on)
            _mark(session, obj.chapter_id, obj.thanker_id, obj.week_on)
        elif isinstance(obj, OneToOne):
            _mark(session, obj.chapter_id, obj.logged_by_id, obj.week_on)
            _mark(session, obj.chapter_id, obj.other_id, obj.week_on)
        elif isinstance(obj, EducationCredit):
            _mark(session, obj.chapter_id, obj.member_id, obj.week_on)
        elif isinstance(obj, Testimonial):
            _mark(session, obj.chapter_id, obj.giver_id, obj.week_on)
        elif isinstance(obj, Attendance | Visit) and obj.meeting_id is not None:
            # counted only once the roster is completed: see _before_commit
            session.info.setdefault(DIRTY_ROSTERS, set()).add(obj.meeting_id)
        elif isinstance(obj, Meeting) and obj.id is not None:
            state = inspect(obj)
            if obj in session.dirty and not any(
                state.attrs[name].history.has_changes() for name in COUNTED_MEETING_FIELDS
            ):
                continue  # e.g. a draft roster's version or form key: nothing counted moved
            session.info.setdefault(DIRTY_MEETINGS, set()).add(obj.id)
            moved_from = state.attrs.meets_on.history.deleted
            for old_day in moved_from or ():
                session.info.setdefault("chapter_weekly_old_weeks", set()).add(
                    (obj.chapter_id, old_day)
                )


def _before_commit(session: Session) -> None:
    if session.info.get(BUSY):
        return
    session.flush()
    dirty = session.info.pop(DIRTY, {})
    meeting_ids = session.info.pop(DIRTY_MEETINGS, set())
    roster_ids = session.info.pop(DIRTY_ROSTERS, set())
    old_weeks = session.info.pop("chapter_weekly_old_weeks", set())
    if not (dirty or meeting_ids or roster_ids or old_weeks):
        return
    session.info[BUSY] = True
    try:
        weeks = set(old_weeks)
        _lock_chapters(session, set(dirty) | {chapter_id for chapter_id, _ in old_weeks})
        # A meeting that changed counts again; a roster whose rows changed only if it is
        # completed (a draft's letters and visitors count nowhere yet: a leader saving a
        # draft does not recompute the week).
        for meeting_id, chapter_id, meets_on, held in _meeting_weeks(
            session, meeting_ids | roster_ids
        ):
            if meeting_id in meeting_ids or held:
                weeks.add((chapter_id, meets_on))
        _lock_chapters(session, {chapter_id for chapter_id, _ in weeks})
        for chapter_id, week_on in weeks:
            refresh_meeting_week(chapter_id, week_on)
        for chapter_id, keys in dirty.items():
            refresh(chapter_id, {key for key in keys if (chapter_id, key[1]) not in weeks})
        givers = {member_id for keys in dirty.values() for member_id, _ in keys}
        if old_weeks:  # a meeting moved: its slips moved with it, by a bulk update
            givers |= _members_in(weeks)
        giver_windows.recount(givers)
        giver_windows.recount_chapters(set(dirty) | {chapter_id for chapter_id, _ in weeks})
        session.flush()
    finally:
        session.info.pop(BUSY, None)


def _meeting_weeks(session: Session, ids: set[int]) -> list[tuple[int, int, date, bool]]:
    """(id, chapter, day, counted: roster completed and not cancelled) of these meetings: from
    the session where it holds them with those fields loaded (flushed, so as the database
    has them: a roster's save has its meeting there), from the database for the rest."""
    found, missing = [], set()
    for meeting_id in ids:
        meeting = session.identity_map.get(_MEETING.identity_key_from_primary_key((meeting_id,)))
        if meeting is None or not _COUNTED_LOADED.isdisjoint(inspect(meeting).unloaded):
            missing.add(meeting_id)
            continue
        held = meeting.roster_completed_at is not None and not meeting.is_cancelled
        found.append((meeting_id, meeting.chapter_id, meeting.meets_on, held))
    if missing:
        found.extend(
            session.execute(
                db.select(
                    Meeting.id,
                    Meeting.chapter_id,
                    Meeting.meets_on,
                    and_(Meeting.roster_completed_at.is_not(None), Meeting.is_cancelled.is_(False)),
                ).where(Meeting.id.in_(missing))
            )
        )
    return found


def _discard(session: Session, *args: Any) -> None:
    for key in (DIRTY, DIRTY_MEETINGS, DIRTY_ROSTERS, "chapter_weekly_old_weeks", LOCKED):
        session.info.pop(key, None)


def _forget_locks(session: Session) -> None:
    session.info.pop(LOCKED, None)  # released with the commit


def install() -> None:
    """Keep the summary in step on every session (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "before_commit", _before_commit)
        event.listen(Session, "after_soft_rollback", _discard)
        event.listen(Session, "after_commit", _forget_locks)
