"""Members blueprint: directory, profiles, my profile, and the leader's member admin."""

from __future__ import annotations

import re
import warnings
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func

from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.members.models import Member
from chapter.members.roles import MemberStatus, Position
from chapter.platform.audit_models import AuditEvent
from tests.conftest import People, count_queries, login_as
from tests.support import clock, factories
from tests.support.access import (
    assert_answer,
    chapter_page,
    leader_only,
    log_in_as,
    matrix,
    members_too,
)
from tests.support.pages import field_errors, html_of, log_in, text
from tests.support.referral_helpers import TestimonialFactory

EDITED_MEMBER = {
    "first_name": "Mara",
    "last_name": "Matrix",
    "email": "member@home.example",
    "business_name": "Matrix Ltd",
    "classification": "Matrix maker",
    "joined_on": "2024-01-15",
    "sponsor_id": "",
}

# method, path, form data, {person: (status, what they see: page text, or where a 302 goes)}.
# {target} is the home chapter's member, {self} the person's own membership.
ROUTES = [
    (
        "GET",
        "/members/",
        None,
        chapter_page(
            (200, "leader@home.example"), (200, "member@home.example"), (200, "member@away.example")
        ),
    ),
    (
        "GET",
        "/members/{target}",
        None,
        chapter_page((200, "Edit my profile"), (200, "Leader actions")),
    ),
    (
        "GET",
        "/members/me/edit",
        None,
        members_too((200, "Edit my profile"), (200, "Edit my profile")),
    ),
    (
        "POST",
        "/members/me/edit",
        {"business_name": "Matrix Ltd"},
        members_too((302, "/members/{self}"), (302, "/members/{self}")),
    ),
    (
        "GET",
        "/members/admin",
        None,
        leader_only((200, "Active (2)"), (200, "Active (2)")),
    ),
    (
        "GET",
        "/members/new",
        None,
        leader_only((200, "Add a member"), (200, "Add a member")),
    ),
    (
        "POST",
        "/members/new",
        {"first_name": ""},
        leader_only((422, "This field is required."), (422, "This field is required.")),
    ),
    (
        "GET",
        "/members/{target}/edit",
        None,
        leader_only((200, "Save member")),
    ),
    (
        "POST",
        "/members/{target}/edit",
        EDITED_MEMBER,
        leader_only((302, "/members/{target}")),
    ),
    (
        "POST",
        "/members/{target}/leave",
        None,
        leader_only((302, "/members/{target}")),
    ),
    (
        "POST",
        "/members/{target}/left",
        None,
        leader_only((302, "/members/{target}")),
    ),
    (
        "POST",
        "/members/{target}/reactivate",
        None,
        leader_only((422, "is already active")),
    ),
    (
        "GET",
        "/members/{target}/position",
        None,
        leader_only((200, "Leadership position of")),
    ),
    (
        "POST",
        "/members/{target}/position",
        {"position": "vice_president"},
        leader_only((302, "/members/{target}")),
    ),
    (
        "POST",
        "/members/{target}/invite",
        None,
        leader_only((422, "already has a password")),
    ),
]
MATRIX = matrix(ROUTES)


@pytest.mark.parametrize(("method", "path", "data", "who", "status", "seen"), MATRIX)
def test_access_matrix_of_member_pages(
    client: FlaskClient,
    people: People,
    method: str,
    path: str,
    data: dict[str, str] | None,
    who: str,
    status: int,
    seen: str,
) -> None:
    person = log_in_as(client, people, who)
    ids = {
        "target": people.member.member_id,
        "self": person.member_id if person is not None else None,
    }
    response = client.open(path.format(**ids), method=method, data=data)
    assert_answer(response, status, seen.format(**ids), page=html_of)


# --- helpers -------------------------------------------------------------------------------


