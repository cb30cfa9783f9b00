"""Attendance blueprint: meetings and their schedule, announcing ahead, the roster (PALMS),
my attendance, the absence rule, the summary and the chapter's attendance settings."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date, time, timedelta
from itertools import pairwise

import pytest
from flask import Flask
from flask.testing import FlaskClient

from chapter.attendance.guest_models import Guest, Visit
from chapter.attendance.models import Attendance
from chapter.attendance.rules import Palms, months_before
from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.meetings import service as meetings
from chapter.meetings.models import Meeting
from chapter.meetings.schedule import local_start
from chapter.members.roles import MemberStatus
from chapter.platform.audit_models import AuditEvent
from tests.conftest import People, Person, count_queries, login_as
from tests.support import clock, factories
from tests.support.access import (
    ANONYMOUS,
    assert_answer,
    chapter_page,
    leader_only,
    log_in_as,
    matrix,
    members_too,
)
from tests.support.attendance_factories import (
    AttendanceFactory,
    GuestFactory,
    VisitFactory,
    add_member,
    audit_trail,
    chapter_today,
    checked_letters,
    count_of,
    date_long,
    date_short,
    field_errors,
    form_errors,
    full_name,
    held_meeting,
    input_value,
    meeting_state,
    next_wednesday,
    page_version,
    past_wednesdays,
    roster_form,
    roster_member_ids,
    stored_letters,
    text,
    text_of,
    upcoming_meeting,
    visible,
)
from tests.support.pages import log_in

GUEST_NAME = "Vera Visitor"


# method, path, form data, {person: (status, what they see, or where a 302 goes)}.
# {meeting} is an upcoming meeting of the home chapter, {guest} a visitor of the home chapter,
# {day} the meeting's date as the pages write it.
ROUTES = [
    (
        "GET",
        "/meetings/",
        None,
        chapter_page(
            (200, "{day}"),
            (200, "Add an extra meeting"),
            (200, "No upcoming meetings are scheduled."),
        ),
    ),
    (
        "GET",
        "/meetings/{meeting}",
        None,
        chapter_page((200, "Cannot come?"), (200, "Attendance roster")),
    ),
    (
        "POST",
        "/meetings/{meeting}/announce",
        {"status": "A"},
        members_too((302, "/meetings/{meeting}")),
    ),
    (
        "POST",
        "/meetings/{meeting}/announce/withdraw",
        None,
        members_too((422, "You have no announcement for this meeting.")),
    ),
    (
        "POST",
        "/meetings/{meeting}/cancel",
        {"reason": "Holiday"},
        leader_only((302, "/meetings/{meeting}")),
    ),
    (
        "POST",
        "/meetings/{meeting}/restore",
        None,
        leader_only((422, "This meeting is not cancelled.")),
    ),
    ("GET", "/meetings/{meeting}/move", None, leader_only((200, "Move the meeting of {day}"))),
    (
        "POST",
        "/meetings/{meeting}/move",
        {"meets_on": ""},
        leader_only((422, "This field is required.")),
    ),
    (
        "GET",
        "/meetings/new",
        None,
        leader_only((200, "Add an extra meeting"), (200, "Add an extra meeting")),
    ),
    (
        "POST",
        "/meetings/new",
        {"meets_on": ""},
        leader_only((422, "This field is required."), (422, "This field is required.")),
    ),
    ("GET", "/meetings/{meeting}/roster", None, leader_only((200, "Attendance roster: {day}"))),
    (
        "POST",
        "/meetings/{meeting}/roster",
        {"version": "0", "save": "Save draft"},
        leader_only((302, "/meetings/{meeting}/roster")),
    ),
    (
        "POST",
        "/meetings/{meeting}/roster/reopen",
        None,
        leader_only((422, "This roster is not completed.")),
    ),
    ("GET", "/meetings/{meeting}/audit", None, leader_only((200, "Audit trail: meeting of {day}"))),
    (
        "GET",
        "/meetings/{meeting}/sign-in-sheet",
        None,
        leader_only((200, "Home Chapter: sign-in sheet")),
    ),
    (
        "GET",
        "/attendance/me",
        None,
        members_too((200, "absences left before the chapter's limit"), (200, "My attendance")),
    ),
    (
        "GET",
        "/attendance/summary",
        None,
        leader_only((200, "Attendance summary"), (200, "Attendance summary")),
    ),
    (
        "GET",
        "/chapter/settings",
        None,
        leader_only((200, "Home Chapter meets on Wednesdays"), (200, "Away Chapter meets on")),
    ),
    (
        "POST",
        "/chapter/settings",
        {"absence_limit": ""},
        leader_only((422, "This field is required."), (422, "This field is required.")),
    ),
    (
        "GET",
        "/visitors/",
        None,
        leader_only((200, GUEST_NAME), (200, "No visitors or substitutes yet.")),
    ),
    ("GET", "/visitors/{guest}", None, leader_only((200, f"Follow up {GUEST_NAME}"))),
    (
        "POST",
        "/visitors/{guest}",
        {"follow_up": "contacted", "responsible_id": "", "follow_up_note": ""},
        leader_only((302, "/visitors/")),
    ),
    (
        "GET",
        "/visitors/substitutes",
        None,
        leader_only((200, "Substitute log"), (200, "No substitute has attended yet.")),
    ),
]
MATRIX = matrix(ROUTES)


def home_state(app: Flask, meeting_id: int, guest_id: int) -> tuple[object, ...]:
    """Everything the matrix's requests could change in the home chapter."""
    with app.app_context():
        follow_up = db.session.get(Guest, guest_id).follow_up
        limit = db.session.scalar(
            db.select(Chapter.absence_limit).where(Chapter.name == "Home Chapter")
        )
    return (
        meeting_state(app, meeting_id),
        stored_letters(app, meeting_id),
        follow_up,
        limit,
        count_of(app, AuditEvent),
        count_of(app, Meeting),
    )


