"""Schedule changes in the meetings service move the presentation rotation themselves, so a
route, the CLI, an import or the demo loader calling them leaves no stale slots (no HTTP)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from chapter.extensions import db
from chapter.meetings import service as meetings
from chapter.meetings.models import Meeting
from chapter.rotation import service as rotation
from chapter.rotation.models import Presentation
from tests.support.rotation_crew import TODAY, chapter_with_rotation, is_up_to_date, presenters


def test_a_cancelled_meetings_presenters_move(in_app) -> None:
    chapter, crew = chapter_with_rotation()
    third = rotation.upcoming_meetings(chapter.id, TODAY)[2]
    [presenter] = presenters(chapter)[2][1]
    changes = meetings.cancel(third, "holiday", actor=crew[0].user, today=TODAY)
    assert changes
    assert rotation.presentations_for([third.id])[third.id] == []
    assert presenter in presenters(chapter)[3][1]  # next in line: the following week
    assert is_up_to_date(chapter)


def test_a_restored_meeting_gets_a_presenter_again(in_app) -> None:
    chapter, crew = chapter_with_rotation()
    third = rotation.upcoming_meetings(chapter.id, TODAY)[2]
    meetings.cancel(third, "holiday", actor=crew[0].user, today=TODAY)
    assert meetings.restore(third, actor=crew[0].user, today=TODAY)
    assert len(rotation.presentations_for([third.id])[third.id]) == 1
    assert is_up_to_date(chapter)


def test_a_moved_meeting_takes_the_rotation_with_it(in_app) -> None:
    chapter, crew = chapter_with_rotation()
    upcoming = rotation.upcoming_meetings(chapter.id, TODAY)
    third, last = upcoming[2], upcoming[-1]
    changes = meetings.move(
        third, last.meets_on + timedelta(days=1), chapter, actor=crew[0].user, today=TODAY
    )
    assert changes  # the third week is now the last: every later slot moves up
    assert is_up_to_date(chapter)


def test_an_extra_meeting_gets_a_presenter(in_app) -> None:
    chapter, crew = chapter_with_rotation()
    first = rotation.upcoming_meetings(chapter.id, TODAY)[0]
    extra, changes = meetings.add_extra(
        chapter, first.meets_on + timedelta(days=1), actor=crew[0].user, today=TODAY
    )
    assert changes
    assert len(rotation.presentations_for([extra.id])[extra.id]) == 1
    assert is_up_to_date(chapter)


def test_refreshing_the_schedule_gives_new_weeks_their_presenters(in_app) -> None:
    chapter, _ = chapter_with_rotation()
    later = TODAY + timedelta(weeks=3)  # Monday 14 December
    added = meetings.refresh_schedule(chapter.id, datetime(2026, 12, 14, 9, tzinfo=UTC))
    assert added == 3
    newest = db.session.scalars(
        db.select(Meeting).where(Meeting.chapter_id == chapter.id).order_by(Meeting.meets_on)
    ).all()[-added:]
    slots = rotation.presentations_for([m.id for m in newest])
    assert all(len(slots[m.id]) == 1 for m in newest)
    assert is_up_to_date(chapter, later)


def test_without_a_rotation_schedule_changes_move_nothing(in_app) -> None:
    chapter, crew = chapter_with_rotation()
    db.session.execute(db.delete(Presentation))
    third = rotation.upcoming_meetings(chapter.id, TODAY)[2]
    assert meetings.cancel(third, "holiday", actor=crew[0].user, today=TODAY) == []
    assert rotation.presentations_for([third.id])[third.id] == []
