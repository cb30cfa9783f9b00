"""The first-run checklist for a new chapter's leader (issue 13, finding 13): the rule, and
the dashboard that shows it."""

from __future__ import annotations

import re
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from chapter.chapters.models import Chapter
from chapter.dashboard.first_run import (
    ChapterStart,
    Step,
    StepState,
    checklist_shown,
    first_run_steps,
)
from chapter.db import utcnow
from chapter.extensions import db
from chapter.members.roles import MemberStatus, Position
from tests.conftest import People, Person, count_queries, login_as
from tests.support import factories
from tests.support.attendance_factories import MeetingFactory, past_wednesdays, visible
from tests.support.rotation_helpers import PresentationFactory

NEW = ChapterStart(location="", active_members=1, completed_rosters=0, presentations=0)
READY = ChapterStart(
    location="The Riverside Hotel", active_members=12, completed_rosters=3, presentations=9
)


def done(start: ChapterStart) -> dict[Step, bool]:
    return {state.step: state.is_done for state in first_run_steps(start)}


# --- the rule --------------------------------------------------------------------------------


def test_a_new_chapter_has_every_step_left_in_order() -> None:
    steps = first_run_steps(NEW)
    assert [s.step for s in steps] == [Step.SETTINGS, Step.MEMBERS, Step.ROSTER, Step.ROTATION]
    assert not any(s.is_done for s in steps)
    assert checklist_shown(steps)


def test_each_step_is_done_by_its_own_data() -> None:
    assert done(ChapterStart("Town hall", 1, 0, 0))[Step.SETTINGS]
    assert not done(ChapterStart("   ", 1, 0, 0))[Step.SETTINGS]  # blank is not a place
    assert done(ChapterStart("", 2, 0, 0))[Step.MEMBERS]  # someone besides the first leader
    assert not done(ChapterStart("", 1, 0, 0))[Step.MEMBERS]
    assert done(ChapterStart("", 1, 1, 0))[Step.ROSTER]
    assert done(ChapterStart("", 1, 0, 1))[Step.ROTATION]


def test_the_checklist_hides_once_everything_is_done() -> None:
    assert all(done(READY).values())
    assert not checklist_shown(first_run_steps(READY))


@given(
    st.text(max_size=20),
    st.integers(0, 100),
    st.integers(0, 50),
    st.integers(0, 50),
)
def test_the_checklist_shows_exactly_while_a_step_is_left(
    location: str, members: int, rosters: int, presentations: int
) -> None:
    steps = first_run_steps(ChapterStart(location, members, rosters, presentations))
    assert len(steps) == len(Step)
    assert checklist_shown(steps) == (not all(s.is_done for s in steps))
    # More data never un-does a step.
    more = first_run_steps(
        ChapterStart(location + "x", members + 1, rosters + 1, presentations + 1)
    )
    assert all(later.is_done for earlier, later in zip(steps, more, strict=True) if earlier.is_done)
    assert all(isinstance(s, StepState) for s in steps)


# --- the dashboard ---------------------------------------------------------------------------


def checklist(response) -> str:
    page = response.get_data(as_text=True)
    found = re.search(r'<section[^>]*aria-labelledby="first-run-title".*?</section>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split()) if found else ""


def new_chapter_leader(app: Flask) -> tuple[int, Person]:
    """A chapter as an admin creates it: one leader, no place, nothing else."""
    with app.app_context():
        chapter = factories.ChapterFactory(name="Fresh Chapter", location="")
        leader = factories.MemberFactory(chapter=chapter, position=Position.PRESIDENT)
        db.session.commit()
        return chapter.id, Person(leader.user_id, leader.user.email, leader.id, chapter.id)


def test_a_new_leader_sees_the_checklist_with_links(app: Flask, client: FlaskClient) -> None:
    _, leader = new_chapter_leader(app)
    login_as(client, leader)
    response = client.get("/")
    shown = checklist(response)
    assert shown.startswith("Get your chapter started 0 of 4 done.")
    for step in (
        "To do: Check the chapter's settings",
        "To do: Add and invite your members or import them from BNI Connect",
        "To do: Record your first roster",
        "To do: Start the presentation rotation",
    ):
        assert step in shown
    page = response.get_data(as_text=True)
    for href in ("/chapter/settings", "/members/new", "/moving/import", "/meetings/", "/rotation/"):
        assert f'href="{href}"' in page


def test_steps_tick_from_the_data_and_the_checklist_goes_when_all_are_done(
    app: Flask, client: FlaskClient
) -> None:
    chapter_id, leader = new_chapter_leader(app)
    login_as(client, leader)
    with app.app_context():
        db.session.get(Chapter, chapter_id).location = "Town hall"
        factories.MemberFactory(chapter=db.session.get(Chapter, chapter_id))
        db.session.commit()
    shown = checklist(client.get("/"))
    assert "2 of 4 done" in shown
    assert "Check the chapter's settings Meeting place, absence limit, presentations per " in shown
    assert "To do: Check the chapter's settings" not in shown
    assert "To do: Add and invite" not in shown
    assert shown.count(" Done") == 2  # the two badges
    with app.app_context():
        meeting = MeetingFactory(
            chapter_id=chapter_id,
            meets_on=past_wednesdays(1)[0],
            roster_completed_at=utcnow() - timedelta(days=1),
        )
        db.session.flush()
        PresentationFactory(meeting_id=meeting.id, member_id=leader.member_id)
        db.session.commit()
    response = client.get("/")
    assert checklist(response) == ""
    assert "Get your chapter started" not in visible(response)


def test_members_of_the_chapter_and_the_demo_leader_see_no_checklist(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)  # the home chapter is new too, but a member has no steps
    assert checklist(client.get("/")) == ""
    login_as(client, people.leader)
    assert "Get your chapter started" in checklist(client.get("/"))


def test_a_member_who_left_does_not_count_as_a_member_added(
    app: Flask, client: FlaskClient
) -> None:
    chapter_id, leader = new_chapter_leader(app)
    with app.app_context():
        factories.MemberFactory(
            chapter=db.session.get(Chapter, chapter_id), status=MemberStatus.LEFT
        )
        db.session.commit()
    login_as(client, leader)
    assert "To do: Add and invite your members" in checklist(client.get("/"))


def test_the_leaders_dashboard_runs_as_many_queries_for_a_big_chapter_as_for_a_new_one(
    app: Flask, client: FlaskClient
) -> None:
    chapter_id, leader = new_chapter_leader(app)
    login_as(client, leader)
    client.get("/")  # warm up (first-request work)
    with count_queries(app) as new_chapter:
        assert "Get your chapter started" in checklist(client.get("/"))
    with app.app_context():
        members = [
            factories.MemberFactory(chapter=db.session.get(Chapter, chapter_id)) for _ in range(15)
        ]
        db.session.flush()
        for day in past_wednesdays(3):
            meeting = MeetingFactory(chapter_id=chapter_id, meets_on=day)
            db.session.flush()
            for member in members[:2]:
                PresentationFactory(meeting_id=meeting.id, member_id=member.id)
        db.session.commit()
    with count_queries(app) as bigger:
        assert "To do: Record your first roster" in checklist(client.get("/"))
    assert len(bigger) == len(new_chapter)
