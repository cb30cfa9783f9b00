"""The region's per-member window totals (chapter.leaderboard.giver_windows) equal a recount
from the raw slips, and its per-chapter window totals the difference of the chapter's running
totals, after any sequence of writes (hypothesis), whether the window was filled before or
after them; a fill never overwrites a row a commit wrote; the rolling window moves
on with the days; the top givers read the index, not the weekly summary."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
import time_machine
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapter.extensions import db
from chapter.leaderboard import giver_windows, weekly_totals
from chapter.leaderboard.models import (
    RUNNING_COLUMNS,
    ChapterRunningTotal,
    ChapterWindowTotal,
    GiverWindow,
    MemberWindowTotal,
)
from chapter.ledger.models import ReferralSlip
from tests.conftest import count_queries
from tests.leaderboard.test_running_totals import apply
from tests.support import clock
from tests.support.factories import ChapterFactory, MemberFactory
from tests.support.referral_helpers import SlipFactory


def weeks() -> list[date]:
    """Wednesdays from about nine months back to this week: the six-month window starts
    among them."""
    today = clock.now().date()
    last_wednesday = today - timedelta(days=(today.weekday() - 2) % 7)
    return [last_wednesday - timedelta(weeks=4 * n) for n in range(10)]


week = st.integers(0, 9)  # an index into weeks(), read when the test runs
write = st.one_of(
    st.tuples(st.just("slip"), week, st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("void"), st.integers(0, 50)),
    st.tuples(st.just("complete"), week),
    st.tuples(st.just("move"), st.integers(0, 20), week),
)


def dated(step: tuple) -> tuple:
    """The step with its week index turned into the week's date."""
    if step[0] in ("slip", "complete"):
        return (step[0], weeks()[step[1]], *step[2:])
    if step[0] == "move":
        return (step[0], step[1], weeks()[step[2]])
    return step


def recount(member_ids: list[int]) -> dict[tuple[date, int], int]:
    """Referrals each member gave from each current window's start on, from the raw slips."""
    slips = db.session.execute(
        sa.select(ReferralSlip.giver_id, ReferralSlip.week_on).where(
            ReferralSlip.voided_at.is_(None)
        )
    ).all()
    return {
        (start, member): sum(1 for g, w in slips if g == member and w >= start)
        for start in giver_windows.current_starts()
        for member in member_ids
    }


def stored(member_ids: list[int]) -> dict[tuple[date, int], int]:
    rows = db.session.execute(
        sa.select(
            MemberWindowTotal.start_on, MemberWindowTotal.member_id, MemberWindowTotal.given
        ).where(MemberWindowTotal.member_id.in_(member_ids))
    ).all()
    found = {
        (start, member): 0 for start in giver_windows.current_starts() for member in member_ids
    }
    found.update({(start, member): given for start, member, given in rows})
    return found


def chapter_recount(chapter_id: int) -> dict[date, dict[str, int]]:
    """Every running column over each current window: the chapter's last running-total row
    minus its last row before the window's start (read in Python from the running totals,
    which test_running_totals checks against the raw rows)."""
    rows = db.session.scalars(
        sa.select(ChapterRunningTotal)
        .where(ChapterRunningTotal.chapter_id == chapter_id)
        .order_by(ChapterRunningTotal.week_on)
    ).all()

    def value(row: ChapterRunningTotal | None, column: str) -> int:
        return int(getattr(row, column)) if row is not None else 0

    windows = {}
    for start in giver_windows.current_starts():
        last = rows[-1] if rows else None
        before = next((row for row in reversed(rows) if row.week_on < start), None)
        windows[start] = {c: value(last, c) - value(before, c) for c in RUNNING_COLUMNS}
    return windows


def chapter_stored(chapter_id: int) -> dict[date, dict[str, int]]:
    found = {start: dict.fromkeys(RUNNING_COLUMNS, 0) for start in giver_windows.current_starts()}
    for row in db.session.scalars(
        sa.select(ChapterWindowTotal).where(ChapterWindowTotal.chapter_id == chapter_id)
    ):
        found[row.start_on] = {c: int(getattr(row, c)) for c in RUNNING_COLUMNS}
    return found