@pytest.mark.parametrize(("method", "path", "data", "who", "status", "seen"), MATRIX)
def test_access_matrix_of_attendance_pages(
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
    day = next_wednesday()
    meeting_id = upcoming_meeting(app, people.leader.chapter_id, day)
    with app.app_context():
        guest_id = GuestFactory(chapter_id=people.leader.chapter_id, name=GUEST_NAME).id
        db.session.commit()
    values = {"meeting": meeting_id, "guest": guest_id, "day": date_long(day)}
    before = home_state(app, meeting_id, guest_id)
    log_in_as(client, people, who)
    response = client.open(path.format(**values), method=method, data=data)
    assert_answer(response, status, seen.format(**values))
    if status in (403, 404, 422) or who == ANONYMOUS:
        assert home_state(app, meeting_id, guest_id) == before  # refused: nothing changed


# --- helpers ---------------------------------------------------------------------------------


def generate_schedule(app: Flask, people: People, today: date | None = None) -> dict[date, int]:
    """The home chapter's regular meetings from today (the service the log-in runs);
    returns meeting id by date."""
    extend_schedule(app, people.leader.chapter_id, today or chapter_today())
    return meetings_by_date(app, people.leader.chapter_id)


def extend_schedule(app: Flask, chapter_id: int, today: date) -> int:
    """What log-in and the daily job do on ``today``; returns how many meetings were added."""
    with app.app_context():
        added = meetings.ensure_schedule(db.session.get(Chapter, chapter_id), today)
        db.session.commit()
        return added


def meetings_by_date(app: Flask, chapter_id: int) -> dict[date, int]:
    with app.app_context():
        rows = db.session.execute(
            db.select(Meeting.meets_on, Meeting.id).where(Meeting.chapter_id == chapter_id)
        ).all()
    dates = [day for day, _ in rows]
    assert len(dates) == len(set(dates)), f"two meetings on one date: {sorted(dates)}"
    return dict(rows)


def meetings_on(app: Flask, chapter_id: int, day: date) -> int:
    with app.app_context():
        return len(
            db.session.scalars(
                db.select(Meeting.id).where(
                    Meeting.chapter_id == chapter_id, Meeting.meets_on == day
                )
            ).all()
        )


def roster_row(member_id: int, status: str | None, **fields: str) -> dict[str, object]:
    return {"member_id": member_id, "status": status, **fields}


def letter_counts_on(response) -> dict[str, int]:
    """The P/A/L/M/S counts of the "Last 6 months" block of My attendance."""
    return {
        label: int(count)
        for label, count in re.findall(
            r'<dt class="fw-normal">(\w+)</dt><dd class="fs-4 mb-0">(\d+)</dd>',
            response.get_data(as_text=True),
        )
    }


def at_limit_section(response) -> str:
    """The dashboard's list of members at the absence limit (empty when nobody is)."""
    page = visible(response)
    start = page.find("At the absence limit")
    if start == -1:
        return ""
    return page[start:]


def standing_line(response, member_id: int) -> str:
    """What the roster says next to a member's name about their absences."""
    match = re.search(
        rf'<span id="standing-{member_id}"[^>]*>(.*?)</span>', response.get_data(as_text=True), re.S
    )
    assert match, f"member {member_id} is not on the roster"
    return " ".join(text_of(match.group(1)).split())


# --- meeting pages ---------------------------------------------------------------------------


def test_leader_controls_show_on_a_meeting_page_only_for_leaders(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = upcoming_meeting(app, people.leader.chapter_id)
    controls = ("Attendance roster", "Audit trail", "Cancel this meeting", "Move to another date")
    login_as(client, people.member)
    page = text(client.get(f"/meetings/{meeting_id}"))
    assert "Cannot come?" in page
    assert [control for control in controls if control in page] == []
    login_as(client, people.leader)
    page = text(client.get(f"/meetings/{meeting_id}"))
    assert [control for control in controls if control in page] == list(controls)


def test_meetings_page_shows_my_letter_for_past_meetings(
    app: Flask, client: FlaskClient, people: People
) -> None:
    day = past_wednesdays(1)[0]
    held_meeting(app, people.leader.chapter_id, day, {people.member.member_id: Palms.LATE})
    login_as(client, people.member)
    page = client.get("/meetings/").get_data(as_text=True)
    past = visible_of(page[page.index("Past meetings") :])
    assert f"{date_long(day)} Roster completed Late" in past


def visible_of(fragment: str) -> str:
    return " ".join(text_of(fragment).split())


# --- the schedule ----------------------------------------------------------------------------


def test_creating_a_chapter_generates_at_least_twelve_weeks_of_meetings(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.admin)
    response = client.post(
        "/admin/chapters/new",
        data={
            "name": "Riverside Chapter",
            "meeting_weekday": "3",
            "meeting_time": "18:30",
            "timezone": "America/New_York",
            "location": "Library",
            "currency": "usd",
            "first_name": "Pat",
            "last_name": "President",
            "email": "pat@president.example",
            "business_name": "President Print",
            "classification": "Printer",
        },
    )
    assert response.status_code == 302, text(response)
    with app.app_context():
        chapter = db.session.scalar(db.select(Chapter).where(Chapter.name == "Riverside Chapter"))
        chapter_id = chapter.id
        leader = db.session.scalar(db.select(User).where(User.email == "pat@president.example"))
        pat = Person(leader.id, leader.email, leader.member.id, chapter_id)
    today = clock.now().date()
    dates = sorted(meetings_by_date(app, chapter_id))
    ahead = [day for day in dates if day >= today]
    assert len(ahead) >= 12
    assert all(day.weekday() == 3 for day in dates)  # Thursdays
    assert ahead[0] - today < timedelta(days=8)
    assert all(later - earlier == timedelta(weeks=1) for earlier, later in pairwise(dates))
    with app.app_context():
        first = db.session.scalar(db.select(Meeting).where(Meeting.meets_on == dates[0]))
        assert first.starts_at == local_start(dates[0], time(18, 30), "America/New_York")
    client.post("/logout")
    login_as(client, pat)
    page = client.get("/meetings/").get_data(as_text=True)
    upcoming = page[page.index("Upcoming") : page.index("Past meetings")]
    assert len(re.findall(r'href="/meetings/\d+"', upcoming)) == 12


def test_logging_in_generates_the_schedule_once(
    app: Flask, client: FlaskClient, people: People
) -> None:
    assert meetings_by_date(app, people.leader.chapter_id) == {}  # the fixture has none
    assert log_in(client, people.member.email).status_code == 302
    first = meetings_by_date(app, people.leader.chapter_id)
    today = chapter_today()
    ahead = sorted(day for day in first if day >= today)
    assert len(ahead) >= 12
    assert all(day.weekday() == 2 for day in first)  # the home chapter meets on Wednesdays
    assert ahead[0] - today < timedelta(days=7)
    client.post("/logout")
    assert log_in(client, people.member.email).status_code == 302
    client.post("/logout")
    assert log_in(client, people.leader.email).status_code == 302
    assert meetings_by_date(app, people.leader.chapter_id) == first  # nothing added twice
    assert meetings_by_date(app, people.other_leader.chapter_id) == {}  # only the own chapter
    assert date_long(ahead[0]) in text(client.get("/meetings/"))


def test_leader_cancels_a_meeting_and_nobody_is_marked_absent(
    app: Flask, client: FlaskClient, people: People
) -> None:
    schedule = generate_schedule(app, people)
    day = min(schedule)
    following = sorted(schedule)[1]
    meeting_id = schedule[day]
    login_as(client, people.member)
    assert client.post(f"/meetings/{meeting_id}/announce", data={"status": "A"}).status_code == 302
    login_as(client, people.leader)
    response = client.post(f"/meetings/{meeting_id}/cancel", data={"reason": "Bank holiday"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/meetings/{meeting_id}"
    page = visible(client.get(response.headers["Location"]))
    assert "The meeting is cancelled; nobody will be marked absent." in page
    assert "Cancelled Bank holiday" in page
    state = meeting_state(app, meeting_id)
    assert (state["is_cancelled"], state["cancel_reason"]) == (True, "Bank holiday")
    (event,) = audit_trail(app, "Meeting", meeting_id)
    assert event.action == "meeting.cancelled"
    assert event.actor_id == people.leader.user_id
    assert event.before["is_cancelled"] is False
    assert event.after == {
        "meets_on": day.isoformat(),
        "is_cancelled": True,
        "cancel_reason": "Bank holiday",
    }
    refused = client.post(f"/meetings/{meeting_id}/roster", data=roster_form(0))
    assert refused.status_code == 422
    assert "This meeting is cancelled: it has no roster." in form_errors(refused)
    assert stored_letters(app, meeting_id) == {
        people.member.member_id: "A"
    }  # only the announcement
    # The member's dashboard and history: the next meeting is the following one, nothing counts.
    login_as(client, people.member)
    dashboard = visible(client.get("/"))
    assert date_long(following) in dashboard
    assert "No absences in the last 6 months" in dashboard
    mine = client.get("/attendance/me")
    assert letter_counts_on(mine)["Absent"] == 0
    assert "No attendance recorded yet." in text(mine)


def test_cancelled_meeting_restored_is_back_on(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = upcoming_meeting(app, people.leader.chapter_id)
    login_as(client, people.leader)
    client.post(f"/meetings/{meeting_id}/cancel", data={"reason": "Snow"})
    response = client.post(f"/meetings/{meeting_id}/restore")
    assert response.status_code == 302
    page = visible(client.get(response.headers["Location"]))
    assert "The meeting is back on." in page
    assert "Roster open" in page
    state = meeting_state(app, meeting_id)
    assert (state["is_cancelled"], state["cancel_reason"]) == (False, "")
    assert [e.action for e in audit_trail(app, "Meeting", meeting_id)] == [
        "meeting.cancelled",
        "meeting.restored",
    ]


def test_a_past_meeting_cannot_be_cancelled(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)
    before = meeting_state(app, meeting_id)
    login_as(client, people.leader)
    response = client.post(f"/meetings/{meeting_id}/cancel", data={"reason": "Too late"})
    assert response.status_code == 422
    assert "This meeting is in the past." in text(response)
    assert meeting_state(app, meeting_id) == before


def test_leader_moves_a_meeting_to_another_date(
    app: Flask, client: FlaskClient, people: People
) -> None:
    schedule = generate_schedule(app, people)
    day = min(schedule)
    meeting_id = schedule[day]
    moved_to = day + timedelta(days=1)
    login_as(client, people.leader)
    form = client.get(f"/meetings/{meeting_id}/move")
    assert input_value(form, "meets_on") == day.isoformat()
    response = client.post(f"/meetings/{meeting_id}/move", data={"meets_on": moved_to.isoformat()})
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == f"/meetings/{meeting_id}"
    page = visible(client.get(response.headers["Location"]))
    assert "The meeting is moved." in page
    assert f"Meeting of {date_long(moved_to)}" in page
    assert f"Moved from {date_short(day)}" in page
    state = meeting_state(app, meeting_id)
    assert (state["meets_on"], state["scheduled_on"]) == (moved_to, day)
    assert state["starts_at"] == local_start(moved_to, time(7, 0), "Europe/London")
    (event,) = audit_trail(app, "Meeting", meeting_id)
    assert event.action == "meeting.moved"
    assert (event.before["meets_on"], event.after["meets_on"]) == (
        day.isoformat(),
        moved_to.isoformat(),
    )
    # Generating the schedule again does not fill the slot the meeting moved away from.
    after = generate_schedule(app, people)
    assert day not in after
    assert after[moved_to] == meeting_id
    assert len(after) == len(schedule)


MOVE_REFUSALS = [
    pytest.param(
        lambda day, today: (day + timedelta(weeks=1)).isoformat(),
        "The chapter already has a meeting on that date.",
        id="onto-another-meeting",
    ),
    pytest.param(
        lambda day, today: (today - timedelta(days=1)).isoformat(),
        "Choose today or a later date.",
        id="into-the-past",
    ),
    pytest.param(
        lambda day, today: (today + timedelta(days=400)).isoformat(),
        "Choose a date within the next twelve months.",
        id="more-than-a-year-ahead",
    ),
    pytest.param(lambda day, today: "2026-02-30", "Not a valid date value.", id="no-such-date"),
    pytest.param(lambda day, today: "next week", "Not a valid date value.", id="not-a-date"),
    pytest.param(
        lambda day, today: "3000-01-07", "Enter a date between 1950 and 2100.", id="year-3000"
    ),
]


@pytest.mark.parametrize(("new_date", "message"), MOVE_REFUSALS)
def test_moving_a_meeting_to_an_impossible_date_is_refused_and_changes_nothing(
    app: Flask,
    client: FlaskClient,
    people: People,
    new_date: Callable[[date, date], str],
    message: str,
) -> None:
    schedule = generate_schedule(app, people)
    day = min(schedule)
    before = meeting_state(app, schedule[day])
    login_as(client, people.leader)
    response = client.post(
        f"/meetings/{schedule[day]}/move", data={"meets_on": new_date(day, chapter_today())}
    )
    assert response.status_code == 422
    assert message in field_errors(response, "meets_on")
    assert meeting_state(app, schedule[day]) == before
    assert meetings_by_date(app, people.leader.chapter_id) == schedule
    assert audit_trail(app, "Meeting", schedule[day]) == []


def test_leader_adds_an_extra_meeting(app: Flask, client: FlaskClient, people: People) -> None:
    schedule = generate_schedule(app, people)
    extra_day = min(schedule) + timedelta(days=2)  # a Friday
    login_as(client, people.leader)
    response = client.post("/meetings/new", data={"meets_on": extra_day.isoformat()})
    assert response.status_code == 302, text(response)
    added = meetings_by_date(app, people.leader.chapter_id)
    meeting_id = added[extra_day]
    assert response.headers["Location"] == f"/meetings/{meeting_id}"
    page = visible(client.get(response.headers["Location"]))
    assert "Extra meeting added." in page
    assert "Extra" in page
    state = meeting_state(app, meeting_id)
    assert state["scheduled_on"] is None
    assert state["starts_at"] == local_start(extra_day, time(7, 0), "Europe/London")
    assert [e.action for e in audit_trail(app, "Meeting", meeting_id)] == ["meeting.added"]
    login_as(client, people.member)
    assert date_long(extra_day) in text(client.get("/meetings/"))


def test_an_extra_meeting_on_a_date_that_has_one_is_refused(
    app: Flask, client: FlaskClient, people: People
) -> None:
    schedule = generate_schedule(app, people)
    login_as(client, people.leader)
    response = client.post("/meetings/new", data={"meets_on": min(schedule).isoformat()})
    assert response.status_code == 422
    assert field_errors(response, "meets_on") == ["The chapter already has a meeting on that date."]
    assert meetings_by_date(app, people.leader.chapter_id) == schedule


@pytest.mark.parametrize("how", ["moved", "extra"])
def test_later_schedule_generation_adds_no_second_meeting_on_a_taken_date(
    app: Flask, client: FlaskClient, people: People, how: str
) -> None:
    """A meeting moved (or added) to a date beyond the generated weeks keeps that date for
    itself once the daily job generates that far: one meeting per chapter and date."""
    schedule = generate_schedule(app, people)
    far = max(schedule) + timedelta(weeks=4)  # a Wednesday not generated yet
    login_as(client, people.leader)
    if how == "moved":
        response = client.post(
            f"/meetings/{schedule[min(schedule)]}/move", data={"meets_on": far.isoformat()}
        )
    else:
        response = client.post("/meetings/new", data={"meets_on": far.isoformat()})
    assert response.status_code == 302, text(response)
    later = chapter_today() + timedelta(weeks=8)  # the daily job, eight weeks on
    assert extend_schedule(app, people.leader.chapter_id, later) > 0
    assert meetings_on(app, people.leader.chapter_id, far) == 1


# --- announcing ahead --------------------------------------------------------------------------


def test_member_announces_a_substitute_and_the_roster_shows_it(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = upcoming_meeting(app, people.leader.chapter_id)
    login_as(client, people.member)
    response = client.post(
        f"/meetings/{meeting_id}/announce",
        data={
            "status": "S",
            "substitute_name": " Sam Sub ",
            "substitute_business": "Sub Services",
            "substitute_email": "Sam@Sub.example",
            "substitute_phone": "+44 20 7946 0999",
            "note": "At a trade fair",
        },
    )
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == f"/meetings/{meeting_id}"
    page = visible(client.get(response.headers["Location"]))
    assert "Thank you: the chapter knows." in page
    assert "You told the chapter: Substitute (substitute: Sam Sub). Note: At a trade fair" in page
    assert "Your plan: Substitute (substitute announced)." in visible(client.get("/"))
    with app.app_context():
        row = db.session.scalar(db.select(Attendance).where(Attendance.meeting_id == meeting_id))
        substitute = db.session.get(Guest, row.substitute_id)
        assert (row.member_id, row.status, row.announced) == (
            people.member.member_id,
            Palms.SUBSTITUTE,
            True,
        )
        assert row.note == "At a trade fair"
        assert (substitute.name, substitute.business_name) == ("Sam Sub", "Sub Services")
        assert (substitute.email, substitute.phone) == ("sam@sub.example", "+44 20 7946 0999")
        assert substitute.chapter_id == people.member.chapter_id
    login_as(client, people.leader)
    roster = client.get(f"/meetings/{meeting_id}/roster")
    assert checked_letters(roster) == {people.member.member_id: "S"}
    index = roster_member_ids(roster).index(people.member.member_id)
    assert input_value(roster, f"rows-{index}-substitute_name") == "Sam Sub"
    assert input_value(roster, f"rows-{index}-substitute_email") == "sam@sub.example"
    assert input_value(roster, f"rows-{index}-note") == "At a trade fair"
    assert "announced by the member" in standing_line(roster, people.member.member_id)
    assert "announced by the member" not in standing_line(roster, people.leader.member_id)


@pytest.mark.parametrize(("letter", "label"), [("M", "Medical"), ("A", "Absent")])
def test_member_announces_medical_or_absent_ahead(
    app: Flask, client: FlaskClient, people: People, letter: str, label: str
) -> None:
    meeting_id = upcoming_meeting(app, people.leader.chapter_id)
    login_as(client, people.member)
    response = client.post(f"/meetings/{meeting_id}/announce", data={"status": letter})
    assert response.status_code == 302, text(response)
    assert f"You told the chapter: {label}" in visible(client.get(response.headers["Location"]))
    assert f"{label} (announced)" in visible(client.get("/meetings/"))
    assert stored_letters(app, meeting_id) == {people.member.member_id: letter}
    login_as(client, people.leader)
    roster = client.get(f"/meetings/{meeting_id}/roster")
    assert checked_letters(roster) == {people.member.member_id: letter}
    assert "announced by the member" in standing_line(roster, people.member.member_id)


def test_substitute_announced_without_a_name_is_refused(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = upcoming_meeting(app, people.leader.chapter_id)
    login_as(client, people.member)
    response = client.post(
        f"/meetings/{meeting_id}/announce",
        data={"status": "S", "substitute_name": "  ", "substitute_email": "sam@sub.example"},
    )
    assert response.status_code == 422
    assert field_errors(response, "substitute_name") == ["Enter your substitute's name."]
    assert stored_letters(app, meeting_id) == {}
    assert count_of(app, Guest) == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("X", "Choose one."),
        ("p", "Choose one."),
        ("P", "Choose substitute, medical or absent."),
        ("L", "Choose substitute, medical or absent."),
        ("", "Choose one."),
    ],
)
def test_announcing_an_unknown_or_unannounceable_letter_is_refused(
    app: Flask, client: FlaskClient, people: People, value: str, message: str
) -> None:
    meeting_id = upcoming_meeting(app, people.leader.chapter_id)
    login_as(client, people.member)
    response = client.post(f"/meetings/{meeting_id}/announce", data={"status": value})
    assert response.status_code == 422
    assert message in text(response)
    assert stored_letters(app, meeting_id) == {}


def test_member_changes_and_withdraws_an_announcement(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = upcoming_meeting(app, people.leader.chapter_id)
    login_as(client, people.member)
    client.post(
        f"/meetings/{meeting_id}/announce",
        data={"status": "S", "substitute_name": "Sam Sub"},
    )
    changed = client.post(f"/meetings/{meeting_id}/announce", data={"status": "M"})
    assert changed.status_code == 302
    with app.app_context():
        rows = db.session.scalars(db.select(Attendance)).all()
        assert [(row.status, row.substitute_id) for row in rows] == [(Palms.MEDICAL, None)]
    withdrawn = client.post(f"/meetings/{meeting_id}/announce/withdraw")
    assert withdrawn.status_code == 302
    page = visible(client.get(withdrawn.headers["Location"]))
    assert "Your announcement is withdrawn: see you at the meeting." in page
    assert "You told the chapter" not in page
    assert stored_letters(app, meeting_id) == {}
    login_as(client, people.leader)
    assert checked_letters(client.get(f"/meetings/{meeting_id}/roster")) == {}


def test_announcing_is_refused_once_the_roster_is_completed(
    app: Flask, client: FlaskClient, people: People
) -> None:
    today = chapter_today()
    meeting_id = held_meeting(app, people.leader.chapter_id, today, completed=False, extra=True)
    login_as(client, people.member)
    assert client.post(f"/meetings/{meeting_id}/announce", data={"status": "A"}).status_code == 302
    login_as(client, people.leader)
    completed = client.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(
            0,
            [roster_row(people.leader.member_id, "P"), roster_row(people.member.member_id, "A")],
            complete="Save and complete roster",
        ),
    )
    assert completed.status_code == 302, text(completed)
    login_as(client, people.member)
    page = text(client.get(f"/meetings/{meeting_id}"))
    assert "Cannot come?" not in page
    withdraw = client.post(f"/meetings/{meeting_id}/announce/withdraw")
    assert withdraw.status_code == 422
    assert "This roster is completed. Reopen it to make changes." in text(withdraw)
    refused = client.post(f"/meetings/{meeting_id}/announce", data={"status": "M"})
    assert refused.status_code == 422
    assert stored_letters(app, meeting_id) == {
        people.leader.member_id: "P",
        people.member.member_id: "A",
    }
    # The member is told why, not shown a bare page.
    assert "This roster is completed. Reopen it to make changes." in text(refused)


def test_announcing_for_a_past_meeting_is_refused(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)
    login_as(client, people.member)
    assert "Cannot come?" not in text(client.get(f"/meetings/{meeting_id}"))
    response = client.post(f"/meetings/{meeting_id}/announce", data={"status": "A"})
    assert response.status_code == 422
    assert stored_letters(app, meeting_id) == {}
    assert "This meeting is in the past." in text(response)  # the member is told why


# --- the roster ------------------------------------------------------------------------------


def test_roster_lists_the_members_active_on_the_meeting_date(
    app: Flask, client: FlaskClient, people: People
) -> None:
    day = past_wednesdays(2)[1]
    chapter_id = people.leader.chapter_id
    on_leave = add_member(
        app,
        chapter_id,
        user__first_name="Lena",
        user__last_name="Leave",
        status=MemberStatus.ON_LEAVE,
    )
    gone = add_member(
        app,
        chapter_id,
        user__first_name="Gina",
        user__last_name="Gone",
        status=MemberStatus.LEFT,
        left_on=day - timedelta(days=7),
    )
    left_later = add_member(
        app,
        chapter_id,
        user__first_name="Lou",
        user__last_name="Leftlater",
        status=MemberStatus.LEFT,
        left_on=day + timedelta(days=1),
    )
    newcomer = add_member(
        app,
        chapter_id,
        user__first_name="Nina",
        user__last_name="New",
        joined_on=day + timedelta(days=1),
    )
    joined_that_day = add_member(
        app, chapter_id, user__first_name="Jo", user__last_name="Joined", joined_on=day
    )
    meeting_id = held_meeting(app, chapter_id, day, completed=False)
    login_as(client, people.leader)
    response = client.get(f"/meetings/{meeting_id}/roster")
    assert response.status_code == 200
    listed = roster_member_ids(response)
    assert sorted(listed) == sorted(
        [
            people.leader.member_id,
            people.member.member_id,
            left_later.member_id,
            joined_that_day.member_id,
        ]
    )
    for absent in (on_leave, gone, newcomer, people.other_member, people.other_leader):
        assert absent.member_id not in listed
    page = visible(response)
    assert "On leave (not on the roster, not counted) Lena Leave" in page
    assert "Gina Gone" not in page.split("On leave")[1].split("Visitors")[0]
    assert "member@away.example" not in page


def test_saving_a_draft_stores_the_letters_and_notes(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)
    login_as(client, people.leader)
    version = page_version(client.get(f"/meetings/{meeting_id}/roster"))
    assert version == "0"
    response = client.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(
            version,
            [
                roster_row(people.leader.member_id, "P"),
                roster_row(people.member.member_id, "L", note=" Traffic "),
            ],
        ),
    )
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == f"/meetings/{meeting_id}/roster"
    page = client.get(response.headers["Location"])
    assert "Roster saved as a draft." in text(page)
    assert checked_letters(page) == {people.leader.member_id: "P", people.member.member_id: "L"}
    assert stored_letters(app, meeting_id) == {
        people.leader.member_id: "P",
        people.member.member_id: "L",
    }
    with app.app_context():
        note = db.session.scalar(
            db.select(Attendance.note).where(Attendance.member_id == people.member.member_id)
        )
    assert note == "Traffic"
    state = meeting_state(app, meeting_id)
    assert (state["completed"], state["version"]) == (False, 1)
    assert page_version(page) == "1"
    (event,) = audit_trail(app, "Meeting", meeting_id)
    assert event.action == "roster.saved"
    assert event.actor_id == people.leader.user_id
    assert event.chapter_id == people.leader.chapter_id
    assert event.before == {}
    assert event.after[str(people.member.member_id)] == {
        "status": "L",
        "note": "Traffic",
        "substitute_id": None,
    }


def test_mark_everyone_else_present_fills_the_rest_with_p(
    app: Flask, client: FlaskClient, people: People
) -> None:
    third = add_member(app, people.leader.chapter_id)
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)
    login_as(client, people.leader)
    response = client.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(
            0,
            [
                roster_row(people.leader.member_id, None),
                roster_row(people.member.member_id, "A"),
                roster_row(third.member_id, None),
            ],
            mark_rest_present="Mark everyone else present",
        ),
    )
    assert response.status_code == 302, text(response)
    assert stored_letters(app, meeting_id) == {
        people.leader.member_id: "P",
        people.member.member_id: "A",
        third.member_id: "P",
    }
    assert meeting_state(app, meeting_id)["completed"] is False  # still a draft


def test_substitute_without_a_name_is_refused_at_its_row_and_nothing_is_saved(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)
    login_as(client, people.leader)
    response = client.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(
            0,
            [
                roster_row(people.leader.member_id, "P", note="On time"),
                roster_row(people.member.member_id, "S", substitute_email="sam@sub.example"),
            ],
            [{"name": "Vera Visitor", "email": "vera@visitor.example"}],
        ),
    )
    assert response.status_code == 422
    assert field_errors(response, "rows-1-substitute_name") == [
        "Enter the substitute's name (or choose another letter)."
    ]
    assert field_errors(response, "rows-0-substitute_name") == []
    assert checked_letters(response) == {people.leader.member_id: "P", people.member.member_id: "S"}
    assert stored_letters(app, meeting_id) == {}  # not even the leader's P
    assert count_of(app, Guest) == 0
    assert count_of(app, Visit) == 0
    assert meeting_state(app, meeting_id)["version"] == 0
    assert audit_trail(app, "Meeting", meeting_id) == []


def test_visitor_without_a_name_is_refused_and_nothing_is_saved(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)
    login_as(client, people.leader)
    response = client.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(
            0,
            [roster_row(people.leader.member_id, "P")],
            [{"name": " ", "email": "nameless@visitor.example"}],
        ),
    )
    assert response.status_code == 422
    assert field_errors(response, "visitors-0-name") == ["Enter the visitor's name."]
    assert input_value(response, "visitors-0-email") == "nameless@visitor.example"
    assert stored_letters(app, meeting_id) == {}
    assert count_of(app, Guest) == 0
    assert meeting_state(app, meeting_id)["version"] == 0


