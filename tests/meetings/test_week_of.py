"""``meetings.week_of`` reads only; the ledger's writes run the scheduler first, and every
entry kind lands on the same week (chapter.meetings.weeks.counted_week)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from chapter.extensions import db
from chapter.meetings import service as meetings
from chapter.meetings.models import Meeting
from chapter.meetings.weeks import CountedWeek
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
