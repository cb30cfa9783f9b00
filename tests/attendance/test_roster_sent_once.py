"""A roster save sent twice (a double tap on "Save draft" or "complete") lands on the first
save: one visit per visitor, and the page the first answer showed, not "the roster changed
since you opened it" or "the roster is completed"."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func

from chapter.attendance.guest_models import Visit
from chapter.extensions import db
from chapter.meetings.models import Meeting
from tests.attendance.test_pages import roster_row
from tests.conftest import People, login_as
from tests.support.attendance_factories import (
    held_meeting,
    meeting_state,
    past_wednesdays,
    roster_form,
    stored_letters,
)
from tests.support.pages import plain, send_twice

VISITOR = {"name": "Vera Visitor", "business_name": "Vera's Vans", "email": "vera@vans.example"}


def _visits(app: Flask, meeting_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            db.select(func.count()).select_from(Visit).where(Visit.meeting_id == meeting_id)
        )


def _double_tap(csrf_app: Flask, people: People, **buttons: str) -> tuple[int, FlaskClient, tuple]:
    meeting_id = held_meeting(
        csrf_app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False
    )
    client = csrf_app.test_client()
    login_as(client, people.leader)
    path = f"/meetings/{meeting_id}/roster"
    data = roster_form(
        0,
        [roster_row(people.member.member_id, "P"), roster_row(people.leader.member_id, "P")],
        [VISITOR],
        **buttons,
    )
    return meeting_id, client, send_twice(client, path, data)


def test_a_draft_saved_twice_records_each_visitor_once_and_lands_on_the_roster(
    csrf_app: Flask, people: People
) -> None:
    meeting_id, client, (first, second) = _double_tap(csrf_app, people)

    assert first.status_code == 302, plain(first)
    assert second.status_code == 302, plain(second)  # not 409 "the roster changed"
    assert second.headers["Location"] == first.headers["Location"]
    assert _visits(csrf_app, meeting_id) == 1
    assert meeting_state(csrf_app, meeting_id)["version"] == 1  # saved once
    assert (
        plain(client.get(f"/meetings/{meeting_id}/roster")).count("Roster saved as a draft.") == 2
    )
    with csrf_app.app_context():
        assert db.session.get(Meeting, meeting_id).roster_form_key


def test_completing_sent_twice_completes_once_and_lands_on_the_roster(
    csrf_app: Flask, people: People
) -> None:
    meeting_id, client, (first, second) = _double_tap(
        csrf_app, people, complete="Save and complete roster"
    )

    assert first.status_code == second.status_code == 302, plain(second)
    assert meeting_state(csrf_app, meeting_id)["completed"]
    assert stored_letters(csrf_app, meeting_id) == {
        people.member.member_id: "P",
        people.leader.member_id: "P",
    }
    assert _visits(csrf_app, meeting_id) == 1
    assert plain(client.get(f"/meetings/{meeting_id}/roster")).count("Roster completed.") == 2