def test_visitor_error_is_shown_at_the_visitor_row_that_has_it(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """The first visitor row left blank, the second with an e-mail but no name: the message
    belongs next to the second row's name, where the leader typed."""
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)
    login_as(client, people.leader)
    response = client.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(
            0,
            [],
            [{"name": ""}, {"name": "", "email": "nameless@visitor.example"}, {"name": ""}],
        ),
    )
    assert response.status_code == 422
    assert field_errors(response, "visitors-1-name") == ["Enter the visitor's name."]
    assert field_errors(response, "visitors-0-name") == []
    assert count_of(app, Guest) == 0


@pytest.mark.parametrize(
    ("rows", "version"),
    [
        pytest.param([{"status": "Z"}], "0", id="unknown-letter"),
        pytest.param([{"status": "p"}], "0", id="lower-case-letter"),
        pytest.param([{"member_id": "abc", "status": "P"}], "0", id="member-id-not-a-number"),
        pytest.param([{"member_id": "", "status": "P"}], "0", id="no-member-id"),
        pytest.param([{"status": "P"}], "abc", id="version-not-a-number"),
        pytest.param([{"status": "P"}], "", id="no-version"),
    ],
)
def test_malformed_roster_input_is_refused_without_a_500(
    app: Flask, client: FlaskClient, people: People, rows: list[dict[str, str]], version: str
) -> None:
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)
    login_as(client, people.leader)
    posted = [{"member_id": people.member.member_id, **row} for row in rows]
    response = client.post(f"/meetings/{meeting_id}/roster", data=roster_form(version, posted))
    assert response.status_code == 422
    assert "Attendance roster:" in text(response)
    assert stored_letters(app, meeting_id) == {}


