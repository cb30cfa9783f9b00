"""Mail pages: my preferences, the chapter's defaults, and one-click unsubscribe."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from chapter.digests import service
from chapter.digests.rules import Topic
from chapter.extensions import db
from chapter.members.models import Member
from tests.conftest import People, login_as
from tests.support.access import (
    ADMIN,
    ANONYMOUS,
    FORBIDDEN,
    LEADER,
    MEMBER,
    OTHER_LEADER,
    TO_LOGIN,
    log_in_as,
    matrix,
)
from tests.support.pages import plain

PREFERENCES = (200, "Mail preferences")
DEFAULTS = (200, "Chapter mail")
ROUTES = [
    (
        "GET",
        "/mail/preferences",
        None,
        {
            ANONYMOUS: TO_LOGIN,
            MEMBER: PREFERENCES,
            LEADER: PREFERENCES,
            OTHER_LEADER: PREFERENCES,  # their own preferences: the URL names nobody
            ADMIN: FORBIDDEN,  # no membership, so no mail
        },
    ),
    (
        "GET",
        "/mail/chapter",
        None,
        {
            ANONYMOUS: TO_LOGIN,
            MEMBER: FORBIDDEN,
            LEADER: DEFAULTS,
            OTHER_LEADER: DEFAULTS,  # their own chapter's defaults
            ADMIN: FORBIDDEN,
        },
    ),
    (
        "POST",
        "/mail/chapter",
        {"digest_default": "", "reminders_default": "y", "send_hour": "7"},
        {
            ANONYMOUS: TO_LOGIN,
            MEMBER: FORBIDDEN,
            LEADER: (302, "/mail/chapter"),
            OTHER_LEADER: (302, "/mail/chapter"),
            ADMIN: FORBIDDEN,
        },
    ),
]


@pytest.mark.parametrize(("method", "path", "data", "who", "status", "seen"), matrix(ROUTES))
def test_access(
    client: FlaskClient,
    people: People,
    method: str,
    path: str,
    data: Any,
    who: str,
    status: int,
    seen: str,
) -> None:
    log_in_as(client, people, who)
    response = client.open(path, method=method, data=data)
    assert response.status_code == status
    if status == 302:
        assert seen in response.headers["Location"]
    else:
        assert seen in plain(response)


def _defaults(app: Flask, chapter_id: int) -> tuple[bool, bool, int]:
    with app.app_context():
        row = service.settings_of(chapter_id)
        return row.digest_default, row.reminders_default, row.send_hour


def test_a_leader_sets_only_their_own_chapters_defaults(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.other_leader)
    client.post(
        "/mail/chapter", data={"digest_default": "", "reminders_default": "", "send_hour": "6"}
    )
    assert _defaults(app, people.other_leader.chapter_id) == (False, False, 6)
    assert _defaults(app, people.leader.chapter_id) == (True, True, 8)


def test_a_bad_sending_hour_is_refused_at_its_field(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    response = client.post("/mail/chapter", data={"digest_default": "y", "send_hour": "24"})
    assert response.status_code == 422
    assert "Number must be between 0 and 23" in plain(response)
    assert _defaults(app, people.leader.chapter_id) == (True, True, 8)


def test_a_member_switches_the_digest_off_and_follows_the_chapter_for_reminders(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    page = plain(client.get("/mail/preferences"))
    assert "As the chapter decides (now: on)" in page
    response = client.post("/mail/preferences", data={"digest": "off", "reminders": "chapter"})
    assert response.status_code == 302
    with app.app_context():
        assert service.choices_of(people.member.member_id) == service.Choices(False, None)
    assert "Mail preferences saved." in plain(client.get("/mail/preferences"))


def test_an_unknown_choice_is_refused(app: Flask, client: FlaskClient, people: People) -> None:
    login_as(client, people.member)
    response = client.post("/mail/preferences", data={"digest": "always", "reminders": "on"})
    assert response.status_code == 422
    with app.app_context():
        assert service.choices_of(people.member.member_id) == service.Choices(None, None)


def _token(app: Flask, member_id: int, topic: Topic) -> str:
    with app.app_context():
        return service.unsubscribe_token(member_id, topic)


def test_the_unsubscribe_link_asks_first_then_works_without_log_in(
    app: Flask, client: FlaskClient, people: People
) -> None:
    url = f"/mail/unsubscribe/{_token(app, people.member.member_id, Topic.DIGEST)}"
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Unsubscribe from the weekly digest?" in plain(confirm)
    with app.app_context():
        assert service.choices_of(people.member.member_id) == service.Choices(None, None)

    done = client.post(url)
    assert done.status_code == 200
    assert "You are unsubscribed" in plain(done)
    with app.app_context():
        assert service.choices_of(people.member.member_id) == service.Choices(False, None)
        assert not service.receives(people.member.member_id, Topic.DIGEST, people.member.chapter_id)
        assert service.receives(people.member.member_id, Topic.REMINDERS, people.member.chapter_id)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_a_forged_unsubscribe_link_is_404_and_changes_nothing(
    app: Flask, client: FlaskClient, people: People, method: str
) -> None:
    token = _token(app, people.member.member_id, Topic.DIGEST)
    response = client.open(f"/mail/unsubscribe/{token[:-3]}abc", method=method)
    assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Member, people.member.member_id) is not None
        assert service.choices_of(people.member.member_id) == service.Choices(None, None)


def test_csrf_guards_preferences_but_not_the_signed_one_click_unsubscribe(
    csrf_app: Flask, clean_db: None, people: People
) -> None:
    client = csrf_app.test_client()
    login_as(client, people.member)
    refused = client.post("/mail/preferences", data={"digest": "off", "reminders": "off"})
    assert refused.status_code == 400
    anonymous = csrf_app.test_client()
    token = _token(csrf_app, people.member.member_id, Topic.REMINDERS)
    one_click = anonymous.post(f"/mail/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    with csrf_app.app_context():
        assert service.choices_of(people.member.member_id) == service.Choices(None, False)
