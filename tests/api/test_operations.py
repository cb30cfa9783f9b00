"""The API's operations do what the pages do, through the same services."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from chapter.attendance.rules import Palms
from chapter.extensions import db
from chapter.ledger.models import ReferralSlip
from tests.api.helpers import call, token_for
from tests.conftest import People, count_queries
from tests.support import clock
from tests.support.attendance_factories import (
    held_meeting,
    past_wednesdays,
    stored_letters,
    upcoming_meeting,
)
from tests.support.referral_helpers import add_home_member, notices_of

SLIP = {
    "kind": "outside",
    "prospect_name": "Pat Prospect",
    "prospect_phone": "+44 20 7946 0300",
    "need": "New windows",
    "warmth": 4,
    "may_contact": True,
}


def test_a_slip_is_passed_moved_on_and_voided_with_a_reason(
    app: Flask, client: FlaskClient, people: People
) -> None:
    giver, receiver = token_for(app, people.leader), token_for(app, people.member)
    passed = call(
        client, "POST", "/api/v1/slips", giver, {**SLIP, "receiver_id": people.member.member_id}
    )
    assert passed.status_code == 201, passed.json
    slip_id = passed.json["id"]
    assert passed.json["status"] == "new"
    assert any("Pat Prospect" in n for n in notices_of(app, people.member.member_id))
    # only the receiver moves it on
    refused = call(client, "POST", f"/api/v1/slips/{slip_id}/status", giver, {"status": "won"})
    assert refused.status_code == 422
    moved = call(
        client,
        "POST",
        f"/api/v1/slips/{slip_id}/status",
        receiver,
        {"status": "contacted", "note": "Called"},
    )
    assert moved.status_code == 200, moved.json
    assert moved.json["status"] == "contacted"
    ledger = call(client, "GET", "/api/v1/me/ledger?period=all", giver).json
    assert ledger["totals"]["given"] == 1
    # void: a reason is required, the slip stays, out of the totals
    assert call(client, "POST", f"/api/v1/slips/{slip_id}/void", giver, {}).status_code == 422
    voided = call(client, "POST", f"/api/v1/slips/{slip_id}/void", giver, {"reason": "Dup"})
    assert voided.status_code == 200
    assert (voided.json["voided"], voided.json["void_reason"]) == (True, "Dup")
    with app.app_context():
        stored = db.session.get(ReferralSlip, slip_id)
        assert stored is not None
        assert stored.void_reason == "Dup"
    ledger = call(client, "GET", "/api/v1/me/ledger?period=all", giver).json
    assert ledger["totals"]["given"] == 0
    assert [s["id"] for s in ledger["slips_given"]] == [slip_id]


def test_one_to_one_and_education_are_logged_and_counted(
    app: Flask, client: FlaskClient, people: People
) -> None:
    secret = token_for(app, people.member)
    other = people.leader.member_id
    logged = call(
        client,
        "POST",
        "/api/v1/one-to-ones",
        secret,
        {"other_id": other, "met_on": clock.days_ago(10), "place": "Café"},
    )
    assert logged.status_code == 201, logged.json
    learned = call(
        client,
        "POST",
        "/api/v1/education",
        secret,
        {"earned_on": clock.days_ago(10), "topic": "Listening", "credits": 2},
    )
    assert learned.status_code == 201
    future = call(
        client, "POST", "/api/v1/education", secret, {"earned_on": "2099-01-01", "topic": "x"}
    )
    assert future.status_code == 422
    assert "earned_on" in future.json["errors"]
    totals = call(client, "GET", "/api/v1/me/ledger?period=all", secret).json["totals"]
    assert (totals["one_to_ones"], totals["education_credits"]) == (1, 2)


def test_directory_pages_in_a_stable_order_and_searches(
    app: Flask, client: FlaskClient, people: People
) -> None:
    for _ in range(5):
        add_home_member(app, people, user__last_name="Same", user__first_name="Same")
    add_home_member(app, people, business_name="Zebra Plumbing")
    secret = token_for(app, people.member, "read")
    first = call(client, "GET", "/api/v1/members?per_page=4&page=1", secret).json
    second = call(client, "GET", "/api/v1/members?per_page=4&page=2", secret).json
    assert first["page"]["total"] == 8
    ids = [m["id"] for m in first["items"]] + [m["id"] for m in second["items"]]
    assert len(set(ids)) == 8  # no member twice, none lost, though five share a name
    again = call(client, "GET", "/api/v1/members?per_page=4&page=1", secret).json
    assert [m["id"] for m in again["items"]] == [m["id"] for m in first["items"]]
    found = call(client, "GET", "/api/v1/members?q=zebra", secret).json["items"]
    assert [m["business_name"] for m in found] == ["Zebra Plumbing"]
    assert call(client, "GET", "/api/v1/members?per_page=500", secret).status_code == 422


def test_the_directory_runs_the_same_queries_for_3_or_30_members(
    app: Flask, client: FlaskClient, people: People
) -> None:
    secret = token_for(app, people.member, "read")

    def queries() -> int:
        with count_queries(app) as statements:
            assert call(client, "GET", "/api/v1/members?per_page=50", secret).status_code == 200
        return len(statements)

    queries()  # the first request also notes the token's last use
    few = queries()
    for _ in range(28):
        add_home_member(app, people)
    assert queries() == few


def test_announcing_ahead_prefills_the_roster(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting = upcoming_meeting(app, people.member.chapter_id)
    secret = token_for(app, people.member)
    answer = call(
        client,
        "PUT",
        f"/api/v1/meetings/{meeting}/announcement",
        secret,
        {"status": "S", "substitute": {"name": "Sam Stand-in"}},
    )
    assert answer.status_code == 200, answer.json
    assert stored_letters(app, meeting) == {people.member.member_id: "S"}
    listed = call(client, "GET", "/api/v1/meetings", secret).json
    assert {m["id"]: m["my_announcement"] for m in listed}[meeting] == "S"
    present = call(
        client, "PUT", f"/api/v1/meetings/{meeting}/announcement", secret, {"status": "P"}
    )
    assert present.status_code == 422  # only S, M or A are announced


def test_roster_draft_version_check_and_completion(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)
    leader = token_for(app, people.leader)
    path = f"/api/v1/meetings/{meeting}/roster"
    roster = call(client, "GET", path, leader).json
    assert roster["version"] == 0
    assert roster["completed"] is False
    lines = [{"member_id": people.member.member_id, "status": "P"}]
    saved = call(client, "PUT", path, leader, {"version": 0, "lines": lines})
    assert saved.status_code == 200, saved.json
    assert saved.json["version"] == 1
    stale = call(
        client,
        "PUT",
        path,
        leader,
        {"version": 0, "lines": [{"member_id": people.member.member_id, "status": "A"}]},
    )
    assert stale.status_code == 409
    assert stale.content_type == "application/problem+json"
    assert stored_letters(app, meeting)[people.member.member_id] == "P"  # nothing overwritten
    unfinished = call(client, "POST", f"{path}/complete", leader, {"version": 1})
    assert unfinished.status_code == 422  # the leader has no letter yet
    lines = [{"member_id": people.leader.member_id, "status": "L"}]
    assert call(client, "PUT", path, leader, {"version": 1, "lines": lines}).status_code == 200
    done = call(client, "POST", f"{path}/complete", leader, {"version": 2})
    assert done.status_code == 200, done.json
    assert done.json["completed"] is True


def test_leaderboard_answers_every_period_and_refuses_others(
    app: Flask, client: FlaskClient, people: People
) -> None:
    secret = token_for(app, people.member, "read")
    for period in ("week", "six_months", "year", "all"):
        answer = call(client, "GET", f"/api/v1/leaderboard?period={period}", secret)
        assert answer.status_code == 200, (period, answer.json)
        assert answer.json["period"]["key"] == period
        assert {r["member_id"] for r in answer.json["rows"]} >= {people.member.member_id}
    assert call(client, "GET", "/api/v1/leaderboard?period=decade", secret).status_code == 422


def test_palms_summary_for_leaders_refuses_a_reversed_range(
    app: Flask, client: FlaskClient, people: People
) -> None:
    held_meeting(
        app,
        people.leader.chapter_id,
        past_wednesdays(1)[0],
        {people.member.member_id: Palms.ABSENT},
    )
    secret = token_for(app, people.leader, "read")
    week = past_wednesdays(1)[0].isoformat()
    answer = call(client, "GET", f"/api/v1/reports/palms?start={week}&end={week}", secret)
    assert answer.status_code == 200, answer.json
    assert answer.json["total"]["values"]["absent"] == 1
    reversed_range = call(
        client, "GET", "/api/v1/reports/palms?start=2026-06-01&end=2026-01-01", secret
    )
    assert reversed_range.status_code == 422
    assert "end" in reversed_range.json["errors"]


def test_my_ask_is_read_and_changed_as_on_the_profile(
    app: Flask, client: FlaskClient, people: People
) -> None:
    secret = token_for(app, people.member)
    changed = call(
        client,
        "PUT",
        "/api/v1/me/ask",
        secret,
        {"ask": "  Introductions to architects ", "offer": "Roofs"},
    )
    assert changed.status_code == 200, changed.json
    assert call(client, "GET", "/api/v1/me/ask", secret).json == {
        "ask": "Introductions to architects",
        "offer": "Roofs",
    }
    too_long = call(client, "PUT", "/api/v1/me/ask", secret, {"ask": "x" * 501, "offer": ""})
    assert too_long.status_code == 422
    assert "ask" in too_long.json["errors"]