def fill_all() -> None:
    for start in giver_windows.current_starts():
        giver_windows.ensure(start)
    db.session.commit()


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(write, min_size=1, max_size=10), filled_first=st.booleans())
def test_window_totals_equal_a_recount_after_random_writes(
    app: Flask, clean_db: None, steps: list[tuple], filled_first: bool
) -> None:
    with app.app_context():
        chapter = ChapterFactory(meeting_weekday=2)
        members = [MemberFactory(chapter=chapter).id for _ in range(3)]
        db.session.commit()
        if filled_first:
            fill_all()
        for step in steps:
            apply(chapter.id, members, dated(step))
        fill_all()
        assert stored(members) == recount(members)
        assert chapter_stored(chapter.id) == chapter_recount(chapter.id)
        weekly_totals.rebuild(chapter.id)
        db.session.commit()
        assert stored(members) == recount(members)
        assert chapter_stored(chapter.id) == chapter_recount(chapter.id)
        db.session.remove()


def one_slip() -> int:
    """A chapter of two where one slip was passed this week, committed; the giver's id."""
    chapter = ChapterFactory()
    giver, receiver = MemberFactory(chapter=chapter), MemberFactory(chapter=chapter)
    SlipFactory(
        chapter_id=chapter.id, giver_id=giver.id, receiver_id=receiver.id, week_on=weeks()[0]
    )
    db.session.commit()
    return giver.id


def test_a_fill_keeps_the_row_a_commit_wrote(app: Flask, clean_db: None) -> None:
    """A commit's recount wins over the fill: the fill inserts only rows that are missing."""
    with app.app_context():
        giver_id = one_slip()  # the hook wrote the giver's row for every current window
        start = giver_windows.region_windows(clock.now().date())["all"][1]
        db.session.execute(
            sa.update(MemberWindowTotal)
            .where(MemberWindowTotal.member_id == giver_id)
            .values(given=41)  # marks the row: a fill that overwrote it would show 1
        )
        giver_windows.ensure(start)
        db.session.commit()
        assert giver_windows.top(start) == [(giver_id, 41)]
        assert db.session.scalar(
            sa.select(GiverWindow.filled_at).where(GiverWindow.start_on == start)
        )


def test_the_rolling_window_moves_on_and_drops_yesterdays(app: Flask, clean_db: None) -> None:
    with app.app_context():
        giver_id = one_slip()
        today_start = giver_windows.region_windows(clock.now().date())["six_months"][1]
        giver_windows.ensure(today_start)
        db.session.commit()
        later = clock.now() + timedelta(days=40)
        with time_machine.travel(later, tick=False):
            start = giver_windows.region_windows(later.date())["six_months"][1]
            assert start > today_start
            giver_windows.ensure(start)
            db.session.commit()
            assert giver_windows.top(start) == [(giver_id, 1)]
            kept = set(db.session.scalars(sa.select(GiverWindow.start_on)))
            assert today_start not in kept
            assert start in kept
            assert not db.session.scalar(
                sa.select(sa.func.count())
                .select_from(MemberWindowTotal)
                .where(MemberWindowTotal.start_on == today_start)
            )


def test_top_givers_read_the_window_not_the_weekly_summary(app: Flask, clean_db: None) -> None:
    with app.app_context():
        chapter = ChapterFactory()
        people = [MemberFactory(chapter=chapter) for _ in range(12)]
        for n, person in enumerate(people):
            for _ in range(n):
                SlipFactory(
                    chapter_id=chapter.id,
                    giver_id=person.id,
                    receiver_id=people[0].id,
                    week_on=weeks()[0],
                )
        db.session.commit()
        start = giver_windows.region_windows(clock.now().date())["year"][1]
        giver_windows.ensure(start)
        db.session.commit()
        with count_queries(app) as statements:
            best = giver_windows.top(start, 3)
        assert best == [(people[11].id, 11), (people[10].id, 10), (people[9].id, 9)]
        assert len(statements) == 1
        assert "weekly_totals" not in statements[0]
