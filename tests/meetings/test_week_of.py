"""``meetings.week_of`` reads only; the ledger's writes run the scheduler first, and every
entry kind lands on the same week (chapter.meetings.weeks.counted_week)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapter.extensions import db
from chapter.meetings import service as meetings
from chapter.meetings.models import Meeting
from chapter.meetings.weeks import CountedWeek
from tests.conftest import count_queries
from tests.support.factories import ChapterFactory


def meeting_count(chapter_id: int) -> int:
    return db.session.scalar(
        db.select(db.func.count()).select_from(Meeting).where(Meeting.chapter_id == chapter_id)
    )


def test_week_of_creates_no_meeting_and_falls_back_to_the_chapters_date(in_app) -> None:
    chapter = ChapterFactory(timezone="Pacific/Auckland")
    db.session.flush()
    moment = datetime(2027, 12, 31, 23, 30, tzinfo=UTC)  # 1 January 2028 in Auckland
    assert meetings.week_of(chapter, moment) == CountedWeek(None, date(2028, 1, 1))
    assert meeting_count(chapter.id) == 0


def test_a_new_entrys_week_runs_the_scheduler_then_counts_for_the_next_meeting(in_app) -> None:
    chapter = ChapterFactory(timezone="Europe/London", meeting_weekday=2)  # Wednesdays
    db.session.flush()
    moment = datetime(2028, 2, 29, 7, 0, tzinfo=UTC)  # a Tuesday
    week = meetings.week_for_entry(chapter, moment)
    assert meeting_count(chapter.id) == meetings.GENERATE_WEEKS
    assert week.week_on == date(2028, 3, 1)
    assert week == meetings.week_of(chapter, moment)  # the read gives the same answer now


# A meeting of the schedule and minutes from its start: often inside its 90 minutes.
moments = st.tuples(st.integers(0, 7), st.integers(-26 * 60, 26 * 60))
changes = st.lists(
    st.tuples(st.sampled_from(["cancel", "complete", "reopen"]), st.integers(0, 7)), max_size=4
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(at=moments, steps=changes, zone=st.sampled_from(["Europe/London", "Pacific/Auckland"]))
def test_the_cached_read_gives_week_ofs_answer_after_any_meeting_change(
    in_app, at: tuple[int, int], steps: list[tuple[str, int]], zone: str
) -> None:
    """Asked before and after each committed change, at any moment of the weeks around it."""
    chapter = ChapterFactory(timezone=zone, meeting_weekday=2)
    db.session.commit()
    meetings.week_for_entry(chapter, datetime(2028, 2, 26, tzinfo=UTC))  # schedules 8+ weeks
    db.session.commit()
    listed = db.session.scalars(
        db.select(Meeting).where(Meeting.chapter_id == chapter.id).order_by(Meeting.starts_at)
    ).all()
    moment = listed[at[0]].starts_at + timedelta(minutes=at[1])
    assert meetings.week_of_cached(chapter, moment) == meetings.week_of(chapter, moment)
    for kind, index in steps:
        meeting = listed[index % len(listed)]
        if kind == "cancel":
            meeting.is_cancelled = True
        elif kind == "complete":
            meeting.roster_completed_at = moment
        else:
            meeting.roster_completed_at = None
        db.session.commit()
        assert meetings.week_of_cached(chapter, moment) == meetings.week_of(chapter, moment)
        later = moment + timedelta(hours=20)  # the same cached day, or the next one
        assert meetings.week_of_cached(chapter, later) == meetings.week_of(chapter, later)


def test_a_repeat_cached_read_asks_the_database_nothing(app, in_app) -> None:
    chapter = ChapterFactory(timezone="Europe/London", meeting_weekday=2)
    db.session.commit()
    moment = datetime(2028, 2, 29, 7, 0, tzinfo=UTC)
    meetings.week_for_entry(chapter, moment)
    db.session.commit()
    first = meetings.week_of_cached(chapter, moment)
    with count_queries(app) as statements:
        assert meetings.week_of_cached(chapter, moment + timedelta(hours=3)) == first
    assert statements == []
