"""Tokens (hashed, shown once, scoped, revocable) and errors as problem details."""

from __future__ import annotations

import hashlib

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from chapter.api.models import ApiToken
from chapter.extensions import db
from tests.api.helpers import bearer, call, token_for
from tests.conftest import People, login_as
from tests.support import clock
from tests.support.referral_helpers import text


def test_a_token_is_stored_only_as_its_hash_with_a_visible_prefix(
    app: Flask, client: FlaskClient, people: People
) -> None:
    secret = token_for(app, people.member, "read", name="CRM")
    with app.app_context():
        stored = db.session.scalars(select(ApiToken)).one()
        assert stored.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in {stored.prefix, stored.secret_hash, stored.name}
        assert secret.startswith(stored.prefix)
        assert stored.prefix.startswith("chp_")
        assert stored.last_used_at is None
    me = call(client, "GET", "/api/v1/me", secret)
    assert me.status_code == 200
    assert me.json["id"] == people.member.member_id
    assert me.json["token_scope"] == "read"
    with app.app_context():
        assert db.session.scalars(select(ApiToken)).one().last_used_at is not None


def test_no_token_a_wrong_one_or_a_session_cookie_is_401_problem_json(
    client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)  # a browser session does not open the API
    for headers in ({}, bearer("chp_" + "x" * 43), {"Authorization": "Basic abc"}):
        answer = client.get("/api/v1/me", headers=headers)
        assert answer.status_code == 401
        assert answer.content_type == "application/problem+json"
        assert answer.json["status"] == 401
        assert answer.json["title"] == "Unauthorized"
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_session_cannot_write_through_the_api_without_csrf(
    csrf_app: Flask, people: People
) -> None:
    client = csrf_app.test_client()
    login_as(client, people.member)
    answer = client.post("/api/v1/education", json={"earned_on": clock.days_ago(10), "topic": "x"})
    assert answer.status_code == 401  # the cookie is ignored; no token, no write


def test_token_requests_need_no_csrf_token(csrf_app: Flask, people: People) -> None:
    secret = token_for(csrf_app, people.member, "write")
    client = csrf_app.test_client()
    answer = client.post(
        "/api/v1/education",
        json={"earned_on": clock.days_ago(10), "topic": "Listening"},
        headers=bearer(secret),
    )
    assert answer.status_code == 201, answer.json


def test_bad_input_is_422_with_field_errors_and_writes_nothing(
    app: Flask, client: FlaskClient, people: People
) -> None:
    secret = token_for(app, people.member)
    answer = call(
        client,
        "POST",
        "/api/v1/slips",
        secret,
        {"receiver_id": people.member.member_id, "kind": "sideways", "warmth": 9},
    )
    assert answer.status_code == 422
    assert answer.content_type == "application/problem+json"
    errors = answer.json["errors"]
    assert {"kind", "warmth", "prospect_name", "need"} <= set(errors)
    # a rule of the service, at its field
    answer = call(
        client,
        "POST",
        "/api/v1/slips",
        secret,
        {
            "receiver_id": people.member.member_id,
            "kind": "inside",
            "prospect_name": "Pat",
            "need": "Windows",
            "warmth": 3,
        },
    )
    assert answer.status_code == 422
    assert answer.json["errors"] == {"receiver_id": ["You cannot refer business to yourself."]}


def test_malformed_json_unknown_address_and_method_are_problems(
    app: Flask, client: FlaskClient, people: People
) -> None:
    secret = token_for(app, people.member)
    broken = client.post(
        "/api/v1/slips",
        data="{not json",
        headers={**bearer(secret), "Content-Type": "application/json"},
    )
    assert broken.status_code == 400
    assert broken.content_type == "application/problem+json"
    missing = call(client, "GET", "/api/v1/nowhere", secret)
    assert (missing.status_code, missing.content_type) == (404, "application/problem+json")
    wrong = call(client, "DELETE", "/api/v1/me", secret)
    assert (wrong.status_code, wrong.content_type) == (405, "application/problem+json")
    assert "GET" in wrong.headers["Allow"]


