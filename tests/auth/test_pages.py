"""Log-in, log-out, throttling, password change, reset links and invitations."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from chapter.auth.models import User
from chapter.extensions import db
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from tests.conftest import People, login_as
from tests.support.factories import PASSWORD
from tests.support.pages import log_in


def test_login_with_right_password_goes_to_dashboard(client: FlaskClient, people: People) -> None:
    response = log_in(client, "Member@Home.example ", PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Home Chapter" in page
    assert "Next meeting" in page


def test_wrong_password_and_unknown_email_get_the_same_generic_message(
    client: FlaskClient, people: People
) -> None:
    wrong = log_in(client, people.member.email, "not the password")
    unknown = log_in(client, "nobody@nowhere.example", "whatever it is")
    assert wrong.status_code == unknown.status_code == 422
    message = "The e-mail or password is not right"
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_empty_login_form_is_refused_at_the_fields(client: FlaskClient, people: People) -> None:
    response = client.post("/login", data={"email": "", "password": ""})
    assert response.status_code == 422
    assert "This field is required." in response.get_data(as_text=True)


def test_repeated_failures_are_throttled_with_429(client: FlaskClient, people: People) -> None:
    statuses = [log_in(client, people.member.email, "wrong password").status_code for _ in range(6)]
    assert statuses[:5] == [422] * 5
    assert statuses[5] == 429
    blocked = log_in(client, people.member.email, PASSWORD)
    assert blocked.status_code == 429
    assert "Too many attempts" in blocked.get_data(as_text=True)


def test_successful_logins_do_not_count_towards_the_limit(
    client: FlaskClient, people: People
) -> None:
    for _ in range(7):
        assert log_in(client, people.member.email, PASSWORD).status_code == 302
        client.post("/logout")


def test_member_who_left_cannot_log_in_and_is_logged_out(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    assert client.get("/").status_code == 200
    with app.app_context():
        member = db.session.get(Member, people.member.member_id)
        member.status = MemberStatus.LEFT
        member.left_on = member.joined_on
        db.session.commit()
    assert client.get("/").status_code == 302  # the session no longer loads the user
    assert log_in(client, people.member.email, PASSWORD).status_code == 422


def test_logout_needs_post_and_ends_the_session(client: FlaskClient, people: People) -> None:
    login_as(client, people.member)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/").headers["Location"].startswith("/login")


def test_next_parameter_only_redirects_inside_the_site(client: FlaskClient, people: People) -> None:
    inside = client.post(
        "/login?next=/members/", data={"email": people.member.email, "password": PASSWORD}
    )
    assert inside.headers["Location"] == "/members/"
    client.post("/logout")
    outside = client.post(
        "/login?next=//evil.example/", data={"email": people.member.email, "password": PASSWORD}
    )
    assert outside.headers["Location"] == "/"


def test_change_password_checks_the_current_one(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    wrong = client.post(
        "/password",
        data={
            "current_password": "nope",
            "new_password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    assert wrong.status_code == 422
    assert "That is not your current password." in wrong.get_data(as_text=True)
    short = client.post(
        "/password",
        data={"current_password": PASSWORD, "new_password": "short", "confirm": "short"},
    )
    assert short.status_code == 422
    ok = client.post(
        "/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    assert ok.status_code == 302
    client.post("/logout")
    assert log_in(client, people.member.email, PASSWORD).status_code == 422
    assert log_in(client, people.member.email, "a brand new secret").status_code == 302


def test_platform_admin_can_change_password(client: FlaskClient, people: People) -> None:
    login_as(client, people.admin)
    page = client.get("/password")
    assert page.status_code == 200
    assert "Change your password" in page.get_data(as_text=True)


def link_in(message) -> str:
    match = re.search(r"http://localhost(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_link_works_once(client: FlaskClient, people: People, outbox) -> None:
    response = client.post("/password/forgot", data={"email": "MEMBER@home.example"})
    assert response.status_code == 302
    assert len(outbox) == 1
    assert outbox[0].recipients == [people.member.email]
    link = link_in(outbox[0])
    form = client.get(link)
    assert form.status_code == 200
    assert "Choose a new password" in form.get_data(as_text=True)
    done = client.post(link, data={"password": "fresh password 1", "confirm": "fresh password 1"})
    assert done.status_code == 302
    client.post("/logout")
    again = client.get(link)
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)
    assert log_in(client, people.member.email, "fresh password 1").status_code == 302


def test_forgot_password_says_the_same_for_unknown_addresses(
    client: FlaskClient, people: People, outbox
) -> None:
    response = client.post(
        "/password/forgot", data={"email": "nobody@nowhere.example"}, follow_redirects=True
    )
    assert "If that address has an account" in response.get_data(as_text=True)
    assert outbox == []


def test_tampered_or_expired_link_is_refused(
    app: Flask, client: FlaskClient, people: People, outbox
) -> None:
    client.post("/password/forgot", data={"email": people.member.email})
    link = link_in(outbox[0])
    tampered = client.get(link[:-3] + "abc")
    assert tampered.status_code == 400
    assert "not valid" in tampered.get_data(as_text=True)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    try:
        expired = client.get(link)
    finally:
        app.config["PASSWORD_RESET_MAX_AGE"] = 3600
    assert expired.status_code == 400
    assert "expired" in expired.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/password/reset/x", "/invitation/x"])
def test_garbage_tokens_are_a_clear_400(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 400
    assert "This link cannot be used" in response.get_data(as_text=True)


def test_invitation_sets_the_first_password(
    app: Flask, client: FlaskClient, people: People, outbox
) -> None:
    login_as(client, people.leader)
    response = client.post(
        "/members/new",
        data={
            "first_name": "Nina",
            "last_name": "Invitee",
            "email": "Nina@Invited.example",
            "business_name": "Nina's Bakery",
            "classification": "Baker",
            "joined_on": "2026-11-01",
            "sponsor_id": "",
            "send_invitation": "y",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    client.post("/logout")
    assert [message.recipients for message in outbox] == [["nina@invited.example"]]
    link = link_in(outbox[0])
    page = client.get(link)
    assert "Welcome, Nina" in page.get_data(as_text=True)
    mismatch = client.post(link, data={"password": "nina password 1", "confirm": "other one 1"})
    assert mismatch.status_code == 422
    assert "The passwords do not match." in mismatch.get_data(as_text=True)
    assert (
        client.post(
            link, data={"password": "nina password 1", "confirm": "nina password 1"}
        ).status_code
        == 302
    )
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "nina@invited.example"))
        assert user.password_hash is not None
    client.post("/logout")
    assert log_in(client, "nina@invited.example", "nina password 1").status_code == 302
    assert client.get(link).status_code == 400
