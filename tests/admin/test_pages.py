"""Admin blueprint: first-run set-up, the platform admin's chapters, and the ``chapter`` CLI."""

from __future__ import annotations

import re
import warnings
from datetime import time

import argon2
import pytest
from flask import Flask
from flask.testing import FlaskClient

from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.members.models import Member
from chapter.members.roles import MemberStatus, Position
from chapter.platform.audit_models import AuditEvent
from tests.conftest import People, login_as
from tests.support import factories
from tests.support.access import (
    ADMIN,
    ANONYMOUS,
    FORBIDDEN,
    LEADER,
    MEMBER,
    NOT_FOUND,
    OTHER_LEADER,
    TO_LOGIN,
    assert_answer,
    log_in_as,
    matrix,
)
from tests.support.pages import field_errors, text, user_count

EVERYONE_404 = dict.fromkeys((ANONYMOUS, MEMBER, LEADER, OTHER_LEADER, ADMIN), NOT_FOUND)

# method, path, form data, {person: (status, what they see)}; {home} is the home chapter.
ROUTES = [
    ("GET", "/setup", None, EVERYONE_404),
    ("POST", "/setup", {"name": "Sneaky Chapter"}, EVERYONE_404),
    (
        "GET",
        "/admin/chapters",
        None,
        {
            ANONYMOUS: TO_LOGIN,
            MEMBER: FORBIDDEN,
            LEADER: FORBIDDEN,
            OTHER_LEADER: FORBIDDEN,
            ADMIN: (200, "Home Chapter"),
        },
    ),
    (
        "GET",
        "/admin/chapters/new",
        None,
        {
            ANONYMOUS: TO_LOGIN,
            MEMBER: FORBIDDEN,
            LEADER: FORBIDDEN,
            OTHER_LEADER: FORBIDDEN,
            ADMIN: (200, "Create a chapter"),
        },
    ),
    (
        "POST",
        "/admin/chapters/new",
        {"name": ""},
        {
            ANONYMOUS: TO_LOGIN,
            MEMBER: FORBIDDEN,
            LEADER: FORBIDDEN,
            OTHER_LEADER: FORBIDDEN,
            ADMIN: (422, "This field is required."),
        },
    ),
    (
        "GET",
        "/admin/chapters/{home}",
        None,
        {
            ANONYMOUS: TO_LOGIN,
            MEMBER: FORBIDDEN,
            LEADER: FORBIDDEN,
            OTHER_LEADER: FORBIDDEN,
            ADMIN: (200, "(leader@home.example)"),
        },
    ),
]
MATRIX = matrix(ROUTES)


@pytest.mark.parametrize(("method", "path", "data", "who", "status", "seen"), MATRIX)
def test_access_matrix_of_admin_pages(
    app: Flask,
    client: FlaskClient,
    people: People,
    method: str,
    path: str,
    data: dict[str, str] | None,
    who: str,
    status: int,
    seen: str,
) -> None:
    log_in_as(client, people, who)
    before = chapter_names(app)
    response = client.open(path.format(home=people.leader.chapter_id), method=method, data=data)
    assert_answer(response, status, seen)
    assert chapter_names(app) == before


# --- helpers -------------------------------------------------------------------------------


def chapter_names(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(Chapter.name).order_by(Chapter.name)))


def chapter_form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Riverside Chapter",
        "meeting_weekday": "3",
        "meeting_time": "18:30",
        "timezone": "America/New_York",
        "location": "Public library, room 2",
        "currency": "eur",
        "first_name": "Pat",
        "last_name": "President",
        "email": "Pat@President.example",
        "business_name": "President Print",
        "classification": "Printer",
    }
    data.update(overrides)
    return data


def setup_form(**overrides: str) -> dict[str, str]:
    data = chapter_form(password="first leader secret", confirm="first leader secret")
    data.update(overrides)
    return data


# --- first-run set-up ----------------------------------------------------------------------


