"""The request log names the request's member and chapter as the log-in check loaded them:
after a write's commit expired the user's rows, reading them again would cost statements."""

from __future__ import annotations

import json
import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from chapter.extensions import db
from tests.conftest import People, login_as
from tests.support.referral_helpers import slip_form


def test_a_write_is_logged_with_its_member_and_no_statement_after_its_commit(
    app: Flask,
    client: FlaskClient,
    people: People,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "REQUEST_LOG", True)
    login_as(client, people.member)
    client.get("/referrals/new")
    after_commit: list[str] = []
    committed: list[bool] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:
        if committed:
            after_commit.append(statement)

    with app.app_context():
        engine = db.engine

    def commit(conn) -> None:
        committed.append(True)

    event.listen(engine, "before_cursor_execute", record)
    event.listen(engine, "commit", commit)
    logger = logging.getLogger("chapter.requests")
    monkeypatch.setattr(logger, "propagate", True)
    try:
        with caplog.at_level(logging.INFO, logger="chapter.requests"):
            response = client.post("/referrals/new", data=slip_form(people.leader.member_id))
    finally:
        event.remove(engine, "before_cursor_execute", record)
        event.remove(engine, "commit", commit)
    assert response.status_code == 302
    assert committed
    assert after_commit == []
    line = json.loads(caplog.records[-1].getMessage())
    assert (line["method"], line["status"]) == ("POST", 302)
    assert (line["chapter_id"], line["member_id"]) == (
        people.member.chapter_id,
        people.member.member_id,
    )


def test_a_page_that_never_asked_for_the_user_still_names_them(
    app: Flask,
    client: FlaskClient,
    people: People,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(app.config, "REQUEST_LOG", True)
    login_as(client, people.leader)
    logger = logging.getLogger("chapter.requests")
    monkeypatch.setattr(logger, "propagate", True)
    with caplog.at_level(logging.INFO, logger="chapter.requests"):
        assert client.get("/healthz").status_code == 200
    line = json.loads(caplog.records[-1].getMessage())
    assert (line["chapter_id"], line["member_id"]) == (
        people.leader.chapter_id,
        people.leader.member_id,
    )
