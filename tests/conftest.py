"""Fixtures shared by the service, web and browser tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time

import flask_migrate
import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text, update

from chapter import create_app
from chapter.auth.session import forget_kept
from chapter.extensions import cache, db, limiter, mail
from chapter.members.models import Member
from chapter.members.roles import Position
from chapter.platform import page_cache
from tests.support import clock as test_clock
from tests.support import factories
from tests.support.databases import fresh_database


@pytest.fixture(scope="session", autouse=True)
def clock() -> Iterator[object]:
    """The suite's one clock: the machine's, or CHAPTER_TEST_NOW for the whole process (the app
    and its server threads included), ticking from there. Tests read it via tests.support.clock."""
    target = test_clock.travel_target()
    if target is None:
        yield test_clock
        return
    with time_machine.travel(target, tick=True):
        yield test_clock


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with fresh_database(tmp_path_factory.mktemp("db"), "test") as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with app.app_context():
            flask_migrate.upgrade()  # the schema under test is the migrated one
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def clean_db(app: Flask) -> None:
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            names = ", ".join(table.name for table in db.metadata.sorted_tables)
            db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            # Every row goes (the kept identities too, below): no chapter to name.
            emptying = {page_cache.TOUCHED: True}
            db.session.execute(  # self-reference
                update(Member).values(sponsor_id=None).execution_options(**emptying)
            )
            for table in reversed(db.metadata.sorted_tables):
                db.session.execute(table.delete().execution_options(**emptying))
        db.session.commit()
    with app.app_context():
        limiter.reset()
        cache.clear()  # the page cache: ids start again at 1 in the emptied tables
    forget_kept(app)  # so do the identities the log-in check keeps


@pytest.fixture
def in_app(app: Flask, clean_db: None) -> Iterator[object]:
    """Service tests run inside an app context; web tests never hold one around requests."""
    with app.app_context():
        yield db.session
        db.session.rollback()


@pytest.fixture
def client(app: Flask, clean_db: None) -> FlaskClient:
    return app.test_client()


@dataclass(frozen=True)
class Person:
    user_id: int
    email: str
    member_id: int | None = None
    chapter_id: int | None = None


@dataclass(frozen=True)
class People:
    member: Person
    leader: Person
    other_leader: Person
    admin: Person
    other_member: Person


@pytest.fixture
def people(app: Flask, clean_db: None) -> People:
    """Two chapters: a member and a leader in the first, a leader and member in the second,
    and a platform admin who belongs to no chapter. Password: factories.PASSWORD."""
    with app.app_context():
        home = factories.ChapterFactory(
            name="Home Chapter",
            meeting_weekday=2,
            meeting_time=time(7, 0),
            timezone="Europe/London",
        )
        away = factories.ChapterFactory(name="Away Chapter")
        leader = factories.MemberFactory(
            chapter=home, position=Position.PRESIDENT, user__email="leader@home.example"
        )
        member = factories.MemberFactory(
            chapter=home, user__email="member@home.example", sponsor=leader
        )
        other_leader = factories.MemberFactory(
            chapter=away, position=Position.PRESIDENT, user__email="leader@away.example"
        )
        other_member = factories.MemberFactory(chapter=away, user__email="member@away.example")
        admin = factories.UserFactory(email="admin@platform.example", is_platform_admin=True)
        db.session.commit()

        def person(m: object) -> Person:
            return Person(m.user_id, m.user.email, m.id, m.chapter_id)  # type: ignore[attr-defined]

        return People(
            member=person(member),
            leader=person(leader),
            other_leader=person(other_leader),
            admin=Person(admin.id, admin.email),
            other_member=person(other_member),
        )


def login_as(client: FlaskClient, person: Person) -> None:
    """Log ``person`` in by writing Flask-Login's session keys (test_auth uses the real form)."""
    with client.session_transaction() as session:
        session["_user_id"] = str(person.user_id)
        session["_fresh"] = True


@pytest.fixture
def outbox(app: Flask) -> Iterator[list]:
    """Messages sent (or, without MAIL_SERVER, logged) during the test."""
    with mail.record_messages() as messages:
        yield messages


@contextmanager
def count_queries(app: Flask, cold: bool = True) -> Iterator[list[str]]:
    """Record the SQL statements run while the block executes. The log-in check starts cold
    (one statement, whatever the requests before kept) unless ``cold`` is False: the tests of
    the kept identity (tests/auth/test_kept_identity.py) count what a warm worker runs."""
    statements: list[str] = []
    if cold:
        forget_kept(app)

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def csrf_app(app: Flask) -> Iterator[Flask]:
    """The application on the test database, with CSRF protection turned back on."""
    protected = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        WTF_CSRF_ENABLED=True,
    )
    yield protected
    with protected.app_context():
        db.session.remove()
        db.engine.dispose()