def test_setup_on_an_empty_platform_creates_the_chapter_and_logs_the_leader_in(
    app: Flask, client: FlaskClient
) -> None:
    page = client.get("/setup")
    assert page.status_code == 200
    assert "Welcome! Set up your chapter" in text(page)
    response = client.post("/setup", data=setup_form())
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == "/members/admin"
    admin = client.get("/members/admin")  # logged in, as the chapter's leader
    assert admin.status_code == 200
    assert "Riverside Chapter is ready. Add your members next." in text(admin)
    assert "Pat President" in text(admin)
    with app.app_context():
        chapter = db.session.scalar(db.select(Chapter))
        assert chapter.name == "Riverside Chapter"
        assert chapter.meeting_weekday == 3
        assert chapter.meeting_time == time(18, 30)
        assert chapter.timezone == "America/New_York"
        assert chapter.location == "Public library, room 2"
        assert chapter.currency == "EUR"
        user = db.session.scalar(db.select(User))
        assert user.email == "pat@president.example"
        assert user.is_platform_admin
        argon2.PasswordHasher().verify(user.password_hash, "first leader secret")
        assert user.member.chapter_id == chapter.id
        assert user.member.position is Position.PRESIDENT
        assert user.member.classification == "Printer"
        actions = set(db.session.scalars(db.select(AuditEvent.action)))
        assert {"chapter.created", "member.added", "user.platform_admin"} <= actions
    assert "Platform admin" in text(client.get("/"))
    assert client.get("/setup").status_code == 404  # only once


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("confirm", {"confirm": "something else"}, "The passwords do not match."),
        (
            "password",
            {"password": "short", "confirm": "short"},
            "Field must be between 10 and 200 characters long.",
        ),
        ("email", {"email": "not an address"}, "Invalid email address."),
        ("currency", {"currency": "EURO"}, "Three letters, e.g. USD."),
        ("name", {"name": ""}, "This field is required."),
    ],
)
def test_setup_with_bad_input_is_refused_and_writes_nothing(
    app: Flask, client: FlaskClient, field: str, overrides: dict[str, str], message: str
) -> None:
    response = client.post("/setup", data=setup_form(**overrides))
    assert response.status_code == 422
    assert message in field_errors(response, field)
    assert chapter_names(app) == []
    assert user_count(app) == 0
    assert client.get("/setup").status_code == 200  # still open


def test_setup_is_gone_once_the_platform_has_accounts(
    app: Flask, client: FlaskClient, people: People
) -> None:
    before = user_count(app)
    response = client.post("/setup", data=setup_form())
    assert response.status_code == 404
    assert "Page not found" in text(response)
    assert user_count(app) == before
    assert "Riverside Chapter" not in chapter_names(app)


# --- platform admin: chapters ----------------------------------------------------------------


def chapter_row(response, name: str) -> list[int]:
    """The member counts (active, all) in the chapters table row of ``name``."""
    page = text(response)
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    (row,) = [row for row in body.split("<tr>") if f">{name}</a>" in row]
    return [int(count) for count in re.findall(r"<td>(\d+)</td>", row)]


def test_chapters_list_shows_active_and_all_member_counts(
    app: Flask, client: FlaskClient, people: People
) -> None:
    with app.app_context():
        home = db.session.get(Chapter, people.leader.chapter_id)
        factories.MemberFactory(chapter=home, status=MemberStatus.ON_LEAVE)
        factories.MemberFactory(chapter=home, status=MemberStatus.LEFT)
        factories.ChapterFactory(name="Empty Chapter")
        db.session.commit()
    login_as(client, people.admin)
    response = client.get("/admin/chapters")
    assert chapter_row(response, "Home Chapter") == [2, 4]
    assert chapter_row(response, "Away Chapter") == [2, 2]
    assert chapter_row(response, "Empty Chapter") == [0, 0]
    page = text(response)
    assert page.index("Away Chapter") < page.index("Empty Chapter") < page.index("Home Chapter")


def test_chapter_page_shows_schedule_counts_and_leaders(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.admin)
    page = text(client.get(f"/admin/chapters/{people.leader.chapter_id}"))
    assert "Wednesdays at 07:00 (Europe/London)" in page
    assert "Active: 2 · On leave: 0 · Left: 0" in page
    assert ", President (leader@home.example)" in page
    assert client.get("/admin/chapters/999999").status_code == 404


