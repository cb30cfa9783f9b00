"""Visitors and substitutes: entered on rosters, followed up as prospects, the substitute
log, and a visitor who joins becoming a member without retyping their details.

The access matrix of these pages is in test_attendance.py (one table for the blueprint)."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from chapter.attendance.guest_models import Guest, Visit
from chapter.attendance.guest_rules import FollowUp
from chapter.attendance.models import Attendance
from chapter.attendance.rules import Palms
from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.members.models import Member
from tests.conftest import People, count_queries, login_as
from tests.support.attendance_factories import (
    AttendanceFactory,
    GuestFactory,
    VisitFactory,
    audit_trail,
    chapter_today,
    count_of,
    date_short,
    field_errors,
    full_name,
    held_meeting,
    input_value,
    past_wednesdays,
    roster_form,
    text,
    text_of,
    upcoming_meeting,
    visible,
)
from tests.support.factories import MemberFactory

VERA = {
    "name": "Vera Visitor",
    "business_name": "Vera's Vans",
    "email": "Vera@Vans.example",
    "phone": "+44 20 7946 0555",
}


# --- helpers ---------------------------------------------------------------------------------


def open_meeting(app: Flask, people: People, weeks_ago: int = 1) -> int:
    """A past meeting of the home chapter whose roster is still open."""
    return held_meeting(
        app, people.leader.chapter_id, past_wednesdays(weeks_ago)[-1], completed=False
    )


def guest_named(app: Flask, name: str) -> Guest:
    with app.app_context():
        guest = db.session.scalar(db.select(Guest).where(Guest.name == name))
        assert guest is not None, f"no guest called {name}"
        db.session.expunge(guest)
        return guest


def guests_named(app: Flask, name: str) -> int:
    with app.app_context():
        return len(db.session.scalars(db.select(Guest.id).where(Guest.name == name)).all())


def visitor_rows(response) -> dict[str, str]:
    """Guest name -> the visible text of their row on the visitors list."""
    page = response.get_data(as_text=True)
    if "<tbody>" not in page:
        return {}
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    rows = {}
    for row in body.split("<tr>")[1:]:
        cells = [
            " ".join(text_of(cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        name = cells[0].replace(" Member elsewhere", "")
        rows[name] = " | ".join(cells)
    return rows


def follow_up_form(**overrides: str) -> dict[str, str]:
    data = {"follow_up": "contacted", "responsible_id": "", "follow_up_note": ""}
    data.update(overrides)
    return data


def member_form(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Vera",
        "last_name": "Visitor",
        "email": "vera@vans.example",
        "business_name": "Vera's Vans",
        "classification": "Van hire",
        "phone": "+44 20 7946 0555",
        "website": "",
        "joined_on": chapter_today().isoformat(),
        "renewal_on": "",
        "sponsor_id": "",
        "offer": "",
        "ask": "",
    }
    data.update(overrides)
    return data


def add_vera(app: Flask, people: People, **fields: object) -> int:
    """Vera, a visitor of the home chapter's last meeting invited by the member; her id."""
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0])
    with app.app_context():
        guest = GuestFactory(
            chapter_id=people.leader.chapter_id,
            name=VERA["name"],
            business_name=VERA["business_name"],
            email=VERA["email"].lower(),
            phone=VERA["phone"],
            **fields,
        )
        VisitFactory(
            meeting_id=meeting_id, guest_id=guest.id, invited_by_id=people.member.member_id
        )
        db.session.commit()
        return guest.id


def save_roster(
    client: FlaskClient,
    meeting_id: int,
    version: int,
    rows: list[dict[str, object]] | tuple = (),
    visitors: list[dict[str, object]] | tuple = (),
    **buttons: str,
):
    """Post the roster form; it must be accepted (302)."""
    response = client.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(version, list(rows), list(visitors), **buttons),
    )
    assert response.status_code == 302, text(response)
    return response


# --- visitors entered on a roster ------------------------------------------------------------