def test_a_revoked_token_stops_working_and_stays_listed(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    created = client.post("/profile/tokens", data={"name": "Phone", "scope": "read"})
    assert created.status_code == 201
    page = text(created)
    assert "shown only this once" in page
    with app.app_context():
        token = db.session.scalars(select(ApiToken)).one()
        token_id, prefix = token.id, token.prefix
    secret = created.get_data(as_text=True).split("data-token>")[1].split("<")[0]
    assert secret.startswith(prefix)
    assert call(client, "GET", "/api/v1/me", secret).status_code == 200
    again = client.get("/profile/tokens")
    assert secret not in again.get_data(as_text=True)  # never shown again
    assert prefix in again.get_data(as_text=True)
    revoked = client.post(f"/profile/tokens/{token_id}/revoke")
    assert revoked.status_code == 302
    assert call(client, "GET", "/api/v1/me", secret).status_code == 401
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is not None  # kept, not deleted
    assert "Revoked" in text(client.get("/profile/tokens"))


def test_token_pages_need_log_in_csrf_and_only_revoke_ones_own(
    app: Flask, csrf_app: Flask, client: FlaskClient, people: People
) -> None:
    assert client.get("/profile/tokens").status_code == 302  # to log in
    secret = token_for(app, people.leader)
    with app.app_context():
        leader_token = db.session.scalars(select(ApiToken)).one().id
    login_as(client, people.member)
    assert client.post(f"/profile/tokens/{leader_token}/revoke").status_code == 404
    assert call(client, "GET", "/api/v1/me", secret).status_code == 200
    protected = csrf_app.test_client()
    login_as(protected, people.member)
    assert protected.post("/profile/tokens", data={"name": "x", "scope": "read"}).status_code == 400
    with app.app_context():
        assert db.session.scalars(select(ApiToken)).all()[-1].user_id == people.leader.user_id
    blank = client.post("/profile/tokens", data={"name": "  ", "scope": "read"})
    assert blank.status_code == 422
    assert "Give the token a name." in text(blank)


def test_the_profile_links_to_the_tokens_page(client: FlaskClient, people: People) -> None:
    login_as(client, people.member)
    page = client.get(f"/members/{people.member.member_id}").get_data(as_text=True)
    assert 'href="/profile/tokens"' in page


def test_rate_limit_per_token_answers_429_problem(
    app: Flask, client: FlaskClient, people: People
) -> None:
    first = token_for(app, people.member)
    second = token_for(app, people.member)
    app.config["API_RATE_LIMIT"] = "3 per minute"
    try:
        answers = [call(client, "GET", "/api/v1/me/ask", first).status_code for _ in range(4)]
        assert answers == [200, 200, 200, 429]
        limited = call(client, "GET", "/api/v1/me/ask", first)
        assert limited.content_type == "application/problem+json"
        assert limited.json["status"] == 429
        assert call(client, "GET", "/api/v1/me/ask", second).status_code == 200  # per token
    finally:
        app.config["API_RATE_LIMIT"] = "120 per minute"


def test_text_no_database_can_store_is_422_not_500(
    app: Flask, client: FlaskClient, people: People
) -> None:
    secret = token_for(app, people.member)
    nul = call(
        client,
        "POST",
        "/api/v1/education",
        secret,
        {"earned_on": clock.days_ago(10), "topic": "a\x00b"},
    )
    assert nul.status_code == 422
    assert "topic" in nul.json["errors"]
    search = client.get("/api/v1/members?q=%00", headers=bearer(secret))
    assert search.status_code == 422
    surrogate = client.post(
        "/api/v1/education",
        data=f'{{"earned_on": "{clock.days_ago(10)}", "topic": "\\ud800"}}',
        headers={**bearer(secret), "Content-Type": "application/json"},
    )
    assert surrogate.status_code == 422
