"""Dashboard blueprint: who I am, my chapter and its next meeting, my role's shortcuts."""

from __future__ import annotations

import html
from datetime import time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.meetings.schedule import next_meeting_start
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from tests.conftest import People, login_as
from tests.support import clock, factories

# person: (status, what they see: page text, or where a 302 goes)
MATRIX = [
    pytest.param("anonymous", 302, "/login?next=%2F", id="anonymous"),
    pytest.param("member", 200, "Member of Home Chapter", id="member"),
    pytest.param("leader", 200, "Chapter leader", id="leader"),
    pytest.param("other_leader", 200, "Member of Away Chapter", id="other_leader"),
    pytest.param("admin", 200, "Platform admin", id="admin"),
]


def text(response) -> str:
    page = html.unescape(response.get_data(as_text=True))
    return page.replace("<strong>", "").replace("</strong>", "")


@pytest.mark.parametrize(("who", "status", "seen"), MATRIX)
def test_access_matrix_of_the_dashboard(
    client: FlaskClient, people: People, who: str, status: int, seen: str
) -> None:
    if who != "anonymous":
        login_as(client, getattr(people, who))
    response = client.get("/")
    assert response.status_code == status
    if status == 302:
        assert response.headers["Location"] == seen
    else:
        assert seen in text(response)


def expected_next_meeting() -> set[str]:
    """How the home chapter's next meeting (Wednesdays 07:00, London) reads now; both sides of
    a meeting's start are accepted, in case it starts while the test runs."""
    now = clock.now()
    return {
        f"{start:%A} {start.day} {start:%B %Y}, 07:00 (Europe/London)"
        for start in (
            next_meeting_start(2, time(7, 0), "Europe/London", now),
            next_meeting_start(2, time(7, 0), "Europe/London", now + timedelta(seconds=5)),
        )
    }


def test_member_sees_their_chapter_and_its_next_meeting(
    client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    page = text(client.get("/"))
    assert "Member of Home Chapter" in page
    assert "Next meeting" in page
    assert any(meeting in page for meeting in expected_next_meeting())
    assert "You have not said what referral you want yet." in page
    assert 'href="/members/me/edit"' in page


def test_member_sees_no_leader_or_admin_shortcuts(client: FlaskClient, people: People) -> None:
    login_as(client, people.member)
    page = text(client.get("/"))
    assert "Member admin" not in page
    assert "Add a member" not in page
    assert "Platform admin" not in page
    assert 'href="/admin/chapters"' not in page


def test_member_sees_their_ask_on_the_dashboard(
    app: Flask, client: FlaskClient, people: People
) -> None:
    with app.app_context():
        member = db.session.get(Member, people.member.member_id)
        member.ask = "Introductions to dentists."
        db.session.commit()
    login_as(client, people.member)
    assert "Introductions to dentists." in text(client.get("/"))


def test_leader_sees_member_admin_links_and_pending_invitations(
    app: Flask, client: FlaskClient, people: People
) -> None:
    with app.app_context():
        home = db.session.get(Chapter, people.leader.chapter_id)
        factories.MemberFactory(chapter=home, user__password_hash=None)
        factories.MemberFactory(
            chapter=home, user__password_hash=None, status=MemberStatus.ON_LEAVE
        )
        db.session.commit()
    login_as(client, people.leader)
    page = text(client.get("/"))
    assert '<a href="/members/admin">Member admin</a>' in page
    assert '<a href="/members/new">Add a member</a>' in page
    assert "President" in page
    assert "1 active member has not set a password yet." in page


def test_platform_admin_sees_the_admin_panel_and_no_chapter(
    client: FlaskClient, people: People
) -> None:
    login_as(client, people.admin)
    page = text(client.get("/"))
    assert "Platform admin" in page
    assert '<a href="/admin/chapters">All chapters</a>' in page
    assert '<a href="/admin/chapters/new">Create a chapter</a>' in page
    assert "Next meeting" not in page
    assert "Member of" not in page


def test_anonymous_visitor_is_sent_to_log_in(client: FlaskClient, people: People) -> None:
    response = client.get("/", follow_redirects=True)
    assert response.request.path == "/login"
    assert "Please log in to see that page." in text(response)


def test_on_an_empty_platform_log_in_leads_to_set_up(client: FlaskClient) -> None:
    assert client.get("/").headers["Location"].startswith("/login")
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/setup"