@pytest.mark.parametrize("whose", ["other_member", "on_leave"])
def test_a_member_who_is_not_on_the_roster_cannot_be_marked(
    app: Flask, client: FlaskClient, people: People, whose: str
) -> None:
    if whose == "on_leave":
        member_id = add_member(
            app, people.leader.chapter_id, status=MemberStatus.ON_LEAVE
        ).member_id
    else:
        member_id = people.other_member.member_id
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)
    login_as(client, people.leader)
    response = client.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(0, [roster_row(people.leader.member_id, "P"), roster_row(member_id, "P")]),
    )
    assert response.status_code == 422
    assert "That member is not on this meeting's roster." in form_errors(response)
    assert stored_letters(app, meeting_id) == {}


def test_completing_with_unmarked_members_is_refused_naming_them(
    app: Flask, client: FlaskClient, people: People
) -> None:
    third = add_member(
        app, people.leader.chapter_id, user__first_name="Una", user__last_name="Unmarked"
    )
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)
    member_name = full_name(app, people.member.member_id)
    login_as(client, people.leader)
    response = client.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(
            0,
            [
                roster_row(people.leader.member_id, "P"),
                roster_row(people.member.member_id, None),
                roster_row(third.member_id, None),
            ],
            complete="Save and complete roster",
        ),
    )
    assert response.status_code == 422
    (message,) = form_errors(response)
    assert message.startswith("Mark every member first. Not marked yet: ")
    assert member_name in message
    assert "Una Unmarked" in message
    assert stored_letters(app, meeting_id) == {}  # the leader's P was not kept either
    assert meeting_state(app, meeting_id)["completed"] is False


