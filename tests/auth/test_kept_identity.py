"""The log-in check's kept identities (chapter.auth.session): a repeat request reads one
primary-key row, and any change to the user, their membership or their chapter is seen on the
very next request."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse as Response

from chapter.auth.models import User
from chapter.auth.session import load_user
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.meetings import calendar_feeds
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.platform import page_cache
from tests.conftest import People, Person, count_queries, login_as


def statements_of(app: Flask, client: FlaskClient, path: str) -> tuple[int, list[str]]:
    """The status and the SQL of one request, without forgetting what the worker keeps."""
    with count_queries(app, cold=False) as seen:
        status = client.get(path).status_code
    return status, seen


def kept_then_changed(
    app: Flask, client: FlaskClient, who: Person, path: str, change: Callable[[], None]
) -> Response:
    """``path`` seen twice by ``who`` (the second time with the identity the worker kept),
    ``change`` committed in another session, then the answer of the next request."""
    login_as(client, who)
    first, second = client.get(path), client.get(path)
    assert first.status_code == second.status_code
    with app.app_context():
        change()
        db.session.commit()
    return client.get(path)


def test_a_repeat_request_checks_the_log_in_by_the_chapter_version_alone(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    status, first = statements_of(app, client, "/leaderboard/")
    assert status == 200
    assert "FROM users" in first[0]  # a cold worker: the three-table log-in query
    status, again = statements_of(app, client, "/leaderboard/")
    assert status == 200
    assert len(again) == 1  # the kept page, found by the kept identity's chapter version
    assert "FROM chapters" in again[0]
    assert "users" not in again[0]
    assert "JOIN" not in again[0]


def test_a_member_who_left_is_logged_out_though_their_identity_was_kept(
    app: Flask, client: FlaskClient, people: People
) -> None:
    def leave() -> None:
        member = db.session.get(Member, people.member.member_id)
        member.status = MemberStatus.LEFT
        member.left_on = member.joined_on

    assert kept_then_changed(app, client, people.member, "/", leave).status_code == 302


def test_a_leader_who_steps_down_loses_the_leader_pages_at_once(
    app: Flask, client: FlaskClient, people: People
) -> None:
    def step_down() -> None:
        db.session.get(Member, people.leader.member_id).position = None

    answer = kept_then_changed(app, client, people.leader, "/members/admin", step_down)
    assert answer.status_code == 403


def test_a_change_to_the_user_row_alone_is_seen_at_once(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """Not a name (which pages show) but the admin flag: any users column raises the version."""

    def promote() -> None:
        db.session.get(User, people.member.user_id).is_platform_admin = True

    answer = kept_then_changed(app, client, people.member, "/admin/chapters", promote)
    assert answer.status_code == 200


def test_a_change_to_the_chapter_is_seen_at_once(
    app: Flask, client: FlaskClient, people: People
) -> None:
    def rename() -> None:
        db.session.get(Chapter, people.member.chapter_id).name = "Renamed Chapter"

    answer = kept_then_changed(app, client, people.member, "/", rename)
    assert "Renamed Chapter" in answer.get_data(as_text=True)


def test_a_calendar_address_made_by_a_bulk_write_is_seen_on_the_next_request(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """The token is written by a conditional UPDATE (no flush hook sees it): the write names
    its chapter, so the next request loads the identity afresh instead of the one kept
    without a token."""
    login_as(client, people.member)
    assert client.get("/").status_code == 200
    with app.app_context():
        calendar_feeds.ensure_member_token(db.session.get(Member, people.member.member_id))
        db.session.commit()
    status, seen = statements_of(app, client, "/")
    assert status == 200
    assert "FROM chapters" in seen[0]
    assert "FROM users" in seen[1]


def test_a_bulk_write_of_an_identity_table_must_name_its_chapters(
    app: Flask, people: People
) -> None:
    with app.app_context():
        with pytest.raises(RuntimeError, match="must name the chapters"):
            db.session.execute(
                db.update(Member)
                .where(Member.id == people.member.member_id)
                .values(phone="+44 20 7946 0000")
            )
        db.session.rollback()
        db.session.execute(  # named: allowed
            db.update(Member)
            .where(Member.id == people.member.member_id)
            .values(phone="+44 20 7946 0000")
            .execution_options(**{page_cache.TOUCHED: True})
        )
        db.session.rollback()


def test_keeping_can_be_turned_off(app: Flask, client: FlaskClient, people: People) -> None:
    app.config["LOGIN_KEPT_SECONDS"] = 0
    try:
        login_as(client, people.member)
        client.get("/leaderboard/")
        _, again = statements_of(app, client, "/leaderboard/")
        assert "FROM users" in again[0]
    finally:
        app.config["LOGIN_KEPT_SECONDS"] = 60


def test_what_a_request_edits_in_place_is_not_kept(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """The rows rebuilt from a kept identity are persistent and clean, and each request gets
    its own copy of a JSON value: an edit in place that is never committed is not kept."""
    with app.app_context():
        db.session.get(Chapter, people.member.chapter_id).scoring = {"preset": "standard"}
        db.session.commit()
    login_as(client, people.member)
    client.get("/")
    for _ in range(2):
        with app.test_request_context():
            user = load_user(str(people.member.user_id))
            assert user is not None
            assert user.member is not None
            assert not db.session.new
            assert not db.session.dirty
            assert user.member.chapter.scoring == {"preset": "standard"}
            user.member.chapter.scoring["edited"] = True  # in place, then rolled back
            db.session.rollback()