def test_visitor_entered_on_a_roster_is_listed_for_follow_up(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = open_meeting(app, people)
    inviter = full_name(app, people.member.member_id)
    login_as(client, people.leader)
    save_roster(
        client, meeting_id, 0, visitors=[{**VERA, "invited_by_id": people.member.member_id}]
    )
    roster = visible(client.get(f"/meetings/{meeting_id}/roster"))
    assert f"Vera Visitor, Vera's Vans (invited by {inviter})" in roster
    with app.app_context():
        guest = db.session.scalar(db.select(Guest))
        visit = db.session.scalar(db.select(Visit))
        assert (guest.name, guest.business_name) == ("Vera Visitor", "Vera's Vans")
        assert (guest.email, guest.phone) == ("vera@vans.example", "+44 20 7946 0555")
        assert guest.chapter_id == people.leader.chapter_id
        assert guest.follow_up is FollowUp.TO_CONTACT
        assert (visit.meeting_id, visit.guest_id) == (meeting_id, guest.id)
        assert visit.invited_by_id == people.member.member_id
    rows = visitor_rows(client.get("/visitors/"))
    assert list(rows) == ["Vera Visitor"]
    assert rows["Vera Visitor"].startswith(
        "Vera Visitor | Vera's Vans | vera@vans.example+44 20 7946 0555 | "
    )
    assert "Make a member" in rows["Vera Visitor"]


def test_visitors_list_names_who_invited_each_visitor(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """The inviter is who knows the visitor: the follow-up list shows them."""
    meeting_id = open_meeting(app, people)
    inviter = full_name(app, people.member.member_id)
    login_as(client, people.leader)
    save_roster(
        client, meeting_id, 0, visitors=[{**VERA, "invited_by_id": people.member.member_id}]
    )
    assert inviter in visitor_rows(client.get("/visitors/"))["Vera Visitor"]


def test_visitor_with_the_same_email_on_two_meetings_is_one_guest_with_two_visits(
    app: Flask, client: FlaskClient, people: People
) -> None:
    first, second = open_meeting(app, people, 2), open_meeting(app, people, 1)
    login_as(client, people.leader)
    save_roster(client, first, 0, visitors=[VERA])
    save_roster(client, second, 0, visitors=[{**VERA, "email": " VERA@vans.EXAMPLE "}])
    assert guests_named(app, "Vera Visitor") == 1
    assert count_of(app, Visit) == 2
    assert visitor_rows(client.get("/visitors/"))["Vera Visitor"].split(" | ")[4] == "2"


def test_a_visitor_invited_by_a_member_of_another_chapter_is_refused(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = open_meeting(app, people)
    login_as(client, people.leader)
    response = client.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(0, [], [{**VERA, "invited_by_id": people.other_member.member_id}]),
    )
    assert response.status_code == 422
    assert field_errors(response, "visitors-0-invited_by_id") == [
        "Choose a member of this chapter."
    ]
    assert count_of(app, Guest) == 0


def test_saving_a_roster_again_does_not_duplicate_a_substitute_without_email(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """The member announced a substitute with a name and phone only; the leader saves the
    roster page twice as it was shown: the substitute is still one person."""
    meeting_id = upcoming_meeting(app, people.leader.chapter_id)
    login_as(client, people.member)
    client.post(
        f"/meetings/{meeting_id}/announce",
        data={"status": "S", "substitute_name": "Sam Sub", "substitute_phone": "+44 1632 960000"},
    )
    login_as(client, people.leader)
    shown = {
        "member_id": people.member.member_id,
        "status": "S",
        "substitute_name": "Sam Sub",
        "substitute_phone": "+44 1632 960000",
    }
    save_roster(client, meeting_id, 0, [shown])
    save_roster(client, meeting_id, 1, [shown])
    assert guests_named(app, "Sam Sub") == 1
    assert list(visitor_rows(client.get("/visitors/"))) == ["Sam Sub"]


# --- follow-up -------------------------------------------------------------------------------


def test_leader_records_follow_up_and_responsible_member(
    app: Flask, client: FlaskClient, people: People
) -> None:
    guest_id = add_vera(app, people)
    responsible = full_name(app, people.member.member_id)
    login_as(client, people.leader)
    page = client.get(f"/visitors/{guest_id}")
    assert "Visited 1 time, invited by" in visible(page)
    assert re.search(r'<option[^>]*selected[^>]*value="to_contact"', page.get_data(as_text=True))
    response = client.post(
        f"/visitors/{guest_id}",
        data=follow_up_form(
            follow_up="visiting_again",
            responsible_id=str(people.member.member_id),
            follow_up_note=" Coming back next week ",
        ),
    )
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == "/visitors/"
    listing = client.get(response.headers["Location"])
    assert "Follow-up of Vera Visitor saved." in text(listing)
    assert visitor_rows(listing)["Vera Visitor"].split(" | ")[6:8] == [
        "Visiting again",
        responsible,
    ]
    with app.app_context():
        guest = db.session.get(Guest, guest_id)
        assert guest.follow_up is FollowUp.VISITING_AGAIN
        assert guest.responsible_id == people.member.member_id
        assert guest.follow_up_note == "Coming back next week"
    (event,) = audit_trail(app, "Guest", guest_id)
    assert event.action == "guest.follow_up"
    assert event.actor_id == people.leader.user_id
    assert event.before == {"follow_up": "to_contact", "responsible_id": None}
    assert event.after == {"follow_up": "visiting_again", "responsible_id": people.member.member_id}
    assert list(visitor_rows(client.get("/visitors/?status=visiting_again"))) == ["Vera Visitor"]
    assert visitor_rows(client.get("/visitors/?status=applied")) == {}


def test_visitors_list_refuses_an_unknown_follow_up_filter(
    client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    assert client.get("/visitors/?status=bogus").status_code == 400


@pytest.mark.parametrize("who", ["other_member", "other_leader"])
def test_a_member_of_another_chapter_cannot_be_made_responsible(
    app: Flask, client: FlaskClient, people: People, who: str
) -> None:
    guest_id = add_vera(app, people)
    login_as(client, people.leader)
    response = client.post(
        f"/visitors/{guest_id}",
        data=follow_up_form(responsible_id=str(getattr(people, who).member_id)),
    )
    assert response.status_code == 422
    assert field_errors(response, "responsible_id") == ["Not a valid choice."]
    with app.app_context():
        guest = db.session.get(Guest, guest_id)
        assert (guest.follow_up, guest.responsible_id) == (FollowUp.TO_CONTACT, None)
    assert audit_trail(app, "Guest", guest_id) == []


def test_choosing_joined_directly_is_refused_pointing_to_make_a_member(
    app: Flask, client: FlaskClient, people: People
) -> None:
    guest_id = add_vera(app, people)
    login_as(client, people.leader)
    response = client.post(f"/visitors/{guest_id}", data=follow_up_form(follow_up="joined"))
    assert response.status_code == 422
    assert field_errors(response, "follow_up") == [
        "Use “Make a member” to record that this guest joined."
    ]
    with app.app_context():
        assert db.session.get(Guest, guest_id).follow_up is FollowUp.TO_CONTACT


@pytest.mark.parametrize("value", ["bogus", "", "JOINED"])
def test_an_unknown_follow_up_status_is_refused(
    app: Flask, client: FlaskClient, people: People, value: str
) -> None:
    guest_id = add_vera(app, people)
    login_as(client, people.leader)
    response = client.post(f"/visitors/{guest_id}", data=follow_up_form(follow_up=value))
    assert response.status_code == 422
    assert field_errors(response, "follow_up") != []
    with app.app_context():
        assert db.session.get(Guest, guest_id).follow_up is FollowUp.TO_CONTACT


def test_visitors_list_runs_the_same_number_of_queries_for_5_and_25_guests(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0])

    def add_guests(count: int) -> None:
        with app.app_context():
            for _ in range(count):
                guest = GuestFactory(
                    chapter_id=people.leader.chapter_id, responsible_id=people.member.member_id
                )
                VisitFactory(meeting_id=meeting_id, guest_id=guest.id)
                member = add_member_in_context(people)
                AttendanceFactory(
                    meeting_id=meeting_id,
                    member_id=member.id,
                    status=Palms.SUBSTITUTE,
                    substitute_id=guest.id,
                )
            db.session.commit()

    add_guests(5)
    login_as(client, people.leader)
    client.get("/visitors/")  # warm up
    with count_queries(app) as with_5:
        assert len(visitor_rows(client.get("/visitors/"))) == 5
    add_guests(20)
    with count_queries(app) as with_25:
        assert len(visitor_rows(client.get("/visitors/"))) == 25
    assert len(with_25) == len(with_5)


def add_member_in_context(people: People) -> Member:
    return MemberFactory(chapter=db.session.get(Chapter, people.leader.chapter_id))


# --- a visitor becomes a member ------------------------------------------------------------


def test_make_a_member_form_is_filled_in_from_the_visitor(
    app: Flask, client: FlaskClient, people: People
) -> None:
    guest_id = add_vera(app, people)
    login_as(client, people.leader)
    assert f'href="/members/new?guest_id={guest_id}"' in text(client.get("/visitors/"))
    page = client.get(f"/members/new?guest_id={guest_id}")
    assert page.status_code == 200
    assert "From the visitor Vera Visitor: their details are filled in." in text(page)
    assert input_value(page, "first_name") == "Vera"
    assert input_value(page, "last_name") == "Visitor"
    assert input_value(page, "email") == "vera@vans.example"
    assert input_value(page, "business_name") == "Vera's Vans"
    assert input_value(page, "phone") == "+44 20 7946 0555"


def test_saving_the_new_member_marks_the_visitor_joined_and_linked(
    app: Flask, client: FlaskClient, people: People
) -> None:
    guest_id = add_vera(app, people)
    login_as(client, people.leader)
    response = client.post(f"/members/new?guest_id={guest_id}", data=member_form())
    assert response.status_code == 302, text(response)
    with app.app_context():
        member = db.session.scalar(
            db.select(Member).join(Member.user).where(User.email == "vera@vans.example")
        )
        guest = db.session.get(Guest, guest_id)
        assert member.chapter_id == people.leader.chapter_id
        assert guest.joined_as_id == member.id
        assert guest.follow_up is FollowUp.JOINED
        member_id = member.id
    assert response.headers["Location"] == f"/members/{member_id}"
    assert "Added Vera Visitor." in text(client.get(response.headers["Location"]))
    (event,) = audit_trail(app, "Guest", guest_id)
    assert (event.action, event.after) == ("guest.joined", {"member_id": member_id})
    listing = client.get("/visitors/")
    assert visitor_rows(listing)["Vera Visitor"].split(" | ")[6] == "Joined"
    assert f"/members/new?guest_id={guest_id}" not in text(listing)
    follow_up = text(client.get(f"/visitors/{guest_id}"))
    assert f'<a href="/members/{member_id}">Now a member of the chapter</a>' in follow_up


def test_a_refused_new_member_leaves_the_visitor_as_they_were(
    app: Flask, client: FlaskClient, people: People
) -> None:
    guest_id = add_vera(app, people)
    members_before = count_of(app, Member)
    login_as(client, people.leader)
    response = client.post(
        f"/members/new?guest_id={guest_id}", data=member_form(email="member@home.example")
    )
    assert response.status_code == 422
    assert field_errors(response, "email") == ["Another account already uses this e-mail address."]
    assert count_of(app, Member) == members_before
    with app.app_context():
        guest = db.session.get(Guest, guest_id)
        assert (guest.joined_as_id, guest.follow_up) == (None, FollowUp.TO_CONTACT)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_another_chapters_guest_cannot_be_made_a_member(
    app: Flask, client: FlaskClient, people: People, method: str
) -> None:
    with app.app_context():
        away_guest = GuestFactory(chapter_id=people.other_leader.chapter_id, name="Aldo Away").id
        db.session.commit()
    members_before = count_of(app, Member)
    login_as(client, people.leader)
    response = client.open(
        f"/members/new?guest_id={away_guest}",
        method=method,
        data=member_form(first_name="Aldo", last_name="Away", email="aldo@away.example"),
    )
    assert response.status_code == 404
    assert "Page not found" in text(response)
    assert "Aldo" not in text(response)
    assert count_of(app, Member) == members_before
    with app.app_context():
        assert db.session.get(Guest, away_guest).joined_as_id is None


def test_a_member_cannot_open_make_a_member_for_a_visitor(
    app: Flask, client: FlaskClient, people: People
) -> None:
    guest_id = add_vera(app, people)
    login_as(client, people.member)
    response = client.get(f"/members/new?guest_id={guest_id}")
    assert response.status_code == 403
    assert "Vera" not in text(response)


# --- the substitute log ----------------------------------------------------------------------


def test_substitute_log_lists_substitutes_of_completed_rosters_with_whom_they_covered(
    app: Flask, client: FlaskClient, people: People
) -> None:
    completed_day = past_wednesdays(2)[1]
    completed_id = held_meeting(app, people.leader.chapter_id, completed_day, completed=False)
    draft_id = open_meeting(app, people)
    member, leader = people.member.member_id, people.leader.member_id
    covered = full_name(app, member)
    login_as(client, people.leader)
    save_roster(
        client,
        completed_id,
        0,
        [
            {
                "member_id": member,
                "status": "S",
                "substitute_name": "Sam Sub",
                "substitute_business": "Sub Services",
                "substitute_email": "sam@sub.example",
                "substitute_phone": "+44 1632 960001",
            },
            {"member_id": leader, "status": "P"},
        ],
        complete="Save and complete roster",
    )
    save_roster(
        client,
        draft_id,
        0,
        [{"member_id": member, "status": "S", "substitute_name": "Dan Draft"}],
    )
    response = client.get("/visitors/substitutes")
    body = response.get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]
    rows = [
        [" ".join(text_of(cell).split()) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        for row in body.split("<tr>")[1:]
    ]
    assert rows == [
        [
            date_short(completed_day),
            "Sam Sub",
            "Sub Services",
            "sam@sub.example +44 1632 960001",
            covered,
        ]
    ]
    assert "Dan Draft" not in text(response)
    assert "Member elsewhere" not in text(response)
    sam = guest_named(app, "Sam Sub")
    assert f'href="/visitors/{sam.id}"' in text(response)
    assert visitor_rows(client.get("/visitors/"))["Sam Sub"].split(" | ")[4:6] == ["0", "1"]
    login_as(client, people.other_leader)
    assert "No substitute has attended yet." in text(client.get("/visitors/substitutes"))


def test_substitute_who_is_a_member_elsewhere_is_shown_as_such(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = open_meeting(app, people)
    login_as(client, people.leader)
    save_roster(
        client,
        meeting_id,
        0,
        [
            {
                "member_id": people.member.member_id,
                "status": "S",
                "substitute_name": "Otto Other",
                "substitute_email": " Member@Away.example ",
            },
            {"member_id": people.leader.member_id, "status": "P"},
        ],
        complete="Save and complete roster",
    )
    otto = guest_named(app, "Otto Other")
    assert otto.other_member_id == people.other_member.member_id
    assert otto.chapter_id == people.leader.chapter_id
    assert "Otto Other Member elsewhere" in visible(client.get("/visitors/substitutes"))
    assert "Otto Other Member elsewhere" in visible(client.get("/visitors/"))


def test_a_substitute_marked_absent_after_a_no_show_leaves_the_log(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """The member announced a substitute who did not come: the leader marks the member
    Absent, and the substitute is not logged as having attended."""
    today = chapter_today()
    meeting_id = held_meeting(app, people.leader.chapter_id, today, completed=False, extra=True)
    login_as(client, people.member)
    client.post(
        f"/meetings/{meeting_id}/announce",
        data={
            "status": "S",
            "substitute_name": "Nora Noshow",
            "substitute_email": "nora@no.example",
        },
    )
    login_as(client, people.leader)
    save_roster(
        client,
        meeting_id,
        0,
        [
            {"member_id": people.member.member_id, "status": "A", "substitute_name": "Nora Noshow"},
            {"member_id": people.leader.member_id, "status": "P"},
        ],
        complete="Save and complete roster",
    )
    with app.app_context():
        row = db.session.scalar(
            db.select(Attendance).where(Attendance.member_id == people.member.member_id)
        )
        assert (row.status, row.substitute_id, row.announced) == (Palms.ABSENT, None, False)
    assert "Nora Noshow" not in text(client.get("/visitors/substitutes"))
    login_as(client, people.member)
    assert f"Absences that count: {date_short(today)}." in visible(client.get("/attendance/me"))
