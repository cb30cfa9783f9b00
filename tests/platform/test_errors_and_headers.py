"""Friendly error pages, no tracebacks, and security headers on every response."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from chapter import create_app
from config import ProductionConfig
from tests.conftest import People, login_as


def test_unknown_page_is_a_friendly_404(client: FlaskClient, people: People) -> None:
    login_as(client, people.member)
    response = client.get("/no/such/page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Page not found" in page
    assert "Back to the dashboard" in page


def test_member_on_leader_page_gets_a_friendly_403(client: FlaskClient, people: People) -> None:
    login_as(client, people.member)
    response = client.get("/members/admin")
    assert response.status_code == 403
    assert "Your role in the chapter does not allow this page." in response.get_data(as_text=True)


def test_server_error_shows_no_traceback(app: Flask, people: People) -> None:
    broken = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    broken.config["PROPAGATE_EXCEPTIONS"] = False

    @broken.route("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = broken.test_client().get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Something went wrong" in page
    assert "secret internals" not in page
    assert "Traceback" not in page


def test_security_headers_on_every_response(client: FlaskClient, people: People) -> None:
    for path in ("/login", "/static/chapter.css", "/no/such/page"):
        response = client.get(path)
        response.close()  # a static file response holds the file open
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # only in production


def test_pages_carry_no_inline_script_or_style(client: FlaskClient, people: People) -> None:
    login_as(client, people.leader)
    for path in ("/", "/members/", "/members/admin", "/members/new"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>" not in page
        assert 'style="' not in page


def test_production_refuses_to_start_without_a_real_secret_key() -> None:
    with pytest.raises(RuntimeError, match="CHAPTER_SECRET_KEY"):
        create_app(ProductionConfig, SQLALCHEMY_DATABASE_URI="sqlite://")


def test_production_sends_hsts_and_secure_cookies(app: Flask) -> None:
    production = create_app(
        ProductionConfig,
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        SECRET_KEY="x" * 40,
    )
    assert production.config["SESSION_COOKIE_SECURE"] is True
    response = production.test_client().get("/healthz-not-here")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_environment_overrides_settings(monkeypatch: pytest.MonkeyPatch, app: Flask) -> None:
    monkeypatch.setenv("CHAPTER_MAIL_PORT", "587")
    monkeypatch.setenv("CHAPTER_DATABASE_URL", app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setenv("CHAPTER_REDIS_URL", "redis://127.0.0.1:6379/5")
    configured = create_app("testing")
    assert configured.config["MAIL_PORT"] == 587
    assert configured.config["SQLALCHEMY_DATABASE_URI"] == app.config["SQLALCHEMY_DATABASE_URI"]
    assert configured.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/5"


def test_every_page_carries_the_security_headers(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """Every GET route without arguments, as a leader: CSP, no sniffing, no framing."""
    login_as(client, people.leader)
    paths = sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"
    )
    assert len(paths) > 15
    for path in paths:
        response = client.get(path)
        response.close()
        assert response.status_code < 500, path
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert "unsafe-inline" not in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "same-origin", path
        assert headers["X-Request-ID"], path


def test_an_id_past_a_database_integer_is_a_404_on_every_page(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """`/referrals/9223372036854775808` overflowed the database driver (a 500) before every
    `<int:...>` got a maximum (chapter/platform/converters.py)."""
    login_as(client, people.leader)
    huge = str(2**63)
    paths = sorted(
        {
            re.sub(r"<int(\([^)]*\))?:[a-z_]+>", huge, rule.rule)
            for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ())
            and "<int" in rule.rule
            and not re.search(r"<(?!int)[^>]+>", rule.rule)
        }
    )
    assert len(paths) > 15
    answers = {path: client.get(path).status_code for path in paths}
    assert {path: code for path, code in answers.items() if code != 404} == {}
