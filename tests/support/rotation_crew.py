"""A chapter with a schedule, six members and a generated presentation rotation, for the
service tests of the features whose changes the rotation follows (no HTTP)."""

from __future__ import annotations

from datetime import date, time

from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.meetings import service as meetings
from chapter.members.models import Member
from chapter.members.roles import Position
from chapter.rotation import service as rotation
from tests.support import factories

TODAY = date(2026, 11, 23)  # a Monday; the chapter meets on Wednesdays


def chapter_with_rotation(today: date = TODAY) -> tuple[Chapter, list[Member]]:
    """Meetings for the next weeks, six members (the first a president, joined in order) and
    the rotation generated from ``today``."""
    chapter = factories.ChapterFactory(
        meeting_weekday=2, meeting_time=time(7), timezone="Europe/London"
    )
    meetings.ensure_schedule(chapter, today)
    crew = [
        factories.MemberFactory(chapter=chapter, joined_on=date(2020, 1, day))
        for day in range(1, 7)
    ]
    crew[0].position = Position.PRESIDENT
    db.session.flush()
    assert rotation.regenerate(chapter, actor=None, today=today)
    return chapter, crew


def presenters(chapter: Chapter, today: date = TODAY) -> list[tuple[date, list[int]]]:
    """(date, member ids) of every meeting from ``today`` on, soonest first."""
    upcoming = rotation.upcoming_meetings(chapter.id, today)
    slots = rotation.presentations_for([m.id for m in upcoming])
    return [(m.meets_on, [p.member_id for p in slots[m.id]]) for m in upcoming]


def is_up_to_date(chapter: Chapter, today: date = TODAY) -> bool:
    """True when regenerating now would change nothing: the service already followed."""
    return rotation.regenerate(chapter, actor=None, today=today) == []
