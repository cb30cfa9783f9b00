"""Generating and changing the rotation, in the service layer."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from chapter.db import utcnow
from chapter.errors import RuleViolation
from chapter.extensions import db
from chapter.meetings import service as meetings
from chapter.meetings.models import Meeting
from chapter.members import service as members
from chapter.members.roles import MemberStatus, Position
from chapter.rotation import service as rotation
from chapter.rotation import swap_requests
from chapter.rotation.models import Presentation
from chapter.rotation.states import Outcome
from tests.support import factories

TODAY = date(2026, 11, 23)  # Monday; meetings on Wednesdays


@pytest.fixture
def chapter(in_app):
    chapter = factories.ChapterFactory(
        meeting_weekday=2, meeting_time=time(7), timezone="Europe/London"
    )
    meetings.ensure_schedule(chapter, TODAY)
    return chapter


@pytest.fixture
def crew(chapter):
    crew = [
        factories.MemberFactory(chapter=chapter, joined_on=date(2020, 1, day))
        for day in range(1, 7)
    ]
    crew[0].position = Position.PRESIDENT
    db.session.flush()
    return crew


def schedule(chapter) -> list[tuple[date, list[int]]]:
    upcoming = rotation.upcoming_meetings(chapter.id, TODAY)
    slots = rotation.presentations_for([m.id for m in upcoming])
    return [(m.meets_on, [p.member_id for p in slots[m.id]]) for m in upcoming]


def test_generation_follows_join_order_and_is_idempotent(chapter, crew) -> None:
    changes = rotation.regenerate(chapter, actor=crew[0].user, today=TODAY)
    assert len(changes) == meetings.GENERATE_WEEKS
    order = [ids[0] for _, ids in schedule(chapter)]
    assert order[:6] == [m.id for m in crew]  # nobody presented yet: by join date
    assert order[6:12] == [m.id for m in crew]
    assert rotation.regenerate(chapter, actor=crew[0].user, today=TODAY) == []


def test_going_on_leave_reassigns_only_unconfirmed_slots(chapter, crew) -> None:
    rotation.regenerate(chapter, actor=None, today=TODAY)
    first_two = schedule(chapter)[:2]
    leaving = crew[0]  # presents at the first (confirmed) meeting and again later
    # The members service moves the rotation itself: no caller has to remember to.
    changes = members.change_status(leaving, MemberStatus.ON_LEAVE, actor=crew[1].user, today=TODAY)
    assert changes
    after = schedule(chapter)
    assert after[:2] == first_two  # confirmed: kept
    assert all(leaving.id not in ids for _, ids in after[2:])


def test_cancelled_meetings_lose_their_presenter(chapter, crew) -> None:
    rotation.regenerate(chapter, actor=None, today=TODAY)
    third = rotation.upcoming_meetings(chapter.id, TODAY)[2]
    meetings.cancel(third, "holiday", actor=crew[0].user, today=TODAY)
    rotation.regenerate(chapter, actor=None, today=TODAY)
    assert rotation.presentations_for([third.id])[third.id] == []


def test_cancelling_a_past_meeting_drops_its_planned_presenter(chapter, crew) -> None:
    """An import's undo cancels a meeting already held (``past=True``): the presenter planned
    there must go too, or the history shows someone presenting at a cancelled meeting."""
    rotation.regenerate(chapter, actor=None, today=TODAY)
    first = rotation.upcoming_meetings(chapter.id, TODAY)[0]
    later = first.meets_on + timedelta(days=1)
    meetings.cancel(first, "Bank holiday", actor=crew[0].user, today=later, past=True)
    assert rotation.presentations_for([first.id])[first.id] == []


def test_a_meeting_with_a_recorded_presentation_cannot_be_cancelled(chapter, crew) -> None:
    rotation.regenerate(chapter, actor=None, today=TODAY)
    first = rotation.upcoming_meetings(chapter.id, TODAY)[0]
    [presentation] = rotation.presentations_for([first.id])[first.id]
    rotation.record_outcome(
        presentation,
        Outcome.PRESENTED,
        chapter_id=chapter.id,
        actor=crew[0].user,
        today=first.meets_on,
    )
    with pytest.raises(RuleViolation, match="already recorded"), db.session.begin_nested():
        meetings.cancel(
            first, "oops", actor=crew[0].user, today=first.meets_on + timedelta(days=1), past=True
        )
    assert first.is_cancelled is False  # the savepoint, like saved(), wrote nothing
    assert rotation.presentations_for([first.id])[first.id] == [presentation]


def test_nobody_is_recorded_as_presenting_at_a_cancelled_meeting(chapter, crew) -> None:
    rotation.regenerate(chapter, actor=None, today=TODAY)
    first = rotation.upcoming_meetings(chapter.id, TODAY)[0]
    [presentation] = rotation.presentations_for([first.id])[first.id]
    first.is_cancelled = True  # as a moved-in history could have it
    db.session.flush()
    with pytest.raises(RuleViolation, match="cancelled"):
        rotation.record_outcome(
            presentation,
            Outcome.PRESENTED,
            chapter_id=chapter.id,
            actor=crew[0].user,
            today=first.meets_on,
        )


def test_a_new_chapters_empty_meetings_are_not_confirmed(chapter) -> None:
    upcoming = rotation.upcoming_meetings(chapter.id, TODAY)
    assert upcoming  # the schedule exists ...
    assert rotation.confirmed_ids(upcoming) == set()  # ... but nobody presents yet


def test_swapped_slots_survive_regeneration(chapter, crew) -> None:
    rotation.regenerate(chapter, actor=None, today=TODAY)
    upcoming = rotation.upcoming_meetings(chapter.id, TODAY)
    slots = rotation.presentations_for([m.id for m in upcoming])
    a, b = slots[upcoming[3].id][0], slots[upcoming[5].id][0]
    a_member, b_member = a.member_id, b.member_id
    rotation.swap(a, b, chapter_id=chapter.id, actor=crew[0].user, today=TODAY)
    rotation.regenerate(chapter, actor=None, today=TODAY)
    after = rotation.presentations_for([upcoming[3].id, upcoming[5].id])
    assert after[upcoming[3].id][0].member_id == b_member
    assert after[upcoming[5].id][0].member_id == a_member


def test_swap_refuses_the_past_and_the_same_meeting(chapter, crew) -> None:
    past = Meeting(
        chapter_id=chapter.id,
        scheduled_on=date(2026, 11, 18),
        meets_on=date(2026, 11, 18),
        starts_at=meetings.local_start(date(2026, 11, 18), time(7), "Europe/London"),
    )
    db.session.add(past)
    db.session.flush()
    old = Presentation(meeting_id=past.id, member_id=crew[5].id)
    db.session.add(old)
    rotation.regenerate(chapter, actor=None, today=TODAY)
    future = rotation.presentations_for(
        [m.id for m in rotation.upcoming_meetings(chapter.id, TODAY)]
    )
    first_future = next(iter(future.values()))[0]
    with pytest.raises(RuleViolation, match="past"):
        rotation.swap(old, first_future, chapter_id=chapter.id, actor=crew[0].user, today=TODAY)
    with pytest.raises(RuleViolation, match="different meetings"):
        rotation.swap(
            first_future, first_future, chapter_id=chapter.id, actor=crew[0].user, today=TODAY
        )


def test_a_no_show_goes_back_to_the_front(chapter, crew) -> None:
    last_week = Meeting(
        chapter_id=chapter.id,
        scheduled_on=date(2026, 11, 18),
        meets_on=date(2026, 11, 18),
        starts_at=meetings.local_start(date(2026, 11, 18), time(7), "Europe/London"),
    )
    db.session.add(last_week)
    db.session.flush()
    # Everyone presented recently except that crew[5] did not show up last week.
    for member in crew[:5]:
        db.session.add(
            Presentation(meeting_id=last_week.id, member_id=member.id, outcome=Outcome.PRESENTED)
        )
    no_show = Presentation(meeting_id=last_week.id, member_id=crew[5].id)
    db.session.add(no_show)
    db.session.flush()
    rotation.record_outcome(
        no_show, Outcome.NO_SHOW, chapter_id=chapter.id, actor=crew[0].user, today=TODAY
    )
    rotation.regenerate(chapter, actor=None, today=TODAY)
    assert schedule(chapter)[0][1] == [crew[5].id]


def test_swap_request_accepted_swaps_and_declined_does_not(chapter, crew) -> None:
    rotation.regenerate(chapter, actor=None, today=TODAY)
    upcoming = rotation.upcoming_meetings(chapter.id, TODAY)
    slots = rotation.presentations_for([m.id for m in upcoming])
    mine, theirs = slots[upcoming[2].id][0], slots[upcoming[4].id][0]
    asker = db.session.get(type(crew[0]), mine.member_id)
    asked = db.session.get(type(crew[0]), theirs.member_id)
    request = swap_requests.ask(asker, mine, theirs, today=TODAY)
    with pytest.raises(RuleViolation):
        swap_requests.answer(request, asker, accept=True, today=TODAY, now=utcnow())
    swap_requests.answer(
        request,
        asked,
        accept=True,
        today=TODAY,
        now=utcnow(),
    )
    assert (mine.member_id, theirs.member_id) == (asked.id, asker.id)
