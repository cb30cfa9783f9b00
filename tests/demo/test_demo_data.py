"""The demo chapter's data keeps the rotation's rules: nobody presents at a cancelled meeting
(issue 13, finding 11: the demo showed a presenter at the bank-holiday meeting)."""

from __future__ import annotations

from datetime import date

from chapter.demo import service as demo
from chapter.extensions import db
from chapter.meetings.models import Meeting
from chapter.rotation import service as rotation
from chapter.rotation.models import Presentation

TODAY = date(2026, 12, 5)  # the demo of the finding: its bank holiday is 23 Sep 2026


def test_no_cancelled_meeting_in_the_demo_has_a_presenter(in_app) -> None:
    demo.load_demo(today=TODAY)
    cancelled = db.session.scalars(db.select(Meeting).where(Meeting.is_cancelled.is_(True))).all()
    assert [m.meets_on for m in cancelled] == [date(2026, 9, 23)]
    at_cancelled = db.session.scalars(
        db.select(Presentation)
        .join(Meeting, Meeting.id == Presentation.meeting_id)
        .where(Meeting.is_cancelled.is_(True))
    ).all()
    assert at_cancelled == []


def test_the_demos_confirmed_meetings_all_have_presenters(in_app) -> None:
    demo.load_demo(today=TODAY)
    chapter_id = db.session.scalar(db.select(Meeting.chapter_id).limit(1))
    upcoming = rotation.upcoming_meetings(chapter_id, TODAY)
    slots = rotation.presentations_for([m.id for m in upcoming])
    confirmed = rotation.confirmed_ids(upcoming, slots)
    assert len(confirmed) == 2
    assert all(slots[meeting_id] for meeting_id in confirmed)
