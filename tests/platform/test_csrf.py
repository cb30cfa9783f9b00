"""With CSRF protection on (as outside tests), a POST without the form's token is refused."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from chapter.auth.models import User
from chapter.extensions import db
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from tests.conftest import People, login_as
from tests.support.factories import PASSWORD
from tests.support.pages import text, token_in, user_count

REFUSED = "The form expired or was not sent by this site."


@pytest.fixture
def csrf_client(csrf_app: Flask, people: People) -> FlaskClient:
    return csrf_app.test_client()


def test_login_without_a_token_is_refused_with_400(
    csrf_client: FlaskClient, people: People
) -> None:
    response = csrf_client.post("/login", data={"email": people.member.email, "password": PASSWORD})
    assert response.status_code == 400
    assert REFUSED in text(response)
    assert csrf_client.get("/").headers["Location"].startswith("/login")  # not logged in


def test_login_with_a_forged_token_is_refused_with_400(
    csrf_client: FlaskClient, people: People
) -> None:
    response = csrf_client.post(
        "/login",
        data={"email": people.member.email, "password": PASSWORD, "csrf_token": "forged"},
    )
    assert response.status_code == 400
    assert REFUSED in text(response)


def test_login_with_the_token_from_the_page_works(csrf_client: FlaskClient, people: People) -> None:
    token = token_in(csrf_client.get("/login"))
    response = csrf_client.post(
        "/login", data={"email": people.member.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "Member of <strong>Home Chapter</strong>" in text(csrf_client.get("/"))


NEW_MEMBER = {
    "first_name": "Tess",
    "last_name": "Tokenless",
    "email": "tess@tokenless.example",
    "business_name": "Tokenless Ltd",
    "classification": "Locksmith",
    "joined_on": "2026-11-01",
    "sponsor_id": "",
}


def test_adding_a_member_without_a_token_is_refused_and_stores_nothing(
    app: Flask, csrf_client: FlaskClient, people: People
) -> None:
    before = user_count(app)
    login_as(csrf_client, people.leader)
    response = csrf_client.post("/members/new", data=NEW_MEMBER)
    assert response.status_code == 400
    assert REFUSED in text(response)
    assert user_count(app) == before


def test_adding_a_member_with_the_token_from_the_form_works(
    app: Flask, csrf_client: FlaskClient, people: People
) -> None:
    login_as(csrf_client, people.leader)
    token = token_in(csrf_client.get("/members/new"))
    response = csrf_client.post("/members/new", data={**NEW_MEMBER, "csrf_token": token})
    assert response.status_code == 302, text(response)
    with app.app_context():
        assert db.session.scalar(db.select(User).where(User.email == "tess@tokenless.example"))


def test_one_button_action_without_a_token_is_refused_and_changes_nothing(
    app: Flask, csrf_client: FlaskClient, people: People
) -> None:
    login_as(csrf_client, people.leader)
    response = csrf_client.post(f"/members/{people.member.member_id}/left")
    assert response.status_code == 400
    assert REFUSED in text(response)
    with app.app_context():
        assert db.session.get(Member, people.member.member_id).status is MemberStatus.ACTIVE


def test_logout_without_a_token_is_refused_and_keeps_the_session(
    csrf_client: FlaskClient, people: People
) -> None:
    login_as(csrf_client, people.member)
    assert csrf_client.post("/logout").status_code == 400
    assert "Member of <strong>Home Chapter</strong>" in text(csrf_client.get("/"))