def test_a_roster_cannot_be_completed_before_the_meeting_day(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = upcoming_meeting(app, people.leader.chapter_id)
    login_as(client, people.leader)
    response = client.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(
            0,
            [roster_row(people.leader.member_id, "P"), roster_row(people.member.member_id, "P")],
            complete="Save and complete roster",
        ),
    )
    assert response.status_code == 422
    assert "A roster can be completed on or after the meeting day." in form_errors(response)
    assert stored_letters(app, meeting_id) == {}


def test_completed_roster_is_read_only_until_reopened_and_every_step_is_audited(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)
    member, leader = str(people.member.member_id), str(people.leader.member_id)
    login_as(client, people.leader)
    completed = client.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(
            0,
            [roster_row(people.leader.member_id, "P"), roster_row(people.member.member_id, "A")],
            complete="Save and complete roster",
        ),
    )
    assert completed.status_code == 302, text(completed)
    page = client.get(completed.headers["Location"])
    assert "Roster completed." in text(page)
    assert "This roster is completed and read-only." in text(page)
    assert "<fieldset disabled>" in page.get_data(as_text=True)
    assert "Save draft" not in text(page)
    assert meeting_state(app, meeting_id)["completed"] is True

    refused = client.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(page_version(page), [roster_row(people.member.member_id, "P")]),
    )
    assert refused.status_code == 422
    assert "This roster is completed. Reopen it to make changes." in form_errors(refused)
    assert stored_letters(app, meeting_id)[people.member.member_id] == "A"

    reopened = client.post(f"/meetings/{meeting_id}/roster/reopen")
    assert reopened.status_code == 302
    page = client.get(reopened.headers["Location"])
    assert "Roster reopened: changes are possible again, and audited." in text(page)
    assert meeting_state(app, meeting_id)["completed"] is False

    corrected = client.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(page_version(page), [roster_row(people.member.member_id, "M")]),
    )
    assert corrected.status_code == 302, text(corrected)
    assert stored_letters(app, meeting_id) == {
        people.leader.member_id: "P",
        people.member.member_id: "M",
    }

    events = audit_trail(app, "Meeting", meeting_id)
    assert [event.action for event in events] == [
        "roster.saved",
        "roster.completed",
        "roster.reopened",
        "roster.saved",
    ]
    assert {event.actor_id for event in events} == {people.leader.user_id}
    assert {event.chapter_id for event in events} == {people.leader.chapter_id}
    assert set(events[0].after) == {member, leader, "visitors"}
    assert events[1].after == {"members": 2, "visitors": 0}
    assert events[2].before["completed_at"] is not None
    assert events[2].after == {"completed_at": None}
    assert events[3].before == {member: {"status": "A", "note": "", "substitute_id": None}}
    assert events[3].after == {
        member: {"status": "M", "note": "", "substitute_id": None},
        "visitors": 0,
    }

    trail = client.get(f"/meetings/{meeting_id}/audit")
    assert trail.status_code == 200
    page = trail.get_data(as_text=True)
    leader_name = full_name(app, people.leader.member_id)
    member_name = full_name(app, people.member.member_id)
    assert re.findall(r'<strong class="audit-title">([^<]*)</strong>', page) == [
        "Roster saved as a draft",
        "Roster completed",
        "Roster reopened for corrections",
        "Roster saved as a draft",
    ]
    assert re.findall(r'<span class="audit-who">([^<]*)</span>', page) == [leader_name] * 4
    last = page.split('<li class="list-group-item">')[-1]
    assert f"{member_name}: Absent → Medical" in text_of(last)  # what changed, readable