def new_member_form(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Nora",
        "last_name": "Newcomer",
        "email": "nora@newcomer.example",
        "business_name": "Newcomer Bakery",
        "classification": "Baker",
        "phone": "+44 20 7946 0000",
        "website": "https://newcomer.example",
        "joined_on": "2026-11-01",
        "renewal_on": "2027-11-01",
        "sponsor_id": "",
        "offer": "Bread and cakes for offices.",
        "ask": "Office managers who order catering.",
    }
    data.update(overrides)
    return data


def counts(app: Flask) -> tuple[int, int, int]:
    """How many users, members and audit events are stored."""
    with app.app_context():
        return (
            db.session.scalar(db.select(func.count()).select_from(User)),
            db.session.scalar(db.select(func.count()).select_from(Member)),
            db.session.scalar(db.select(func.count()).select_from(AuditEvent)),
        )


def stored_member(app: Flask, member_id: int) -> dict[str, object]:
    with app.app_context():
        member = db.session.get(Member, member_id)
        return {
            "status": member.status,
            "left_on": member.left_on,
            "position": member.position,
            "classification": member.classification,
            "business_name": member.business_name,
            "phone": member.phone,
            "website": member.website,
            "offer": member.offer,
            "ask": member.ask,
            "first_name": member.user.first_name,
            "last_name": member.user.last_name,
            "email": member.user.email,
            "sponsor_id": member.sponsor_id,
            "renewal_on": member.renewal_on,
        }


def add_home_member(app: Flask, people: People, **fields: object) -> int:
    """A member of the home chapter, made with the factory; returns their member id."""
    with app.app_context():
        home = db.session.get(Chapter, people.leader.chapter_id)
        member = factories.MemberFactory(chapter=home, **fields)
        db.session.commit()
        return member.id


def chapter_today() -> set[date]:
    """The home chapter's date now (Europe/London); both sides of a midnight are accepted."""
    now = clock.now()
    zone = ZoneInfo("Europe/London")
    return {now.astimezone(zone).date(), (now + timedelta(minutes=1)).astimezone(zone).date()}


def table_rows(response) -> list[str]:
    page = text(response)
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    return body.split("<tr>")[1:]


# --- adding and editing members -----------------------------------------------------------


def test_leader_adds_a_member_with_normalised_email_and_an_audit_event(
    app: Flask, client: FlaskClient, people: People, outbox
) -> None:
    login_as(client, people.leader)
    response = client.post(
        "/members/new",
        data=new_member_form(
            email="Nora@NewComer.Example",
            first_name=" Nora ",
            classification="  Baker ",
            sponsor_id=str(people.member.member_id),
        ),
    )
    assert response.status_code == 302, text(response)
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == "nora@newcomer.example"))
        assert user is not None
        member = user.member
        assert response.headers["Location"] == f"/members/{member.id}"
        assert (user.first_name, user.last_name) == ("Nora", "Newcomer")
        assert user.password_hash is None  # set later, through the invitation
        assert member.chapter_id == people.leader.chapter_id
        assert member.business_name == "Newcomer Bakery"
        assert member.classification == "Baker"
        assert member.classification_key == "baker"
        assert member.phone == "+44 20 7946 0000"
        assert member.website == "https://newcomer.example"
        assert member.joined_on == date(2026, 11, 1)
        assert member.renewal_on == date(2027, 11, 1)
        assert member.sponsor_id == people.member.member_id
        assert member.offer == "Bread and cakes for offices."
        assert member.ask == "Office managers who order catering."
        assert member.status is MemberStatus.ACTIVE
        assert member.position is None
        event = db.session.scalar(
            db.select(AuditEvent).where(
                AuditEvent.action == "member.added", AuditEvent.subject_id == member.id
            )
        )
        assert event is not None
        assert event.subject_type == "Member"
        assert event.actor_id == people.leader.user_id
        assert event.chapter_id == people.leader.chapter_id
        assert event.after["email"] == "nora@newcomer.example"
        assert event.after["classification"] == "Baker"
    assert outbox == []  # no invitation was asked for
    page = text(client.get(response.headers["Location"]))
    assert "Added Nora Newcomer." in page
    assert "Newcomer Bakery" in page


