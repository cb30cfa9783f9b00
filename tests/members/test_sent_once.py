"""Adding a member sent twice (a double tap on "Add member") adds one member, e-mails one
invitation, and the second answer lands on the member the first added."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func

from chapter.attendance.guest_models import Guest
from chapter.auth.models import User
from chapter.extensions import db
from chapter.members.models import Member
from tests.conftest import People, login_as
from tests.members.test_pages import new_member_form
from tests.support.attendance_factories import GuestFactory
from tests.support.pages import plain, send_twice


@pytest.fixture
def leader(csrf_app: Flask, people: People) -> FlaskClient:
    client = csrf_app.test_client()
    login_as(client, people.leader)
    return client


def _newcomers(app: Flask) -> list[tuple[int, str | None]]:
    with app.app_context():
        return [
            (row.id, row.form_key)
            for row in db.session.execute(
                db.select(Member.id, Member.form_key)
                .join(User)
                .where(User.email == "nora@newcomer.example")
            )
        ]


def test_adding_a_member_sent_twice_adds_one_and_lands_on_them(
    csrf_app: Flask, leader: FlaskClient, outbox: list
) -> None:
    first, second = send_twice(
        leader, "/members/new", {**new_member_form(), "send_invitation": "y"}
    )

    [(member_id, key)] = _newcomers(csrf_app)
    assert key
    assert first.status_code == second.status_code == 302, plain(second)
    assert first.headers["Location"] == second.headers["Location"] == f"/members/{member_id}"
    assert [m.recipients for m in outbox] == [["nora@newcomer.example"]]  # one invitation
    shown = plain(leader.get(f"/members/{member_id}"))
    assert shown.count("Added Nora Newcomer and e-mailed an invitation.") == 2


def test_a_visitor_who_joins_sent_twice_becomes_one_member(
    csrf_app: Flask, leader: FlaskClient, people: People
) -> None:
    with csrf_app.app_context():
        guest = GuestFactory(chapter_id=people.leader.chapter_id, name="Nora Newcomer")
        db.session.commit()
        guest_id = guest.id
    path = f"/members/new?guest_id={guest_id}"

    first, second = send_twice(leader, path, new_member_form())

    [(member_id, _)] = _newcomers(csrf_app)
    assert first.status_code == second.status_code == 302, plain(second)
    assert second.headers["Location"] == f"/members/{member_id}"  # not "already a member"
    with csrf_app.app_context():
        assert db.session.get(Guest, guest_id).joined_as_id == member_id
        assert db.session.scalar(db.select(func.count()).select_from(Member)) == 5


def test_a_new_form_for_a_visitor_who_joined_is_still_refused(
    csrf_app: Flask, leader: FlaskClient, people: People
) -> None:
    with csrf_app.app_context():
        guest = GuestFactory(chapter_id=people.leader.chapter_id, name="Nora Newcomer")
        db.session.commit()
        guest_id = guest.id
    send_twice(leader, f"/members/new?guest_id={guest_id}", new_member_form())

    again = leader.get(f"/members/new?guest_id={guest_id}")

    assert again.status_code == 422
    assert "Nora Newcomer is already a member of the chapter." in plain(again)