def test_reopening_a_roster_that_is_not_completed_is_refused(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)
    login_as(client, people.leader)
    response = client.post(f"/meetings/{meeting_id}/roster/reopen")
    assert response.status_code == 422
    assert "This roster is not completed." in form_errors(response)
    assert audit_trail(app, "Meeting", meeting_id) == []


def test_second_save_from_a_stale_page_gets_409_and_the_first_save_is_kept(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)
    second_leader = add_member(app, people.leader.chapter_id, position="vice_president")
    login_as(client, people.leader)
    opened_by_first = page_version(client.get(f"/meetings/{meeting_id}/roster"))
    other = FlaskClient(app, app.response_class, use_cookies=True)
    login_as(other, second_leader)
    opened_by_second = page_version(other.get(f"/meetings/{meeting_id}/roster"))
    assert opened_by_first == opened_by_second == "0"

    first = client.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(opened_by_first, [roster_row(people.member.member_id, "P")]),
    )
    assert first.status_code == 302, text(first)
    second = other.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(
            opened_by_second,
            [roster_row(people.member.member_id, "A"), roster_row(people.leader.member_id, "L")],
        ),
    )
    assert second.status_code == 409
    assert "The roster changed since you opened it" in form_errors(second)[0]
    assert stored_letters(app, meeting_id) == {people.member.member_id: "P"}
    assert checked_letters(second) == {people.member.member_id: "P"}  # the current roster
    assert page_version(second) == "1"
    assert [e.action for e in audit_trail(app, "Meeting", meeting_id)] == ["roster.saved"]

    retried = other.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(page_version(second), [roster_row(people.leader.member_id, "L")]),
    )
    assert retried.status_code == 302, text(retried)
    assert stored_letters(app, meeting_id) == {
        people.member.member_id: "P",
        people.leader.member_id: "L",
    }