def test_admin_creates_a_chapter_with_a_president_who_is_invited(
    app: Flask, client: FlaskClient, people: People, outbox
) -> None:
    login_as(client, people.admin)
    response = client.post("/admin/chapters/new", data=chapter_form())
    assert response.status_code == 302, text(response)
    with app.app_context():
        chapter = db.session.scalar(db.select(Chapter).where(Chapter.name == "Riverside Chapter"))
        assert response.headers["Location"] == f"/admin/chapters/{chapter.id}"
        assert (chapter.meeting_weekday, chapter.meeting_time) == (3, time(18, 30))
        assert chapter.timezone == "America/New_York"
        assert chapter.currency == "EUR"
        assert not chapter.is_demo
        leader = db.session.scalar(db.select(Member).where(Member.chapter_id == chapter.id))
        assert leader.position is Position.PRESIDENT
        assert leader.user.email == "pat@president.example"
        assert leader.user.password_hash is None
        assert not leader.user.is_platform_admin
        created = db.session.scalar(
            db.select(AuditEvent).where(
                AuditEvent.action == "chapter.created", AuditEvent.subject_id == chapter.id
            )
        )
        assert created.actor_id == people.admin.user_id
    page = text(client.get(response.headers["Location"]))
    assert "Created Riverside Chapter; Pat President was invited by e-mail." in page
    assert "Pat President, President (pat@president.example), invited" in page
    assert [message.recipients for message in outbox] == [["pat@president.example"]]
    assert outbox[0].subject == "You lead Riverside Chapter on the chapter platform"
    link = re.search(r"http://localhost(/invitation/\S+)", outbox[0].body).group(1)
    client.post("/logout")
    assert "Welcome, Pat" in text(client.get(link))
    assert chapter_row(admin_chapters(client, people), "Riverside Chapter") == [1, 1]


def admin_chapters(client: FlaskClient, people: People):
    login_as(client, people.admin)
    return client.get("/admin/chapters")


@pytest.mark.parametrize("name", ["Home Chapter", " home chapter ", "HOME CHAPTER"])
def test_duplicate_chapter_name_is_refused(
    app: Flask, client: FlaskClient, people: People, outbox, name: str
) -> None:
    users = user_count(app)
    login_as(client, people.admin)
    response = client.post("/admin/chapters/new", data=chapter_form(name=name))
    assert response.status_code == 422
    assert field_errors(response, "name") == ["A chapter with this name already exists."]
    assert chapter_names(app) == ["Away Chapter", "Home Chapter"]
    assert user_count(app) == users
    assert outbox == []


def test_new_chapter_with_a_taken_leader_email_writes_nothing(
    app: Flask, client: FlaskClient, people: People, outbox
) -> None:
    users = user_count(app)
    login_as(client, people.admin)
    response = client.post("/admin/chapters/new", data=chapter_form(email="MEMBER@home.example"))
    assert response.status_code == 422
    assert field_errors(response, "email") == ["Another account already uses this e-mail address."]
    assert chapter_names(app) == ["Away Chapter", "Home Chapter"]  # the chapter is rolled back
    assert user_count(app) == users
    assert outbox == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("currency", "EURO", "Three letters, e.g. USD."),
        ("timezone", "Mars/Olympus_Mons", "Not a valid choice."),
        ("meeting_weekday", "9", "Not a valid choice."),
        ("meeting_time", "", "This field is required."),
        ("first_name", "F" * 81, "Field cannot be longer than 80 characters."),
        ("classification", "", "This field is required."),
    ],
)
def test_new_chapter_with_bad_input_is_refused_at_the_field(
    app: Flask, client: FlaskClient, people: People, field: str, value: str, message: str
) -> None:
    login_as(client, people.admin)
    response = client.post("/admin/chapters/new", data=chapter_form(**{field: value}))
    assert response.status_code == 422
    assert message in field_errors(response, field)
    assert chapter_names(app) == ["Away Chapter", "Home Chapter"]


def test_chapter_forms_use_no_deprecated_wtforms_choices(
    client: FlaskClient, people: People
) -> None:
    login_as(client, people.admin)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        response = client.get("/admin/chapters/new")
    assert response.status_code == 200
    assert "Meeting day" in text(response)


# --- the ``chapter`` command line ------------------------------------------------------------


def cli_create(app: Flask, **options: str):
    args = {
        "name": "CLI Chapter",
        "weekday": "tuesday",
        "time": "07:30",
        "timezone": "Europe/Berlin",
        "leader-email": "Cli@Leader.example",
        "leader-first-name": "Cleo",
        "leader-last-name": "Commandline",
        "leader-business": "Shell Scripts GmbH",
        "leader-classification": "Programmer",
    }
    args.update(options)
    flat = [part for key, value in args.items() for part in (f"--{key}", value)]
    return app.test_cli_runner().invoke(args=["chapter", "create", *flat])


def test_cli_creates_a_chapter_with_its_president(app: Flask, clean_db: None) -> None:
    result = cli_create(app)
    assert result.exit_code == 0, result.output
    assert "Created chapter" in result.output
    assert "'CLI Chapter'; leader cli@leader.example invitation path /invitation/" in result.output
    with app.app_context():
        chapter = db.session.scalar(db.select(Chapter))
        assert chapter.name == "CLI Chapter"
        assert (chapter.meeting_weekday, chapter.meeting_time) == (1, time(7, 30))
        assert chapter.timezone == "Europe/Berlin"
        leader = db.session.scalar(db.select(Member))
        assert leader.position is Position.PRESIDENT
        assert leader.user.email == "cli@leader.example"
        assert leader.user.password_hash is None


