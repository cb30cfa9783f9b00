"""The request log names the request's member and chapter as the log-in check loaded them:
after a write's commit expired the user's rows, reading them again would cost statements."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event

from chapter.extensions import db
from tests.conftest import People, login_as
from tests.support.referral_helpers import slip_form


@pytest.fixture
def last_line(
    app: Flask, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[], dict]]:
    """The request log on, captured: the fixture's value gives its last line, parsed."""
    monkeypatch.setitem(app.config, "REQUEST_LOG", True)
    monkeypatch.setattr(logging.getLogger("chapter.requests"), "propagate", True)
    with caplog.at_level(logging.INFO, logger="chapter.requests"):
        yield lambda: json.loads(caplog.records[-1].getMessage())


def test_a_write_is_logged_with_its_member_and_no_statement_after_its_commit(
    app: Flask, client: FlaskClient, people: People, last_line: Callable[[], dict]
) -> None:
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
    try:
        response = client.post("/referrals/new", data=slip_form(people.leader.member_id))
    finally:
        event.remove(engine, "before_cursor_execute", record)
        event.remove(engine, "commit", commit)
    assert response.status_code == 302
    assert committed
    assert after_commit == []
    line = last_line()
    assert (line["method"], line["status"]) == ("POST", 302)
    assert (line["chapter_id"], line["member_id"]) == (
        people.member.chapter_id,
        people.member.member_id,
    )


def test_a_page_that_never_asked_for_the_user_still_names_them(
    client: FlaskClient, people: People, last_line: Callable[[], dict]
) -> None:
    login_as(client, people.leader)
    assert client.get("/healthz").status_code == 200
    line = last_line()
    assert (line["chapter_id"], line["member_id"]) == (
        people.leader.chapter_id,
        people.leader.member_id,
    )
