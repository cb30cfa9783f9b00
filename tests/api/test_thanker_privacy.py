"""No API answer names a thanker to anyone but the thanker and the giver who was told
(chapter.ledger.rules.can_see_thanker, as tests/ledger/test_thanker_rule.py states it)."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from chapter.extensions import db
from tests.api.helpers import call, token_for
from tests.conftest import People
from tests.support import clock
from tests.support.referral_helpers import ThankYouFactory, add_home_member, full_name

EVERY_READ = [
    "/api/v1/me",
    "/api/v1/me/ledger?period=all",
    "/api/v1/members",
    "/api/v1/leaderboard?period=all",
    "/api/v1/meetings",
    "/api/v1/visitors",
    "/api/v1/reports/palms?start=2000-01-01&end=2100-01-01",
]


def thank_you_rows(found: object) -> list[dict]:
    """Every object in an answer that describes a thank-you (it has a thanker field)."""
    if isinstance(found, dict):
        rows = [found] if "thanker" in found else []
        return rows + [row for value in found.values() for row in thank_you_rows(value)]
    if isinstance(found, list):
        return [row for value in found for row in thank_you_rows(value)]
    return []


@pytest.mark.parametrize("reveal", [True, False])
def test_only_the_thanker_and_the_told_giver_see_the_thanker(
    app: Flask, client: FlaskClient, people: People, reveal: bool
) -> None:
    thanker = add_home_member(app, people, user__first_name="Thelonious")
    giver = people.member
    with app.app_context():
        ThankYouFactory(
            chapter_id=giver.chapter_id,
            giver_id=giver.member_id,
            thanker_id=thanker.member_id,
            reveal_thanker=reveal,
            note="Thanks from Thelonious",
        )
        db.session.commit()
    name = full_name(app, thanker.member_id)

    def everything(person) -> list[object]:
        secret = token_for(app, person)
        return [call(client, "GET", path, secret).json for path in EVERY_READ]

    def ledger_rows(person) -> list[dict]:
        answer = call(client, "GET", "/api/v1/me/ledger?period=all", token_for(app, person))
        return answer.json["thanks_credited"] + answer.json["thanks_written"]

    # the leader (who leads the chapter) never sees who thanked, even revealed: no answer
    # carries a thanker or the note, and every answer was read
    seen_by_leader = everything(people.leader)
    assert all(isinstance(answer, dict | list) for answer in seen_by_leader)
    assert [row for row in thank_you_rows(seen_by_leader) if row["thanker_id"]] == []
    assert "Thanks from Thelonious" not in json.dumps(seen_by_leader)
    # nor does another member of the chapter
    bystander = add_home_member(app, people)
    assert "Thanks from Thelonious" not in json.dumps(everything(bystander))
    # the giver only when told
    giver_rows = ledger_rows(giver)
    assert len(giver_rows) == 1
    if reveal:
        assert giver_rows[0]["thanker"] == name
        assert giver_rows[0]["thanker_id"] == thanker.member_id
    else:
        assert giver_rows[0]["thanker"] == "A member (private)"
        assert giver_rows[0]["thanker_id"] is None
        assert giver_rows[0]["note"] == ""
        assert "Thelonious" not in json.dumps(giver_rows)
    # the thanker always
    own = ledger_rows(thanker)
    assert own[0]["thanker"] == name
    assert own[0]["thanker_id"] == thanker.member_id


def test_thanking_through_the_api_keeps_the_thanker_private(
    app: Flask, client: FlaskClient, people: People
) -> None:
    thanker, giver = people.member, people.leader
    answer = call(
        client,
        "POST",
        "/api/v1/thanks",
        token_for(app, thanker),
        {
            "giver_id": giver.member_id,
            "amount_cents": 12_345,
            "thanked_on": clock.days_ago(10),
            "reveal_thanker": False,
        },
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["thanker_id"] == thanker.member_id  # the thanker sees themselves
    rows = call(client, "GET", "/api/v1/me/ledger?period=all", token_for(app, giver)).json
    credited = rows["thanks_credited"]
    assert [r["amount_cents"] for r in credited] == [12_345]
    assert credited[0]["thanker"] == "A member (private)"
    assert credited[0]["thanker_id"] is None