def build_busy_roster(
    app: Flask, people: People, meeting_id: int, earlier_id: int, count: int
) -> None:
    """``count`` more members, each with a letter (some substitutes), an earlier absence, and
    a visitor they invited; one more on leave."""
    with app.app_context():
        home = db.session.get(Chapter, people.leader.chapter_id)
        added = factories.MemberFactory.create_batch(count, chapter=home)
        factories.MemberFactory(chapter=home, status=MemberStatus.ON_LEAVE)
        db.session.flush()
        for number, member in enumerate(added):
            letter = [Palms.PRESENT, Palms.SUBSTITUTE, Palms.LATE, Palms.MEDICAL][number % 4]
            substitute = GuestFactory(chapter_id=home.id) if letter is Palms.SUBSTITUTE else None
            AttendanceFactory(
                meeting_id=meeting_id,
                member_id=member.id,
                status=letter,
                substitute_id=substitute.id if substitute else None,
                announced=letter is Palms.SUBSTITUTE,
            )
            AttendanceFactory(meeting_id=earlier_id, member_id=member.id, status=Palms.ABSENT)
            guest = GuestFactory(chapter_id=home.id)
            VisitFactory(meeting_id=meeting_id, guest_id=guest.id, invited_by_id=member.id)
        db.session.commit()


def test_roster_page_runs_the_same_number_of_queries_for_5_and_40_members(
    app: Flask, client: FlaskClient, people: People
) -> None:
    earlier, day = past_wednesdays(2)[1], past_wednesdays(1)[0]
    earlier_id = held_meeting(app, people.leader.chapter_id, earlier)
    meeting_id = held_meeting(app, people.leader.chapter_id, day, completed=False)
    build_busy_roster(app, people, meeting_id, earlier_id, 3)
    login_as(client, people.leader)
    path = f"/meetings/{meeting_id}/roster"
    client.get(path)  # warm up: the first request may open a connection
    with count_queries(app) as with_5:
        response = client.get(path)
    assert len(roster_member_ids(response)) == 5
    build_busy_roster(app, people, meeting_id, earlier_id, 35)
    with count_queries(app) as with_40:
        response = client.get(path)
    assert len(roster_member_ids(response)) == 40
    assert len(with_40) == len(with_5), "\n".join(with_40)


# --- the absence rule and my attendance ------------------------------------------------------


def test_members_at_the_absence_limit_are_flagged_with_the_dates_that_count(
    app: Flask, client: FlaskClient, people: People
) -> None:
    chapter_id = people.leader.chapter_id
    draft_day, w1, w2, w3, w4, w5 = past_wednesdays(6)
    old = months_before(chapter_today(), 7)
    olga = add_member(app, chapter_id, user__first_name="Olga", user__last_name="Older")
    dora = add_member(app, chapter_id, user__first_name="Dora", user__last_name="Draft")
    cora = add_member(app, chapter_id, user__first_name="Cora", user__last_name="Cancelled")
    member, leader = people.member.member_id, people.leader.member_id
    absent, medical, substitute = Palms.ABSENT, Palms.MEDICAL, Palms.SUBSTITUTE
    everyone_absent = {
        member: absent,
        olga.member_id: absent,
        dora.member_id: absent,
        cora.member_id: absent,
    }
    held_meeting(app, chapter_id, w1, {**everyone_absent, leader: absent})
    held_meeting(app, chapter_id, w2, {**everyone_absent, leader: absent})
    held_meeting(app, chapter_id, w3, {member: absent, leader: medical})
    held_meeting(app, chapter_id, w4, {leader: substitute})
    held_meeting(app, chapter_id, old, {olga.member_id: absent}, extra=True)
    held_meeting(app, chapter_id, w5, {cora.member_id: absent}, cancelled=True)
    draft_id = held_meeting(app, chapter_id, draft_day, {dora.member_id: absent}, completed=False)
    member_name = full_name(app, member)

    login_as(client, people.leader)
    flagged = at_limit_section(client.get("/"))
    dates = ", ".join(date_short(day) for day in (w3, w2, w1))
    assert f"At the absence limit (3 in 6 months) {member_name}: 3 absences ({dates})" in flagged
    for not_flagged in (full_name(app, leader), "Olga Older", "Dora Draft", "Cora Cancelled"):
        assert not_flagged not in flagged

    roster = client.get(f"/meetings/{draft_id}/roster")
    assert (
        standing_line(roster, member) == f"At the absence limit: 3 absences in 6 months ({dates})"
    )
    assert standing_line(roster, leader).startswith("2 absences in 6 months")
    assert standing_line(roster, olga.member_id).startswith("2 absences in 6 months")
    assert standing_line(roster, dora.member_id).startswith("2 absences in 6 months")
    assert standing_line(roster, cora.member_id).startswith("2 absences in 6 months")

    login_as(client, people.member)
    mine = client.get("/attendance/me")
    assert letter_counts_on(mine)["Absent"] == 3
    assert "You have reached the chapter's limit of 3 absences in 6 months." in visible(mine)
    assert "you have reached the chapter's limit of 3." in visible(client.get("/"))


def test_my_attendance_shows_my_palms_counts_and_absences_left(
    app: Flask, client: FlaskClient, people: People
) -> None:
    chapter_id = people.leader.chapter_id
    member = people.member.member_id
    draft_day, *held = past_wednesdays(9)
    for day, letter in zip(held, "PPALMS", strict=False):
        held_meeting(app, chapter_id, day, {member: Palms(letter)})
    held_meeting(app, chapter_id, held[6], {member: Palms.ABSENT}, cancelled=True)
    held_meeting(
        app, chapter_id, months_before(chapter_today(), 7), {member: Palms.ABSENT}, extra=True
    )
    held_meeting(app, chapter_id, draft_day, {member: Palms.ABSENT}, completed=False)
    held_meeting(app, chapter_id, held[7], {people.leader.member_id: Palms.ABSENT})  # not mine
    login_as(client, people.member)
    response = client.get("/attendance/me")
    assert letter_counts_on(response) == {
        "Present": 2,
        "Absent": 1,
        "Late": 1,
        "Medical": 1,
        "Substitute": 1,
    }
    page = visible(response)
    assert "2 absences left before the chapter's limit of 3 in 6 months." in page
    assert f"Absences that count: {date_short(held[2])}." in page
    assert "Late 1 time." in page
    history = response.get_data(as_text=True).split("<tbody>")[1]
    assert date_long(draft_day) in history  # drafts are shown, marked
    assert "draft" in text_of(history)
    assert date_long(held[6]) not in history  # a cancelled meeting is not history
    assert "1 absence in the last 6 months; 2 more before the chapter's limit of 3." in visible(
        client.get("/")
    )