def test_adding_a_member_with_an_invitation_emails_them(
    client: FlaskClient, people: People, outbox
) -> None:
    login_as(client, people.leader)
    response = client.post("/members/new", data=new_member_form(send_invitation="y"))
    assert response.status_code == 302
    assert [message.recipients for message in outbox] == [["nora@newcomer.example"]]
    assert "/invitation/" in outbox[0].body
    assert "e-mailed an invitation" in text(client.get(response.headers["Location"]))


def test_new_member_form_starts_with_today_as_joining_date(
    client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    page = text(client.get("/members/new"))
    assert any(f'value="{day.isoformat()}"' in page for day in chapter_today())


def test_leader_edits_a_member_and_the_change_is_audited(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    response = client.post(
        f"/members/{people.member.member_id}/edit",
        data=new_member_form(
            first_name="Marta",
            last_name="Edited",
            email="MARTA@Edited.example",
            classification="Florist",
            renewal_on="2027-03-01",
            sponsor_id=str(people.leader.member_id),
        ),
    )
    assert response.status_code == 302, text(response)
    stored = stored_member(app, people.member.member_id)
    assert stored["first_name"] == "Marta"
    assert stored["last_name"] == "Edited"
    assert stored["email"] == "marta@edited.example"
    assert stored["classification"] == "Florist"
    assert stored["renewal_on"] == date(2027, 3, 1)
    assert stored["sponsor_id"] == people.leader.member_id
    with app.app_context():
        event = db.session.scalar(
            db.select(AuditEvent).where(
                AuditEvent.action == "member.updated",
                AuditEvent.subject_id == people.member.member_id,
            )
        )
        assert event.actor_id == people.leader.user_id
        assert event.before["email"] == "member@home.example"
        assert event.after["email"] == "marta@edited.example"
    assert "Saved Marta Edited." in text(client.get(response.headers["Location"]))


def test_edit_form_shows_the_members_current_details(client: FlaskClient, people: People) -> None:
    login_as(client, people.leader)
    page = text(client.get(f"/members/{people.member.member_id}/edit"))
    assert 'value="member@home.example"' in page
    selected = re.findall(r'<option(?=[^>]*\bselected\b)[^>]*value="(\d+)"', page)
    assert selected == [str(people.leader.member_id)]  # the sponsor


@pytest.mark.parametrize("classification", ["plumber ", "PLUMBER", "  Plumber", "Plumber"])
def test_duplicate_classification_is_refused_naming_the_holder(
    app: Flask, client: FlaskClient, people: People, classification: str
) -> None:
    add_home_member(
        app,
        people,
        classification="Plumber",
        business_name="Pipes & Co",
        user__first_name="Paula",
        user__last_name="Piper",
    )
    before = counts(app)
    login_as(client, people.leader)
    response = client.post("/members/new", data=new_member_form(classification=classification))
    assert response.status_code == 422
    assert field_errors(response, "classification") == [
        "Paula Piper (Pipes & Co) already holds the classification “Plumber” in this chapter."
    ]
    assert counts(app) == before


def test_same_classification_is_allowed_in_another_chapter(
    app: Flask, client: FlaskClient, people: People
) -> None:
    with app.app_context():
        classification = db.session.get(Member, people.other_member.member_id).classification
    login_as(client, people.leader)
    response = client.post(
        "/members/new", data=new_member_form(classification=classification.upper())
    )
    assert response.status_code == 302, text(response)


def test_editing_into_a_taken_classification_is_refused(
    app: Flask, client: FlaskClient, people: People
) -> None:
    add_home_member(
        app, people, classification="Plumber", user__first_name="Paula", user__last_name="Piper"
    )
    before = stored_member(app, people.member.member_id)
    login_as(client, people.leader)
    response = client.post(
        f"/members/{people.member.member_id}/edit",
        data=new_member_form(email="member@home.example", classification="plumber"),
    )
    assert response.status_code == 422
    assert "Paula Piper" in field_errors(response, "classification")[0]
    assert stored_member(app, people.member.member_id) == before


@pytest.mark.parametrize("email", ["LEADER@away.example", "Member@Home.Example"])
def test_an_email_already_in_use_is_refused_whatever_its_case(
    app: Flask, client: FlaskClient, people: People, email: str
) -> None:
    before = counts(app)
    login_as(client, people.leader)
    response = client.post("/members/new", data=new_member_form(email=email))
    assert response.status_code == 422
    assert field_errors(response, "email") == ["Another account already uses this e-mail address."]
    assert counts(app) == before


def test_editing_a_member_to_another_persons_email_is_refused(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    response = client.post(
        f"/members/{people.member.member_id}/edit",
        data=new_member_form(email="Leader@Home.example"),
    )
    assert response.status_code == 422
    assert field_errors(response, "email") == ["Another account already uses this e-mail address."]
    assert stored_member(app, people.member.member_id)["email"] == "member@home.example"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("first_name", "", "This field is required."),
        ("last_name", "   ", "This field is required."),
        ("email", "", "This field is required."),
        ("business_name", "", "This field is required."),
        ("classification", "", "This field is required."),
        ("first_name", "N" * 81, "Field cannot be longer than 80 characters."),
        ("last_name", "N" * 81, "Field cannot be longer than 80 characters."),
        ("classification", "C" * 81, "Field cannot be longer than 80 characters."),
        ("email", "not-an-address", "Invalid email address."),
        ("email", "nora@", "Invalid email address."),
        ("website", "newcomer.example", "Enter a full address."),
        ("joined_on", "1800-01-01", "Enter a date between 1950 and 2100."),
        ("joined_on", "2026-13-40", "Not a valid date value."),
        ("renewal_on", "2026-10-31", "The renewal date cannot be before the joining date."),
        ("renewal_on", "3000-01-01", "Enter a date between 1950 and 2100."),
    ],
)
def test_bad_input_is_refused_at_its_field_and_writes_nothing(
    app: Flask, client: FlaskClient, people: People, field: str, value: str, message: str
) -> None:
    before = counts(app)
    login_as(client, people.leader)
    response = client.post("/members/new", data=new_member_form(**{field: value}))
    assert response.status_code == 422
    assert message in field_errors(response, field)
    assert counts(app) == before


def test_bad_input_on_the_edit_form_changes_nothing(
    app: Flask, client: FlaskClient, people: People
) -> None:
    before = stored_member(app, people.member.member_id)
    login_as(client, people.leader)
    response = client.post(
        f"/members/{people.member.member_id}/edit",
        data=new_member_form(email="member@home.example", first_name="", last_name="L" * 81),
    )
    assert response.status_code == 422
    assert field_errors(response, "first_name") == ["This field is required."]
    assert field_errors(response, "last_name") == ["Field cannot be longer than 80 characters."]
    assert stored_member(app, people.member.member_id) == before


def test_sponsor_from_another_chapter_is_not_a_valid_choice(
    app: Flask, client: FlaskClient, people: People
) -> None:
    before = counts(app)
    login_as(client, people.leader)
    response = client.post(
        "/members/new", data=new_member_form(sponsor_id=str(people.other_member.member_id))
    )
    assert response.status_code == 422
    assert field_errors(response, "sponsor_id") == ["Not a valid choice."]
    assert counts(app) == before
    edit = client.post(
        f"/members/{people.member.member_id}/edit",
        data=new_member_form(
            email="member@home.example", sponsor_id=str(people.other_leader.member_id)
        ),
    )
    assert edit.status_code == 422
    assert field_errors(edit, "sponsor_id") == ["Not a valid choice."]
    assert stored_member(app, people.member.member_id)["sponsor_id"] == people.leader.member_id


def test_sponsor_choices_list_only_the_chapters_members(
    client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    page = text(client.get("/members/new"))
    options = re.findall(r'<option[^>]*value="(\d+)"', page)
    assert sorted(int(option) for option in options) == sorted(
        [people.leader.member_id, people.member.member_id]
    )


def test_a_member_cannot_be_their_own_sponsor(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    response = client.post(
        f"/members/{people.member.member_id}/edit",
        data=new_member_form(email="member@home.example", sponsor_id=str(people.member.member_id)),
    )
    assert response.status_code == 422
    assert field_errors(response, "sponsor_id") == ["Not a valid choice."]
    assert stored_member(app, people.member.member_id)["sponsor_id"] == people.leader.member_id


# --- status, leadership, invitations ------------------------------------------------------


def test_putting_a_member_on_leave_hides_them_from_the_directory(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    response = client.post(f"/members/{people.member.member_id}/leave")
    assert response.status_code == 302
    assert "is now on leave" in text(client.get(response.headers["Location"]))
    stored = stored_member(app, people.member.member_id)
    assert stored["status"] is MemberStatus.ON_LEAVE
    assert stored["left_on"] is None
    assert "member@home.example" not in text(client.get("/members/"))
    with app.app_context():
        assert db.session.scalar(
            db.select(AuditEvent.id).where(
                AuditEvent.action == "member.on_leave",
                AuditEvent.subject_id == people.member.member_id,
            )
        )


def test_marking_a_member_left_keeps_their_history_and_disables_log_in(
    app: Flask, client: FlaskClient, people: People
) -> None:
    with app.app_context():
        member = db.session.get(Member, people.member.member_id)
        member.position = Position.SECRETARY_TREASURER
        db.session.commit()
    login_as(client, people.leader)
    response = client.post(f"/members/{people.member.member_id}/left")
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "is marked as left; their history is kept" in page
    assert "Left on" in page
    stored = stored_member(app, people.member.member_id)
    assert stored["status"] is MemberStatus.LEFT
    assert stored["left_on"] in chapter_today()
    assert stored["position"] is None
    assert stored["email"] == "member@home.example"  # the row is kept
    with app.app_context():
        assert db.session.scalar(
            db.select(AuditEvent.id).where(
                AuditEvent.action == "member.left",
                AuditEvent.subject_id == people.member.member_id,
            )
        )
    client.post("/logout")
    refused = log_in(client, people.member.email)
    assert refused.status_code == 422
    assert "The e-mail or password is not right" in text(refused)


def test_reactivating_a_member_who_left_clears_left_on(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    client.post(f"/members/{people.member.member_id}/left")
    response = client.post(f"/members/{people.member.member_id}/reactivate")
    assert response.status_code == 302
    assert "is active again" in text(client.get(response.headers["Location"]))
    stored = stored_member(app, people.member.member_id)
    assert stored["status"] is MemberStatus.ACTIVE
    assert stored["left_on"] is None
    client.post("/logout")
    assert log_in(client, people.member.email).status_code == 302


def test_reactivation_is_refused_when_the_classification_was_taken_meanwhile(
    app: Flask, client: FlaskClient, people: People
) -> None:
    classification = stored_member(app, people.member.member_id)["classification"]
    login_as(client, people.leader)
    assert client.post(f"/members/{people.member.member_id}/leave").status_code == 302
    added = client.post(
        "/members/new",
        data=new_member_form(
            first_name="Rita",
            last_name="Replacement",
            business_name="Replacement Ltd",
            classification=f" {classification.lower()}",
        ),
    )
    assert added.status_code == 302, text(added)
    response = client.post(f"/members/{people.member.member_id}/reactivate")
    assert response.status_code == 422
    assert (
        "Rita Replacement (Replacement Ltd) already holds the classification "
        f"“{classification.lower()}”" in text(response)
    )
    assert stored_member(app, people.member.member_id)["status"] is MemberStatus.ON_LEAVE


def test_leader_cannot_mark_themself_left(app: Flask, client: FlaskClient, people: People) -> None:
    login_as(client, people.leader)
    response = client.post(f"/members/{people.leader.member_id}/left")
    assert response.status_code == 422
    assert "You cannot mark yourself as left; ask another leader." in text(response)
    stored = stored_member(app, people.leader.member_id)
    assert stored["status"] is MemberStatus.ACTIVE
    assert stored["position"] is Position.PRESIDENT


def test_assigning_a_position_makes_the_member_a_leader(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    response = client.post(
        f"/members/{people.member.member_id}/position", data={"position": "secretary_treasurer"}
    )
    assert response.status_code == 302
    page = text(client.get(response.headers["Location"]))
    assert "leadership position" in page
    assert "Secretary-Treasurer" in page
    assert stored_member(app, people.member.member_id)["position"] is Position.SECRETARY_TREASURER
    with app.app_context():
        assert db.session.scalar(
            db.select(AuditEvent.id).where(
                AuditEvent.action == "member.position",
                AuditEvent.subject_id == people.member.member_id,
            )
        )
    client.post("/logout")
    login_as(client, people.member)
    admin = client.get("/members/admin")
    assert admin.status_code == 200
    assert "Member admin" in text(admin)


def test_position_form_uses_no_deprecated_wtforms_choices(
    client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        response = client.get(f"/members/{people.member.member_id}/position")
    assert response.status_code == 200
    assert "Vice-President" in text(response)


def test_leader_cannot_remove_their_own_position(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    response = client.post(f"/members/{people.leader.member_id}/position", data={"position": ""})
    assert response.status_code == 422
    assert "You cannot remove your own leadership" in text(response)
    assert stored_member(app, people.leader.member_id)["position"] is Position.PRESIDENT


def test_invitation_is_emailed_to_a_member_without_a_password(
    app: Flask, client: FlaskClient, people: People, outbox
) -> None:
    member_id = add_home_member(
        app, people, user__email="ivy@invited.example", user__password_hash=None
    )
    login_as(client, people.leader)
    assert "E-mail an invitation" in text(client.get(f"/members/{member_id}"))
    response = client.post(f"/members/{member_id}/invite")
    assert response.status_code == 302
    assert "Invitation e-mailed to ivy@invited.example." in text(
        client.get(response.headers["Location"])
    )
    assert [message.recipients for message in outbox] == [["ivy@invited.example"]]
    assert "Your invitation to Home Chapter" in outbox[0].subject
    assert "/invitation/" in outbox[0].body


def test_invitation_is_refused_once_the_member_has_a_password(
    client: FlaskClient, people: People, outbox
) -> None:
    login_as(client, people.leader)
    response = client.post(f"/members/{people.member.member_id}/invite")
    assert response.status_code == 422
    assert "already has a password; they can use “Forgot password”." in text(response)
    assert outbox == []


def test_renewals_due_within_30_days_are_flagged_on_member_admin(
    app: Flask, client: FlaskClient, people: People
) -> None:
    today = clock.now().date()  # the route reads utcnow().date() too
    add_home_member(
        app,
        people,
        user__first_name="Dora",
        user__last_name="Due",
        renewal_on=today + timedelta(days=10),
    )
    add_home_member(
        app,
        people,
        user__first_name="Olga",
        user__last_name="Overdue",
        renewal_on=today - timedelta(days=3),
    )
    add_home_member(
        app,
        people,
        user__first_name="Lena",
        user__last_name="Later",
        renewal_on=today + timedelta(days=90),
    )
    add_home_member(
        app,
        people,
        user__first_name="Lars",
        user__last_name="Left",
        status=MemberStatus.LEFT,
        renewal_on=today + timedelta(days=5),
    )
    login_as(client, people.leader)
    rows = {
        name: row
        for row in table_rows(client.get("/members/admin"))
        for name in ("Dora Due", "Olga Overdue", "Lena Later", "Lars Left")
        if name in row
    }
    assert "Renewal due" in rows["Dora Due"]
    assert "Renewal due" in rows["Olga Overdue"]
    assert "Renewal due" not in rows["Lena Later"]
    assert "Renewal due" not in rows["Lars Left"]


def test_member_admin_filters_by_status(app: Flask, client: FlaskClient, people: People) -> None:
    add_home_member(
        app, people, user__first_name="Lars", user__last_name="Left", status=MemberStatus.LEFT
    )
    login_as(client, people.leader)
    page = text(client.get("/members/admin?status=left"))
    assert "Lars Left" in page
    assert "Left (1)" in page
    assert "member@home.example" not in page
    assert client.get("/members/admin?status=nonsense").status_code == 400


# --- directory and profiles ---------------------------------------------------------------


def test_directory_lists_only_active_members_of_the_own_chapter(
    app: Flask, client: FlaskClient, people: People
) -> None:
    add_home_member(app, people, user__email="leave@home.example", status=MemberStatus.ON_LEAVE)
    add_home_member(app, people, user__email="gone@home.example", status=MemberStatus.LEFT)
    login_as(client, people.member)
    page = text(client.get("/members/"))
    assert "member@home.example" in page
    assert "leader@home.example" in page
    assert "2 active members" in page
    for hidden in (
        "leave@home.example",
        "gone@home.example",
        "member@away.example",
        "leader@away.example",
    ):
        assert hidden not in page


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("okonkwo", "Ada Okonkwo"),
        ("Ada Okon", "Ada Okonkwo"),
        ("BAKERY", "Bruno Baker"),
        ("plumb", "Carla Pipes"),
    ],
)
def test_directory_search_finds_by_name_business_or_classification(
    app: Flask, client: FlaskClient, people: People, query: str, found: str
) -> None:
    add_home_member(
        app,
        people,
        user__first_name="Ada",
        user__last_name="Okonkwo",
        business_name="Okonkwo Law",
        classification="Lawyer",
    )
    add_home_member(
        app,
        people,
        user__first_name="Bruno",
        user__last_name="Baker",
        business_name="Sunrise Bakery",
        classification="Caterer",
    )
    add_home_member(
        app,
        people,
        user__first_name="Carla",
        user__last_name="Pipes",
        business_name="Flow Ltd",
        classification="Plumber",
    )
    with app.app_context():
        away = db.session.get(Chapter, people.other_leader.chapter_id)
        factories.MemberFactory(
            chapter=away,
            user__first_name="Zed",
            user__last_name="Okonkwo",
            business_name="Away Bakery and Plumbing",
        )
        db.session.commit()
    login_as(client, people.member)
    page = text(client.get("/members/", query_string={"q": query}))
    names = {"Ada Okonkwo", "Bruno Baker", "Carla Pipes", "Zed Okonkwo"}
    assert [name for name in sorted(names) if name in page] == [found]
    assert "1 active member matching" in page


def test_directory_search_without_a_match_says_so(client: FlaskClient, people: People) -> None:
    login_as(client, people.member)
    page = text(client.get("/members/?q=nobody-has-this"))
    assert "No active member matches “nobody-has-this”." in page


def test_directory_is_paginated_by_25(app: Flask, client: FlaskClient, people: People) -> None:
    with app.app_context():
        home = db.session.get(Chapter, people.leader.chapter_id)
        factories.MemberFactory.create_batch(30, chapter=home)
        db.session.commit()
    login_as(client, people.member)
    first = client.get("/members/")
    second = client.get("/members/?page=2")
    assert "32 active members" in text(first)
    assert len(table_rows(first)) == 25
    assert len(table_rows(second)) == 7
    assert 'href="/members/?page=2' in text(first)
    assert client.get("/members/?page=3").status_code == 404


def test_profile_page_shows_offer_ask_and_sponsor(
    app: Flask, client: FlaskClient, people: People
) -> None:
    with app.app_context():
        member = db.session.get(Member, people.member.member_id)
        member.offer = "Tax returns for small firms."
        member.ask = "Introductions to new restaurant owners."
        leader_name = db.session.get(Member, people.leader.member_id).full_name
        db.session.commit()
    login_as(client, people.leader)
    page = text(client.get(f"/members/{people.member.member_id}"))
    assert "Tax returns for small firms." in page
    assert "Introductions to new restaurant owners." in page
    assert f'href="/members/{people.leader.member_id}">{leader_name}</a>' in page


def test_member_does_not_see_leader_actions_on_a_profile(
    client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    page = text(client.get(f"/members/{people.leader.member_id}"))
    assert "leader@home.example" in page
    assert "Leader actions" not in page
    assert "Edit member" not in page


def test_member_saves_their_own_profile(app: Flask, client: FlaskClient, people: People) -> None:
    login_as(client, people.member)
    response = client.post(
        "/members/me/edit",
        data={
            "business_name": "  Renamed Ventures ",
            "phone": "+1 555 0199",
            "website": "https://renamed.example/",
            "offer": "Brand strategy.",
            "ask": "Founders about to launch.",
            "classification": "Sneaky change",  # not on this form: ignored
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/members/{people.member.member_id}"
    stored = stored_member(app, people.member.member_id)
    assert stored["business_name"] == "Renamed Ventures"
    assert stored["phone"] == "+1 555 0199"
    assert stored["website"] == "https://renamed.example/"
    assert stored["offer"] == "Brand strategy."
    assert stored["ask"] == "Founders about to launch."
    assert stored["classification"] != "Sneaky change"
    page = text(client.get(response.headers["Location"]))
    assert "Your profile is saved." in page
    assert "Founders about to launch." in page


def test_my_profile_rejects_a_malformed_website(
    app: Flask, client: FlaskClient, people: People
) -> None:
    before = stored_member(app, people.member.member_id)
    login_as(client, people.member)
    response = client.post(
        "/members/me/edit",
        data={"business_name": "Renamed Ventures", "website": "renamed dot example"},
    )
    assert response.status_code == 422
    assert field_errors(response, "website") == ["Enter a full address."]
    assert stored_member(app, people.member.member_id) == before


# --- query counts -------------------------------------------------------------------------


def queries_for(app: Flask, client: FlaskClient, path: str) -> int:
    with count_queries(app) as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("path", ["/members/", "/members/admin"])
def test_member_lists_run_the_same_number_of_queries_for_5_and_40_members(
    app: Flask, client: FlaskClient, people: People, path: str
) -> None:
    with app.app_context():
        home = db.session.get(Chapter, people.leader.chapter_id)
        sponsor = db.session.get(Member, people.leader.member_id)
        factories.MemberFactory.create_batch(3, chapter=home, sponsor=sponsor)
        db.session.commit()
    login_as(client, people.leader)
    client.get(path)  # warm up: the first request may open a connection
    with_5 = queries_for(app, client, path)
    with app.app_context():
        home = db.session.get(Chapter, people.leader.chapter_id)
        sponsor = db.session.get(Member, people.leader.member_id)
        factories.MemberFactory.create_batch(
            35,
            chapter=home,
            sponsor=sponsor,
            renewal_on=clock.now().date() + timedelta(days=5),
        )
        db.session.commit()
    with_40 = queries_for(app, client, path)
    assert with_40 == with_5


# --- published testimonials on the profile -------------------------------------------------


def add_testimonials(app: Flask, people: People, count: int, **fields: object) -> None:
    with app.app_context():
        for _ in range(count):
            TestimonialFactory(
                chapter_id=people.leader.chapter_id,
                giver_id=people.leader.member_id,
                receiver_id=people.member.member_id,
                **fields,
            )
        db.session.commit()


def test_a_profile_shows_the_testimonials_their_givers_allowed(
    app: Flask, client: FlaskClient, people: People
) -> None:
    add_testimonials(app, people, 1, text="Fixed our roof before the storm.", may_publish=True)
    add_testimonials(app, people, 1, text="Private praise, not for the profile.")
    login_as(client, people.leader)
    page = text(client.get(f"/members/{people.member.member_id}"))
    assert "Fixed our roof before the storm." in page
    assert "Private praise" not in page
    assert "Testimonials" in page


def test_a_profile_costs_the_same_queries_for_1_and_15_testimonials(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    add_testimonials(app, people, 1, text="Great work.", may_publish=True)
    few = queries_for(app, client, f"/members/{people.member.member_id}")
    add_testimonials(app, people, 14, text="Great work again.", may_publish=True)
    assert queries_for(app, client, f"/members/{people.member.member_id}") == few
