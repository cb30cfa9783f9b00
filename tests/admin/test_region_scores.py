"""The health score kept on each chapter's window row (chapter.admin.region.score_stale) equals
the score computed afresh from the chapter's rows after any sequence of writes (hypothesis):
slips, voids, completed rosters, moved meetings, members joining and leaving, guests
visiting; whether the window was filled before or after them. A score computed while a commit
changes the chapter is never stored (it stays stale and is scored on the next view)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapter.admin import region
from chapter.extensions import db
from chapter.leaderboard import giver_windows
from chapter.leaderboard.models import ChapterWindowTotal
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from tests.leaderboard.test_giver_windows import dated, write
from tests.leaderboard.test_running_totals import apply
from tests.support import clock
from tests.support.attendance_factories import GuestFactory, VisitFactory
from tests.support.factories import ChapterFactory, MemberFactory

people = st.one_of(
    st.tuples(st.just("join"), st.integers(0, 300)),  # days ago
    st.tuples(st.just("leave"), st.integers(0, 3), st.integers(0, 300)),
    st.tuples(st.just("visit"), st.integers(0, 20), st.booleans()),
)


def pick(model: type, chapter_id: int, index: int) -> object | None:
    """The chapter's ``index``-th row of ``model`` (in id order, wrapping round), or None."""
    rows = db.session.scalars(
        db.select(model).where(model.chapter_id == chapter_id).order_by(model.id)
    ).all()
    return rows[index % len(rows)] if rows else None


def change_people(chapter_id: int, step: tuple) -> None:
    today = clock.now().date()
    if step[0] == "join":
        MemberFactory(chapter_id=chapter_id, joined_on=today - timedelta(days=step[1]))
    elif step[0] == "leave":
        member = pick(Member, chapter_id, step[1])
        if member is not None:
            member.status, member.left_on = MemberStatus.LEFT, today - timedelta(days=step[2])
    else:
        meeting = pick(Meeting, chapter_id, step[1])
        if meeting is not None:
            guest = GuestFactory(chapter_id=chapter_id)
            VisitFactory(meeting_id=meeting.id, guest_id=guest.id)
            if step[2]:  # the visitor joined the chapter
                guest.joined_as_id = MemberFactory(chapter_id=chapter_id).id
    db.session.commit()


def stored_scores() -> dict[tuple, int | None]:
    window = ChapterWindowTotal
    return {
        (start, chapter_id): total
        for start, chapter_id, total in db.session.execute(
            db.select(window.start_on, window.chapter_id, window.health_total)
        )
    }


def fresh_scores() -> dict[tuple, int]:
    return {
        (start, row.chapter.id): row.health.total
        for start in giver_windows.current_starts()
        for row in region.chapters_overview(start)
    }


def view_every_window() -> None:
    """What the region view does before ranking by health, for each of its periods."""
    for start in giver_windows.current_starts():
        giver_windows.ensure(start)
        region.score_stale(start)
    db.session.commit()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(st.one_of(write, people), min_size=1, max_size=10),
    viewed_between=st.booleans(),
)
def test_kept_scores_equal_a_fresh_score_after_random_writes(
    app: Flask, clean_db: None, steps: list[tuple], viewed_between: bool
) -> None:
    with app.app_context():
        chapters = [ChapterFactory(meeting_weekday=2) for _ in range(2)]
        members = [MemberFactory(chapter=chapters[0]).id for _ in range(3)]
        db.session.commit()
        view_every_window()
        for n, step in enumerate(steps):
            if step[0] in ("join", "leave", "visit"):
                change_people(chapters[n % 2].id, step)
            else:
                apply(chapters[0].id, members, dated(step))
            if viewed_between and n % 3 == 0:
                view_every_window()
        view_every_window()
        assert stored_scores() == fresh_scores()
        db.session.remove()


def test_a_score_computed_while_a_commit_changes_the_chapter_is_not_kept(
    app: Flask, clean_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.app_context():
        chapter = ChapterFactory()
        MemberFactory(chapter=chapter)
        db.session.commit()
        start = giver_windows.region_windows(clock.now().date())["all"][1]
        giver_windows.ensure(start)
        db.session.commit()
        computed = region.chapters_overview

        def racing(*args: object, **kwargs: object) -> list:
            rows = computed(*args, **kwargs)  # the scores, from the data before the commit
            with db.engine.begin() as other:  # another request commits a member meanwhile
                other.execute(
                    db.update(ChapterWindowTotal)
                    .where(ChapterWindowTotal.chapter_id == chapter.id)
                    .values(changes=ChapterWindowTotal.changes + 1)
                )
            return rows

        monkeypatch.setattr(region, "chapters_overview", racing)
        assert region.score_stale(start) == 1
        db.session.commit()
        monkeypatch.setattr(region, "chapters_overview", computed)
        assert stored_scores()[(start, chapter.id)] is None  # stale, not a wrong score
        assert region.score_stale(start) == 1
        db.session.commit()
        assert stored_scores()[(start, chapter.id)] == fresh_scores()[(start, chapter.id)]