def test_leader_changes_the_absence_limit(app: Flask, client: FlaskClient, people: People) -> None:
    chapter_id = people.leader.chapter_id
    for day in past_wednesdays(2):
        held_meeting(app, chapter_id, day, {people.member.member_id: Palms.ABSENT})
    member_name = full_name(app, people.member.member_id)
    login_as(client, people.leader)
    assert member_name not in at_limit_section(client.get("/"))
    form = client.get("/chapter/settings")
    assert input_value(form, "absence_limit") == "3"
    response = client.post(
        "/chapter/settings", data={"location": " Café Royal ", "absence_limit": "2"}
    )
    assert response.status_code == 302, text(response)
    assert response.headers["Location"] == "/chapter/settings"
    assert "Chapter settings saved." in text(client.get(response.headers["Location"]))
    with app.app_context():
        chapter = db.session.get(Chapter, chapter_id)
        assert (chapter.absence_limit, chapter.location) == (2, "Café Royal")
    (event,) = audit_trail(app, "Chapter", chapter_id)
    assert event.action == "chapter.settings"
    assert event.before["absence_limit"] == 3
    assert event.after["absence_limit"] == 2
    assert f"At the absence limit (2 in 6 months) {member_name}" in at_limit_section(
        client.get("/")
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Number must be between 1 and 26."),
        ("27", "Number must be between 1 and 26."),
        ("-1", "Number must be between 1 and 26."),
        ("abc", "Not a valid integer value."),
        ("2.5", "Not a valid integer value."),
        ("", "This field is required."),
    ],
)
def test_an_absence_limit_outside_1_to_26_is_refused_at_the_field(
    app: Flask, client: FlaskClient, people: People, value: str, message: str
) -> None:
    login_as(client, people.leader)
    response = client.post(
        "/chapter/settings", data={"location": "Elsewhere", "absence_limit": value}
    )
    assert response.status_code == 422
    assert message in field_errors(response, "absence_limit")
    with app.app_context():
        chapter = db.session.get(Chapter, people.leader.chapter_id)
        assert (chapter.absence_limit, chapter.location) == (3, "Town hall")
    assert audit_trail(app, "Chapter", people.leader.chapter_id) == []


# --- the summary -----------------------------------------------------------------------------


def summary_table(response) -> dict[str, list[int]]:
    """Member name -> [P, A, L, M, S, Meetings, Visitors] from the summary table."""
    body = response.get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]
    return {
        text_of(name): [int(n) for n in re.findall(r"<td>(\d+)</td>", cells)]
        for name, cells in re.findall(
            r"<tr><td>(.*?)</td>((?:<td>\d+</td>)+)(?:<td class=[^>]*>[^<]*</td>)?</tr>", body
        )
    }


def summary_world(app: Flask, people: People) -> dict[str, object]:
    """Two completed rosters in the range, and meetings that must not count."""
    chapter_id = people.leader.chapter_id
    w1, w2, w3 = past_wednesdays(3)
    mo = add_member(app, chapter_id, user__first_name="Mo", user__last_name="Medic")
    member, leader = people.member.member_id, people.leader.member_id
    P, A, L, M, S = (Palms(letter) for letter in "PALMS")
    first = held_meeting(app, chapter_id, w1, {member: P, leader: S, mo.member_id: M})
    held_meeting(app, chapter_id, w2, {member: A, leader: L, mo.member_id: P})
    outside = held_meeting(app, chapter_id, w3, {member: A, leader: A, mo.member_id: A})
    draft = held_meeting(
        app, chapter_id, w1 - timedelta(days=1), {member: A}, completed=False, extra=True
    )
    held_meeting(app, chapter_id, w2 + timedelta(days=1), {member: A}, cancelled=True, extra=True)
    held_meeting(app, people.other_leader.chapter_id, w1, {people.other_member.member_id: P})
    with app.app_context():
        for meeting_id, inviter in [
            (first, member),
            (first, member),
            (outside, member),
            (draft, leader),
        ]:
            guest = GuestFactory(chapter_id=chapter_id)
            VisitFactory(meeting_id=meeting_id, guest_id=guest.id, invited_by_id=inviter)
        db.session.commit()
    return {
        "start": w2,
        "end": w1,
        "member": full_name(app, member),
        "leader": full_name(app, leader),
        "other": full_name(app, people.other_member.member_id),
    }


def test_summary_counts_completed_rosters_in_the_range(
    app: Flask, client: FlaskClient, people: People
) -> None:
    world = summary_world(app, people)
    login_as(client, people.leader)
    response = client.get(
        "/attendance/summary",
        query_string={"start": world["start"].isoformat(), "end": world["end"].isoformat()},
    )
    assert response.status_code == 200
    assert summary_table(response) == {
        #                    P  A  L  M  S  Meetings Visitors
        world["leader"]: [0, 0, 1, 0, 1, 2, 0],
        world["member"]: [1, 1, 0, 0, 0, 2, 2],
        "Mo Medic": [1, 0, 0, 1, 0, 2, 0],
    }
    # Attendance share: P, L and S out of every meeting but M (the leader 2 of 2, the member
    # 1 of 2, Mo's Medical week counts neither way: 1 of 1).
    shares = re.findall(
        r"<tr><td>([^<]*)</td>.*?class=\"summary-attendance\">([^<]*)<", text(response)
    )
    assert dict(shares) == {world["leader"]: "100%", world["member"]: "50%", "Mo Medic": "100%"}
    assert world["other"] not in text(response)
    assert (
        f"Completed rosters from {date_short(world['start'])} to {date_short(world['end'])}"
        in text(response)
    )


def test_summary_downloads_as_csv(app: Flask, client: FlaskClient, people: People) -> None:
    world = summary_world(app, people)
    start, end = world["start"].isoformat(), world["end"].isoformat()
    login_as(client, people.leader)
    page = text(client.get("/attendance/summary", query_string={"start": start, "end": end}))
    assert f"/attendance/summary?start={start}&end={end}&format=csv" in page
    response = client.get(
        "/attendance/summary", query_string={"start": start, "end": end, "format": "csv"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="attendance-{start}-{end}.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["Member", "P", "A", "L", "M", "S", "Meetings", "Visitors", "Attendance %"]
    assert sorted(rows[1:]) == sorted(
        [
            [world["leader"], "0", "0", "1", "0", "1", "2", "0", "100"],
            [world["member"], "1", "1", "0", "0", "0", "2", "2", "50"],
            ["Mo Medic", "1", "0", "0", "1", "0", "2", "0", "100"],  # M counts neither way
        ]
    )


def test_summary_without_completed_rosters_says_so(client: FlaskClient, people: People) -> None:
    login_as(client, people.leader)
    response = client.get("/attendance/summary")
    assert response.status_code == 200
    assert "No completed rosters in this range." in text(response)
    today = chapter_today()
    assert input_value(response, "end") == today.isoformat()
    assert input_value(response, "start") == (today - timedelta(days=182)).isoformat()


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        (
            {"start": "2026-06-01", "end": "2026-05-01"},
            "end",
            "The end must not be before the start.",
        ),
        ({"start": "2026-02-30", "end": "2026-05-01"}, "start", "Not a valid date value."),
        ({"start": "2026-01-01", "end": "soon"}, "end", "Not a valid date value."),
        (
            {"start": "0001-01-01", "end": "2026-05-01"},
            "start",
            "Enter a date between 1950 and 2100.",
        ),
        (
            {"start": "2026-01-01", "end": "9999-12-31", "format": "csv"},
            "end",
            "Enter a date between 1950 and 2100.",
        ),
        (
            {"start": "2026-06-01", "end": "2026-05-01", "format": "csv"},
            "end",
            "The end must not be before the start.",
        ),
    ],
)
def test_a_bad_summary_range_is_refused_at_the_field(
    client: FlaskClient, people: People, query: dict[str, str], field: str, message: str
) -> None:
    login_as(client, people.leader)
    response = client.get("/attendance/summary", query_string=query)
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert message in field_errors(response, field)