def test_cli_leader_password_lets_the_leader_log_in(
    app: Flask, client: FlaskClient, clean_db: None
) -> None:
    result = cli_create(app, **{"leader-password": "cli leader secret"})
    assert result.exit_code == 0, result.output
    assert "with the given password" in result.output
    response = client.post(
        "/login", data={"email": "cli@leader.example", "password": "cli leader secret"}
    )
    assert response.status_code == 302
    assert "CLI Chapter" in text(client.get("/"))


def test_cli_refuses_a_duplicate_leader_email(app: Flask, clean_db: None) -> None:
    assert cli_create(app).exit_code == 0
    result = cli_create(app, name="Second Chapter", **{"leader-email": "CLI@leader.EXAMPLE"})
    assert result.exit_code != 0
    assert "Error: Another account already uses this e-mail address." in result.output
    assert chapter_names(app) == ["CLI Chapter"]


def test_cli_refuses_a_duplicate_chapter_name(app: Flask, clean_db: None) -> None:
    assert cli_create(app).exit_code == 0
    result = cli_create(app, name="cli chapter", **{"leader-email": "other@leader.example"})
    assert result.exit_code != 0
    assert "A chapter with this name already exists." in result.output
    assert user_count(app) == 1


def test_cli_refuses_an_unknown_time_zone(app: Flask, clean_db: None) -> None:
    result = cli_create(app, timezone="Mars/Olympus_Mons")
    assert result.exit_code != 0
    assert "unknown time zone 'Mars/Olympus_Mons'" in result.output
    assert chapter_names(app) == []


def test_cli_demo_loads_a_demo_chapter_into_an_empty_database(
    app: Flask, client: FlaskClient, clean_db: None
) -> None:
    result = app.test_cli_runner().invoke(args=["chapter", "demo", "--if-empty"])
    assert result.exit_code == 0, result.output
    assert "Loaded the DEMO chapter" in result.output
    assert "leader: leader@demo.example / demo-chapter-2026" in result.output
    assert "member: member@demo.example / demo-chapter-2026" in result.output
    assert "platform admin: admin@demo.example / demo-chapter-2026" in result.output
    with app.app_context():
        chapter = db.session.scalar(db.select(Chapter))
        assert chapter.is_demo
        statuses = list(
            db.session.scalars(db.select(Member.status).where(Member.chapter_id == chapter.id))
        )
        assert len(statuses) == 25
        assert statuses.count(MemberStatus.ON_LEAVE) == 1
    login = client.post(
        "/login", data={"email": "leader@demo.example", "password": "demo-chapter-2026"}
    )
    assert login.status_code == 302
    dashboard = text(client.get("/"))
    assert "Demo chapter." in dashboard
    assert "Member admin" in dashboard
    again = app.test_cli_runner().invoke(args=["chapter", "demo", "--if-empty"])
    assert again.exit_code == 0
    assert "The DEMO chapter is already loaded." in again.output
    assert "leader: leader@demo.example / demo-chapter-2026" in again.output
    assert chapter_names(app) == ["Demo Chapter (sample data)"]


def test_cli_demo_is_not_loaded_next_to_real_accounts(app: Flask, people: People) -> None:
    polite = app.test_cli_runner().invoke(args=["chapter", "demo", "--if-empty"])
    assert polite.exit_code == 0
    assert "The database has accounts already; no demo loaded." in polite.output
    refused = app.test_cli_runner().invoke(args=["chapter", "demo"])
    assert refused.exit_code != 0
    assert "the database already has accounts; demo not loaded" in refused.output
    assert chapter_names(app) == ["Away Chapter", "Home Chapter"]


def test_cli_make_admin_promotes_an_account(app: Flask, people: People) -> None:
    result = app.test_cli_runner().invoke(args=["chapter", "make-admin", "Member@Home.example"])
    assert result.exit_code == 0, result.output
    assert "member@home.example is now a platform admin" in result.output
    with app.app_context():
        assert db.session.get(User, people.member.user_id).is_platform_admin
    unknown = app.test_cli_runner().invoke(args=["chapter", "make-admin", "nobody@x.example"])
    assert unknown.exit_code != 0
    assert "no account with e-mail nobody@x.example" in unknown.output
