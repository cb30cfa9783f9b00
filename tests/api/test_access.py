"""The access matrix over the API: anonymous 401, a read token cannot write (403), another
chapter's object is a 404, members vs leaders (leader rights read at request time)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from chapter.extensions import db
from chapter.members.models import Member
from tests.api.helpers import call, token_for
from tests.conftest import People
from tests.support import clock
from tests.support.attendance_factories import upcoming_meeting
from tests.support.referral_helpers import SlipFactory, TestimonialFactory, ThankYouFactory

READS = [
    "/api/v1/me",
    "/api/v1/me/ask",
    "/api/v1/me/ledger",
    "/api/v1/me/attendance",
    "/api/v1/members",
    "/api/v1/meetings",
    "/api/v1/leaderboard",
]
LEADER_READS = [
    "/api/v1/visitors",
    "/api/v1/reports/palms?start=2026-01-01&end=2026-06-30",
]


@pytest.fixture
def objects(app: Flask, people: People) -> dict[str, int]:
    """One object of each kind in the home chapter, between the member and the leader."""
    home, member, leader = people.member.chapter_id, people.member, people.leader
    meeting = upcoming_meeting(app, home)
    with app.app_context():
        slip = SlipFactory(chapter_id=home, giver_id=leader.member_id, receiver_id=member.member_id)
        thanks = ThankYouFactory(
            chapter_id=home, giver_id=leader.member_id, thanker_id=member.member_id
        )
        said = TestimonialFactory(
            chapter_id=home, giver_id=leader.member_id, receiver_id=member.member_id
        )
        db.session.commit()
        return {"meeting": meeting, "slip": slip.id, "thanks": thanks.id, "said": said.id}


def test_anonymous_gets_401_everywhere(client: FlaskClient, people: People) -> None:
    for path in [*READS, *LEADER_READS, "/api/v1/members/1", "/api/v1/meetings/1/roster"]:
        assert call(client, "GET", path, None).status_code == 401, path
    for path in ["/api/v1/slips", "/api/v1/thanks", "/api/v1/education", "/api/v1/one-to-ones"]:
        assert call(client, "POST", path, None, {}).status_code == 401, path


def test_members_read_their_chapter_but_not_the_leaders_pages(
    app: Flask, client: FlaskClient, people: People, objects: dict[str, int]
) -> None:
    secret = token_for(app, people.member, "read")
    for path in READS:
        assert call(client, "GET", path, secret).status_code == 200, path
    for path in [*LEADER_READS, f"/api/v1/meetings/{objects['meeting']}/roster"]:
        answer = call(client, "GET", path, secret)
        assert answer.status_code == 403, path
        assert answer.content_type == "application/problem+json"


def test_a_read_token_cannot_write(
    app: Flask, client: FlaskClient, people: People, objects: dict[str, int]
) -> None:
    secret = token_for(app, people.member, "read")
    writes: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", "/api/v1/education", {"earned_on": clock.days_ago(10), "topic": "x"}),
        ("POST", f"/api/v1/slips/{objects['slip']}/status", {"status": "contacted"}),
        ("POST", f"/api/v1/slips/{objects['slip']}/void", {"reason": "wrong"}),
        ("PUT", f"/api/v1/meetings/{objects['meeting']}/announcement", {"status": "A"}),
    ]
    for method, path, body in writes:
        answer = call(client, method, path, secret, body)
        assert answer.status_code == 403, path
        assert "may only read" in answer.json["detail"]
    with app.app_context():
        from chapter.ledger.models import EducationCredit, ReferralSlip

        assert db.session.query(EducationCredit).count() == 0
        assert db.session.get(ReferralSlip, objects["slip"]).status.value == "new"


def test_another_chapters_objects_are_404(
    app: Flask, client: FlaskClient, people: People, objects: dict[str, int]
) -> None:
    secret = token_for(app, people.other_leader, "write")
    paths = [
        ("GET", f"/api/v1/members/{people.member.member_id}", None),
        ("GET", f"/api/v1/slips/{objects['slip']}", None),
        ("GET", f"/api/v1/meetings/{objects['meeting']}/roster", None),
        ("PUT", f"/api/v1/meetings/{objects['meeting']}/roster", {"version": 0}),
        ("POST", f"/api/v1/meetings/{objects['meeting']}/roster/complete", {"version": 0}),
        ("PUT", f"/api/v1/meetings/{objects['meeting']}/announcement", {"status": "A"}),
        ("POST", f"/api/v1/slips/{objects['slip']}/void", {"reason": "x"}),
        ("POST", f"/api/v1/slips/{objects['slip']}/status", {"status": "contacted"}),
        ("POST", f"/api/v1/thanks/{objects['thanks']}/void", {"reason": "x"}),
        ("POST", f"/api/v1/testimonials/{objects['said']}/void", {"reason": "x"}),
    ]
    for method, path, body in paths:
        answer = call(client, method, path, secret, body)
        assert answer.status_code == 404, path
        assert answer.content_type == "application/problem+json"
    listed = call(client, "GET", "/api/v1/members", secret).json["items"]
    assert people.member.member_id not in {m["id"] for m in listed}


def test_leader_reads_the_roster_and_loses_it_with_the_position(
    app: Flask, client: FlaskClient, people: People, objects: dict[str, int]
) -> None:
    secret = token_for(app, people.leader, "write")
    path = f"/api/v1/meetings/{objects['meeting']}/roster"
    roster = call(client, "GET", path, secret)
    assert roster.status_code == 200
    assert people.member.member_id in {line["member_id"] for line in roster.json["lines"]}
    with app.app_context():
        db.session.get(Member, people.leader.member_id).position = None
        db.session.commit()
    assert call(client, "GET", path, secret).status_code == 403  # same token, no position


def test_platform_admin_without_a_chapter_is_refused(
    app: Flask, client: FlaskClient, people: People
) -> None:
    secret = token_for(app, people.admin, "read")
    assert call(client, "GET", "/api/v1/me", secret).status_code == 403
