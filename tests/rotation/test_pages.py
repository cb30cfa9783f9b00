"""Rotation blueprint: the presentation rotation, generating it, swaps, assignments, outcomes,
swap requests between members, the private calendar feeds, and the dashboard's reminder."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.rotation.states import Outcome, SwapStatus
from tests.conftest import People, Person, count_queries, login_as

# (status, what they see: page text, or where a 302 goes; whether anything stored changed)
from tests.support import clock
from tests.support.access import (
    ADMIN,
    ANONYMOUS,
    LEADER,
    MEMBER,
    OTHER_LEADER,
    assert_answer,
    chapter_page,
    log_in_as,
    matrix,
)
from tests.support.attendance_factories import (
    add_member,
    chapter_today,
    full_name,
    past_wednesdays,
    visible,
)
from tests.support.rotation_helpers import (
    add_meetings,
    add_slot,
    add_swap_request,
    audit_events,
    calendar_events,
    chapter_token,
    dates_of,
    feed_url,
    followed,
    generate,
    member_token,
    names,
    notices_of,
    past_rows,
    refusal,
    request_status,
    requests_of,
    rotation_of,
    row_for,
    slot,
    slot_ids,
    snapshot,
    starts,
    upcoming_rows,
    update_chapter,
    wednesdays,
)

TO_LOGIN = (302, "/login?next=", False)
FORBIDDEN = (403, "Not allowed", False)
NOT_FOUND = (404, "Page not found", False)
DONE = (302, "/rotation/", True)
MEMBER_FEED = "member-feed-token-0123456789abcdef"
CHAPTER_FEED = "chapter-feed-token-0123456789abcdef"


def leader_only(leader: tuple, other_leader: tuple = NOT_FOUND) -> dict[str, tuple]:
    return members_too(FORBIDDEN, leader, other_leader)


def members_too(member: tuple, leader: tuple, other_leader: tuple = NOT_FOUND) -> dict:
    return chapter_page(member, leader, other_leader, anonymous=TO_LOGIN, admin=FORBIDDEN)


def anyone(seen: tuple) -> dict[str, tuple]:
    """A public feed: the token decides, not who asks."""
    return dict.fromkeys((ANONYMOUS, MEMBER, LEADER, OTHER_LEADER, ADMIN), seen)


# method, path, form data, {person: expectation}. Placeholders are the `world` fixture's ids:
# slots {w1_leader} {w2_member} {w3_leader} (upcoming) and {past_member}; swap requests
# {leader_asks_member} (W1 for W2) and {member_asks_leader} (W2 for W3); members {member}.
ROUTES = [
    (
        "GET",
        "/rotation/",
        None,
        {
            ANONYMOUS: TO_LOGIN,
            MEMBER: (200, "(you)", False),
            LEADER: (200, "Generate / extend the rotation", False),
            OTHER_LEADER: (200, "No upcoming meetings.", False),
            ADMIN: FORBIDDEN,
        },
    ),
    ("POST", "/rotation/generate", None, leader_only(DONE, (302, "/rotation/", False))),
    (
        "POST",
        "/rotation/swap",
        {"first_id": "{w1_leader}", "second_id": "{w2_member}"},
        leader_only(DONE),
    ),
    (
        "POST",
        "/rotation/presentations/{w1_leader}/assign",
        {"member_id": "{member}"},
        leader_only(DONE),
    ),
    (
        "POST",
        "/rotation/presentations/{past_member}/outcome",
        {"outcome": "presented"},
        leader_only(DONE),
    ),
    (
        "POST",
        "/rotation/presentations/{w2_member}/swap-request",
        {"target_id": "{w1_leader}"},
        members_too(DONE, (422, "You can only offer your own slot.", False)),
    ),
    (
        "POST",
        "/rotation/swap-requests/{leader_asks_member}/accept",
        None,
        members_too(DONE, (422, "Only the member who was asked can answer.", False)),
    ),
    (
        "POST",
        "/rotation/swap-requests/{leader_asks_member}/decline",
        None,
        members_too(DONE, (422, "Only the member who was asked can answer.", False)),
    ),
    (
        "POST",
        "/rotation/swap-requests/{member_asks_leader}/cancel",
        None,
        members_too(DONE, (422, "Only the member who asked can cancel.", False)),
    ),
    ("POST", "/rotation/feed/reset", None, members_too(DONE, DONE, other_leader=DONE)),
    ("POST", "/rotation/chapter-feed/reset", None, leader_only(DONE, other_leader=DONE)),
    (
        "GET",
        f"/calendar/{MEMBER_FEED}.ics",
        None,
        anyone((200, "SUMMARY:Home Chapter meeting (I present)", False)),
    ),
    ("GET", "/calendar/no-such-token.ics", None, anyone(NOT_FOUND)),
    (
        "GET",
        f"/calendar/chapter/{CHAPTER_FEED}.ics",
        None,
        anyone((200, "X-WR-CALNAME:Home Chapter: presentation rotation", False)),
    ),
    ("GET", "/calendar/chapter/no-such-token.ics", None, anyone(NOT_FOUND)),
]
MATRIX = matrix(ROUTES)


@pytest.fixture
def world(app: Flask, people: People) -> dict[str, int]:
    """The home chapter with a meeting last week (the member presented) and four ahead:
    W1 leader, W2 member, W3 leader, W4 not scheduled; two pending swap requests; feeds."""
    home = people.leader.chapter_id
    last = past_wednesdays(1)[0]
    w1, w2, w3, w4 = wednesdays(4)
    meeting = add_meetings(app, home, [last, w1, w2, w3, w4])
    leader, member = people.leader.member_id, people.member.member_id
    ids = {
        "leader": leader,
        "member": member,
        "past_member": add_slot(app, meeting[last], member),
        "w1_leader": add_slot(app, meeting[w1], leader),
        "w2_member": add_slot(app, meeting[w2], member),
        "w3_leader": add_slot(app, meeting[w3], leader),
    }
    ids["leader_asks_member"] = add_swap_request(app, ids["w1_leader"], ids["w2_member"])
    ids["member_asks_leader"] = add_swap_request(app, ids["w2_member"], ids["w3_leader"])
    with app.app_context():
        db.session.get(Member, member).calendar_token = MEMBER_FEED
        db.session.get(Chapter, home).calendar_token = CHAPTER_FEED
        # Everyone has looked before, so a page view writes nothing (the first view makes
        # the addresses: tests/rotation/test_calendar_subscribe.py).
        for person in (people.leader, people.other_leader):
            db.session.get(Member, person.member_id).calendar_token = f"feed-{person.member_id}"
        db.session.get(Chapter, people.other_leader.chapter_id).calendar_token = "away-feed"
        db.session.commit()
    return ids


@pytest.mark.parametrize(("method", "path", "data", "who", "status", "seen", "changes"), MATRIX)
def test_access_matrix_of_rotation_routes(
    app: Flask,
    client: FlaskClient,
    people: People,
    world: dict[str, int],
    method: str,
    path: str,
    data: dict[str, str] | None,
    who: str,
    status: int,
    seen: str,
    changes: bool,
) -> None:
    log_in_as(client, people, who)
    before = snapshot(app)
    form = {key: value.format(**world) for key, value in (data or {}).items()}
    response = client.open(path.format(**world), method=method, data=form)
    assert_answer(response, status, seen)
    assert (snapshot(app) != before) is changes


# --- helpers -------------------------------------------------------------------------------


def veteran(app: Flask, people: People, joined_on: date, **fields: object) -> int:
    """Another member of the home chapter; returns their member id."""
    return add_member(app, people.leader.chapter_id, joined_on=joined_on, **fields).member_id


def two_veterans(app: Flask, people: People) -> tuple[int, int]:
    """Members X (joined 2020) and Y (2021): with the leader and member (2024), the first
    generation schedules X, Y, leader, member, X, Y..."""
    return (
        veteran(app, people, date(2020, 1, 1), user__first_name="Xena", user__last_name="First"),
        veteran(app, people, date(2021, 1, 1), user__first_name="Yuri", user__last_name="Second"),
    )


def schedule(app: Flask, people: People, weeks: int, **options) -> list[date]:
    """The home chapter's next ``weeks`` Wednesday meetings; returns their dates."""
    days = wednesdays(weeks)
    add_meetings(app, people.leader.chapter_id, days, **options)
    return days


def meeting_ids(app: Flask, chapter_id: int) -> dict[date, int]:
    with app.app_context():
        return {
            row.meets_on: row.id
            for row in db.session.execute(
                db.select(Meeting.meets_on, Meeting.id).where(Meeting.chapter_id == chapter_id)
            )
        }


def generated(app: Flask, client: FlaskClient, people: People) -> dict[date, list[int]]:
    """The leader generates the rotation; returns it."""
    login_as(client, people.leader)
    page = followed(client, generate(client))
    assert "Rotation updated:" in page
    return rotation_of(app, people.leader.chapter_id)


def presented(app: Flask, people: People, member_id: int, day: date) -> None:
    """``member_id`` presented at a past meeting on ``day`` (made if missing)."""
    meeting = meeting_ids(app, people.leader.chapter_id).get(day)
    if meeting is None:
        meeting = add_meetings(app, people.leader.chapter_id, [day])[day]
    add_slot(app, meeting, member_id, outcome=Outcome.PRESENTED)


def new_member_form(**overrides: str) -> dict[str, str]:
    data = {
        "first_name": "Nora",
        "last_name": "Newcomer",
        "email": "nora@newcomer.example",
        "business_name": "Newcomer Bakery",
        "classification": "Baker",
        "phone": "+44 20 7946 0000",
        "website": "https://newcomer.example",
        "joined_on": chapter_today().isoformat(),
        "renewal_on": "2030-11-01",
        "sponsor_id": "",
        "offer": "Bread and cakes for offices.",
        "ask": "Office managers who order catering.",
    }
    data.update(overrides)
    return data


def member_id_of(app: Flask, email: str) -> int:
    with app.app_context():
        return db.session.scalar(db.select(Member.id).join(Member.user).where(User.email == email))


def changes_message(
    app: Flask, before: dict[date, list[int]], after: dict[date, list[int]]
) -> tuple[list[date], str]:
    """The slots whose presenters changed, and how the leader is told about them."""
    changed = [day for day in before if set(before[day]) != set(after[day])]
    told = "; ".join(
        f"{day:%d %b}: {names(app, before[day])} → {names(app, after[day])}" for day in changed
    )
    return changed, "Presentation rotation updated: " + told


# --- what people see -------------------------------------------------------------------------


def test_member_sees_the_rotation_with_their_own_slot_and_no_leader_controls(
    app: Flask, client: FlaskClient, people: People, world: dict[str, int]
) -> None:
    login_as(client, people.member)
    response = client.get("/rotation/")
    w1, w2, w3, w4 = wednesdays(4)
    leader, member = (
        full_name(app, people.leader.member_id),
        full_name(app, people.member.member_id),
    )
    assert row_for(response, w1).startswith(f"{w1:%A} {w1.day} {w1:%B %Y} Confirmed {leader}")
    assert f"Confirmed {member} (you)" in row_for(response, w2)
    assert "Confirmed" not in row_for(response, w3)
    assert "Not scheduled yet" in row_for(response, w4)
    page = visible(response)
    assert "Ask someone to swap" in page
    for leader_control in ("Generate / extend the rotation", "Swap two slots", "slot to…"):
        assert leader_control not in page
    assert "Reset the chapter's calendar address" not in page


def test_leader_of_another_chapter_sees_only_their_own_rotation(
    app: Flask, client: FlaskClient, people: People, world: dict[str, int]
) -> None:
    login_as(client, people.other_leader)
    page = visible(client.get("/rotation/"))
    assert "No upcoming meetings." in page
    for home_name in (people.leader.member_id, people.member.member_id):
        assert full_name(app, home_name) not in page


# --- generating ------------------------------------------------------------------------------


def test_generate_fills_every_upcoming_held_meeting_with_presenters_per_meeting(
    app: Flask, client: FlaskClient, people: People
) -> None:
    update_chapter(app, people.leader.chapter_id, presenters_per_meeting=2)
    for year in (2019, 2020, 2021, 2022):
        veteran(app, people, date(year, 1, 1))
    days = wednesdays(8)
    schedule(app, people, 8, cancelled={days[2]})
    rotation = generated(app, client, people)
    assert list(rotation) == days
    assert rotation[days[2]] == []
    for day in days:
        if day != days[2]:
            assert len(set(rotation[day])) == 2, (day, rotation[day])
    response = client.get("/rotation/")
    assert "No presentation" in row_for(response, days[2])
    assert "Cancelled" in row_for(response, days[2])


def test_generate_puts_whoever_presented_longest_ago_first_never_first_ties_by_join_date(
    app: Flask, client: FlaskClient, people: People
) -> None:
    past = past_wednesdays(6)  # last week first
    never_2023 = veteran(app, people, date(2023, 3, 1))
    never_2022 = veteran(app, people, date(2022, 3, 1))
    three_weeks = veteran(app, people, date(2020, 1, 1))
    six_weeks = veteran(app, people, date(2025, 1, 1))
    four_weeks_2021 = veteran(app, people, date(2021, 1, 1))
    four_weeks_2019 = veteran(app, people, date(2019, 1, 1))
    presented(app, people, people.member.member_id, past[0])
    presented(app, people, people.leader.member_id, past[1])
    presented(app, people, three_weeks, past[2])
    presented(app, people, four_weeks_2021, past[3])
    presented(app, people, four_weeks_2019, past[3])
    presented(app, people, six_weeks, past[5])
    days = schedule(app, people, 8)
    expected = [
        never_2022,
        never_2023,
        six_weeks,
        four_weeks_2019,
        four_weeks_2021,
        three_weeks,
        people.leader.member_id,
        people.member.member_id,
    ]
    assert generated(app, client, people) == {
        day: [member] for day, member in zip(days, expected, strict=True)
    }


def test_members_on_leave_or_who_left_are_never_scheduled(
    app: Flask, client: FlaskClient, people: People
) -> None:
    on_leave = veteran(app, people, date(2019, 1, 1), status=MemberStatus.ON_LEAVE)
    left = veteran(app, people, date(2018, 1, 1), status=MemberStatus.LEFT)
    schedule(app, people, 6)
    rotation = generated(app, client, people)
    assert all(len(presenters) == 1 for presenters in rotation.values())
    scheduled = {member for presenters in rotation.values() for member in presenters}
    assert scheduled == {people.leader.member_id, people.member.member_id}
    page = visible(client.get("/rotation/"))
    assert full_name(app, on_leave) not in page
    assert full_name(app, left) not in page


@pytest.mark.parametrize(
    ("joined_before_fourth", "first_turn"),
    [
        pytest.param(timedelta(weeks=4), 3, id="exactly-4-weeks-before-the-4th-meeting"),
        pytest.param(timedelta(weeks=4, days=-1), 4, id="a-day-short-of-4-weeks"),
    ],
)
def test_a_new_member_is_not_scheduled_within_four_weeks_of_joining(
    app: Flask,
    client: FlaskClient,
    people: People,
    joined_before_fourth: timedelta,
    first_turn: int,
) -> None:
    days = wednesdays(6)
    newcomer = veteran(app, people, days[3] - joined_before_fourth)  # never presented
    schedule(app, people, 6)
    generated(app, client, people)
    assert dates_of(app, people.leader.chapter_id, newcomer)[0] == days[first_turn]


def test_regenerating_an_up_to_date_rotation_changes_nothing(
    app: Flask, client: FlaskClient, people: People
) -> None:
    two_veterans(app, people)
    schedule(app, people, 6)
    generated(app, client, people)
    before = snapshot(app)
    page = followed(client, generate(client))
    assert "The rotation was already up to date." in page
    assert snapshot(app) == before
    assert len(audit_events(app, "rotation.generated")) == 1


def test_generation_tells_the_leader_every_slot_and_is_audited_before_and_after(
    app: Flask, client: FlaskClient, people: People
) -> None:
    schedule(app, people, 4)
    login_as(client, people.leader)
    page = followed(client, generate(client))
    rotation = rotation_of(app, people.leader.chapter_id)
    told = "; ".join(f"{day:%d %b}: (nobody) → {names(app, ids)}" for day, ids in rotation.items())
    assert f"Rotation updated: {told}" in page
    [event] = audit_events(app, "rotation.generated")
    assert event.actor_id == people.leader.user_id
    assert event.chapter_id == people.leader.chapter_id
    assert (event.subject_type, event.subject_id) == ("Chapter", people.leader.chapter_id)
    assert event.before == {day.isoformat(): [] for day in rotation}
    assert event.after == {day.isoformat(): ids for day, ids in rotation.items()}


def test_the_next_two_meetings_are_confirmed_and_kept_when_their_presenter_goes_on_leave(
    app: Flask, client: FlaskClient, people: People
) -> None:
    x, y = two_veterans(app, people)
    days = schedule(app, people, 6)
    leader, member = people.leader.member_id, people.member.member_id
    assert generated(app, client, people) == dict(
        zip(days, [[x], [y], [leader], [member], [x], [y]], strict=True)
    )
    response = client.get("/rotation/")
    assert ["Confirmed" in row_for(response, day) for day in days] == [True, True] + [False] * 4

    assert client.post(f"/members/{x}/leave").status_code == 302
    after_leave = rotation_of(app, people.leader.chapter_id)
    assert after_leave[days[0]] == [x]
    assert after_leave[days[1]] == [y]
    assert x not in [member for day in days[2:] for member in after_leave[day]]

    followed(client, generate(client))
    assert rotation_of(app, people.leader.chapter_id) == after_leave
    assert full_name(app, x) in row_for(client.get("/rotation/"), days[0])


@pytest.mark.parametrize("action", ["leave", "left"])
def test_a_member_going_on_leave_or_leaving_loses_their_unconfirmed_slots_and_the_leader_is_told(
    app: Flask, client: FlaskClient, people: People, action: str
) -> None:
    x, _ = two_veterans(app, people)
    days = schedule(app, people, 8)
    before = generated(app, client, people)
    page = followed(client, client.post(f"/members/{x}/{action}"))
    after = rotation_of(app, people.leader.chapter_id)
    changed, message = changes_message(app, before, after)
    assert changed
    assert days[0] not in changed
    assert days[1] not in changed
    assert all(x not in after[day] for day in days[2:])
    assert all(len(after[day]) == 1 for day in days)
    assert message in page
    event = audit_events(app, "rotation.generated")[-1]
    assert event.actor_id == people.leader.user_id
    assert event.before == {day.isoformat(): before[day] for day in changed}
    assert event.after == {day.isoformat(): after[day] for day in changed}


def test_reactivating_a_member_puts_them_back_in_the_unconfirmed_slots(
    app: Flask, client: FlaskClient, people: People
) -> None:
    x, _ = two_veterans(app, people)
    days = schedule(app, people, 8)
    generated(app, client, people)
    client.post(f"/members/{x}/leave")
    before = rotation_of(app, people.leader.chapter_id)
    page = followed(client, client.post(f"/members/{x}/reactivate"))
    after = rotation_of(app, people.leader.chapter_id)
    changed, message = changes_message(app, before, after)
    assert days[0] not in changed
    assert days[1] not in changed
    assert message in page
    assert x in [member for day in days[2:] for member in after[day]]


def test_adding_a_member_schedules_them_after_four_weeks_and_the_leader_is_told(
    app: Flask, client: FlaskClient, people: People
) -> None:
    last_week, two_weeks_ago = past_wednesdays(2)
    presented(app, people, people.member.member_id, last_week)
    presented(app, people, people.leader.member_id, two_weeks_ago)
    days = schedule(app, people, 8)
    before = generated(app, client, people)
    page = followed(client, client.post("/members/new", data=new_member_form()))
    nora = member_id_of(app, "nora@newcomer.example")
    first = min(day for day in days if day >= chapter_today() + timedelta(weeks=4))
    assert dates_of(app, people.leader.chapter_id, nora)[0] == first
    _, message = changes_message(app, before, rotation_of(app, people.leader.chapter_id))
    assert message in page
    assert f"{first:%d %b}: {names(app, before[first])} → Nora Newcomer" in page


def test_cancelling_a_meeting_drops_its_presenter_and_the_leader_is_told(
    app: Flask, client: FlaskClient, people: People
) -> None:
    veteran(app, people, date(2020, 1, 1))
    days = schedule(app, people, 6)
    before = generated(app, client, people)
    meeting = meeting_ids(app, people.leader.chapter_id)[days[3]]
    page = followed(client, client.post(f"/meetings/{meeting}/cancel", data={"reason": "Holiday"}))
    after = rotation_of(app, people.leader.chapter_id)
    assert after[days[3]] == []
    assert all(len(after[day]) == 1 for day in days if day != days[3])
    _, message = changes_message(app, before, after)
    assert message in page
    assert f"{days[3]:%d %b}: {names(app, before[days[3]])} → (nobody)" in page

    page = followed(client, client.post(f"/meetings/{meeting}/restore"))
    restored = rotation_of(app, people.leader.chapter_id)
    assert all(len(restored[day]) == 1 for day in days)
    _, message = changes_message(app, after, restored)
    assert message in page
    assert f"{days[3]:%d %b}: (nobody) → {names(app, restored[days[3]])}" in page


# --- swapping --------------------------------------------------------------------------------


def test_leader_swaps_two_slots_and_regeneration_keeps_both(
    app: Flask, client: FlaskClient, people: People
) -> None:
    veteran(app, people, date(2020, 1, 1))
    days = schedule(app, people, 6)
    rotation = generated(app, client, people)
    slots = slot_ids(app, people.leader.chapter_id)
    [first], [second] = slots[days[2]], slots[days[3]]
    [a], [b] = rotation[days[2]], rotation[days[3]]
    response = client.post("/rotation/swap", data={"first_id": first, "second_id": second})
    assert "The two slots are swapped." in followed(client, response)
    assert (slot(app, first).member_id, slot(app, first).is_pinned) == (b, True)
    assert (slot(app, second).member_id, slot(app, second).is_pinned) == (a, True)
    page = client.get("/rotation/")
    assert f"{full_name(app, b)} set by hand" in row_for(page, days[2])
    assert f"{full_name(app, a)} set by hand" in row_for(page, days[3])

    followed(client, generate(client))
    kept = rotation_of(app, people.leader.chapter_id)
    assert (kept[days[2]], kept[days[3]]) == ([b], [a])

    [event] = audit_events(app, "rotation.swapped")
    meetings = meeting_ids(app, people.leader.chapter_id)
    assert event.actor_id == people.leader.user_id
    assert event.before == {"first": [meetings[days[2]], a], "second": [meetings[days[3]], b]}
    assert event.after == {"first": [meetings[days[2]], b], "second": [meetings[days[3]], a]}


@pytest.fixture
def two_per_meeting(app: Flask, client: FlaskClient, people: People) -> dict[str, object]:
    """Two presenters per meeting, four active members, one on leave, one who left; the
    rotation of the next four meetings generated by the leader (who stays logged in)."""
    update_chapter(app, people.leader.chapter_id, presenters_per_meeting=2)
    x, y = two_veterans(app, people)
    on_leave = veteran(app, people, date(2019, 1, 1), status=MemberStatus.ON_LEAVE)
    left = veteran(app, people, date(2018, 1, 1), status=MemberStatus.LEFT)
    days = schedule(app, people, 4)
    rotation = generated(app, client, people)
    return {
        "days": days,
        "rotation": rotation,
        "slots": slot_ids(app, people.leader.chapter_id),
        "active": [people.leader.member_id, people.member.member_id, x, y],
        "on_leave": on_leave,
        "left": left,
    }


def test_swap_of_two_slots_at_the_same_meeting_is_refused(
    app: Flask, client: FlaskClient, two_per_meeting: dict
) -> None:
    first, second = two_per_meeting["slots"][two_per_meeting["days"][2]]
    before = snapshot(app)
    response = client.post("/rotation/swap", data={"first_id": first, "second_id": second})
    assert response.status_code == 422
    assert refusal(response) == "Choose two slots at different meetings."
    assert snapshot(app) == before


def test_swap_with_a_slot_in_the_past_is_refused(
    app: Flask, client: FlaskClient, people: People
) -> None:
    days = schedule(app, people, 4)
    generated(app, client, people)
    past = add_meetings(app, people.leader.chapter_id, past_wednesdays(1))
    old = add_slot(app, next(iter(past.values())), people.member.member_id)
    [upcoming] = slot_ids(app, people.leader.chapter_id)[days[2]]
    before = snapshot(app)
    response = client.post("/rotation/swap", data={"first_id": old, "second_id": upcoming})
    assert response.status_code == 422
    assert refusal(response) == "That slot is in the past."
    assert snapshot(app) == before


def test_swap_with_a_slot_of_another_chapter_gets_404(
    app: Flask, client: FlaskClient, people: People
) -> None:
    days = schedule(app, people, 4)
    generated(app, client, people)
    away = add_meetings(app, people.other_leader.chapter_id, [days[2] + timedelta(days=1)])
    theirs = add_slot(app, next(iter(away.values())), people.other_member.member_id)
    [mine] = slot_ids(app, people.leader.chapter_id)[days[2]]
    before = snapshot(app)
    response = client.post("/rotation/swap", data={"first_id": mine, "second_id": theirs})
    assert response.status_code == 404
    assert "There is no such presentation slot in your chapter." in visible(response)
    assert snapshot(app) == before


@pytest.mark.parametrize(
    "form",
    [
        pytest.param({"first_id": "abc", "second_id": "{w3}"}, id="not-a-number"),
        pytest.param({"first_id": "", "second_id": ""}, id="empty"),
        pytest.param({"first_id": "{w3}"}, id="second-missing"),
        pytest.param({"first_id": "{w3}", "second_id": "{w3}"}, id="the-same-slot"),
        pytest.param({"first_id": "{w3}", "second_id": "1.5"}, id="a-fraction"),
    ],
)
def test_swap_with_garbage_ids_is_refused_and_changes_nothing(
    app: Flask, client: FlaskClient, people: People, form: dict[str, str]
) -> None:
    days = schedule(app, people, 4)
    generated(app, client, people)
    [w3] = slot_ids(app, people.leader.chapter_id)[days[2]]
    before = snapshot(app)
    response = client.post(
        "/rotation/swap", data={key: value.format(w3=w3) for key, value in form.items()}
    )
    assert response.status_code == 422
    assert refusal(response)
    assert snapshot(app) == before


# --- assigning -------------------------------------------------------------------------------


def test_leader_gives_a_slot_to_another_active_member_and_regeneration_keeps_it(
    app: Flask, client: FlaskClient, people: People, two_per_meeting: dict
) -> None:
    day = two_per_meeting["days"][2]
    target = two_per_meeting["slots"][day][0]
    previous = two_per_meeting["rotation"][day][0]
    newcomer = next(
        m for m in two_per_meeting["active"] if m not in two_per_meeting["rotation"][day]
    )
    response = client.post(f"/rotation/presentations/{target}/assign", data={"member_id": newcomer})
    assert "The slot is reassigned." in followed(client, response)
    assert (slot(app, target).member_id, slot(app, target).is_pinned) == (newcomer, True)
    [event] = audit_events(app, "rotation.assigned")
    assert event.actor_id == people.leader.user_id
    assert (event.before, event.after) == ({"member_id": previous}, {"member_id": newcomer})
    followed(client, generate(client))
    assert newcomer in rotation_of(app, people.leader.chapter_id)[day]


@pytest.mark.parametrize(
    ("choose", "message"),
    [
        pytest.param("left", "{name} is not active.", id="member-who-left"),
        pytest.param("on_leave", "{name} is not active.", id="member-on-leave"),
        pytest.param("other_chapter", "Choose a member of your chapter.", id="other-chapter"),
        pytest.param("unknown", "Choose a member of your chapter.", id="unknown-id"),
        pytest.param(
            "already", "{name} already presents at that meeting.", id="already-presenting"
        ),
        pytest.param("garbage", "", id="not-a-number"),
    ],
)
def test_assigning_a_slot_is_refused_for_someone_who_cannot_take_it(
    app: Flask,
    client: FlaskClient,
    people: People,
    two_per_meeting: dict,
    choose: str,
    message: str,
) -> None:
    day = two_per_meeting["days"][2]
    target = two_per_meeting["slots"][day][0]
    member_id = {
        "left": two_per_meeting["left"],
        "on_leave": two_per_meeting["on_leave"],
        "other_chapter": people.other_member.member_id,
        "unknown": 999_999,
        "already": two_per_meeting["rotation"][day][1],
        "garbage": "somebody",
    }[choose]
    before = snapshot(app)
    response = client.post(
        f"/rotation/presentations/{target}/assign", data={"member_id": member_id}
    )
    assert response.status_code == 422
    if "{name}" in message:
        message = message.format(name=full_name(app, member_id))
    assert refusal(response) == message or (not message and refusal(response))
    assert snapshot(app) == before


def test_assigning_a_slot_in_the_past_is_refused(
    app: Flask, client: FlaskClient, people: People, world: dict[str, int]
) -> None:
    login_as(client, people.leader)
    before = snapshot(app)
    response = client.post(
        f"/rotation/presentations/{world['past_member']}/assign",
        data={"member_id": people.leader.member_id},
    )
    assert response.status_code == 422
    assert refusal(response) == "That slot is in the past."
    assert snapshot(app) == before


# --- outcomes --------------------------------------------------------------------------------


def test_recording_an_outcome_before_the_meeting_day_is_refused(
    app: Flask, client: FlaskClient, people: People, world: dict[str, int]
) -> None:
    login_as(client, people.leader)
    before = snapshot(app)
    response = client.post(
        f"/rotation/presentations/{world['w1_leader']}/outcome", data={"outcome": "presented"}
    )
    assert response.status_code == 422
    assert refusal(response) == "Record what happened on or after the meeting day."
    assert slot(app, world["w1_leader"]).outcome is Outcome.SCHEDULED
    assert snapshot(app) == before


@pytest.mark.parametrize("value", ["maybe", "scheduled", ""])
def test_an_outcome_other_than_presented_or_no_show_is_refused(
    app: Flask, client: FlaskClient, people: People, world: dict[str, int], value: str
) -> None:
    login_as(client, people.leader)
    before = snapshot(app)
    response = client.post(
        f"/rotation/presentations/{world['past_member']}/outcome", data={"outcome": value}
    )
    assert response.status_code == 422
    assert refusal(response)
    assert snapshot(app) == before


def test_leader_records_that_a_member_presented_and_it_is_audited(
    app: Flask, client: FlaskClient, people: People, world: dict[str, int]
) -> None:
    login_as(client, people.leader)
    [before] = past_rows(client.get("/rotation/"))
    assert "Not recorded Presented" in before  # the leader's buttons
    response = client.post(
        f"/rotation/presentations/{world['past_member']}/outcome", data={"outcome": "presented"}
    )
    assert "Recorded." in followed(client, response)
    last_week = past_wednesdays(1)[0]
    assert past_rows(client.get("/rotation/")) == [
        f"{last_week.day} {last_week:%b %Y} {full_name(app, people.member.member_id)} Presented"
    ]
    assert slot(app, world["past_member"]).outcome is Outcome.PRESENTED
    [event] = audit_events(app, "rotation.outcome")
    assert event.actor_id == people.leader.user_id
    assert event.before == {"outcome": "scheduled"}
    assert event.after == {"outcome": "presented", "member_id": people.member.member_id}


def test_a_no_show_member_goes_back_to_the_front_of_the_queue(
    app: Flask, client: FlaskClient, people: People
) -> None:
    x, y = two_veterans(app, people)
    member = people.member.member_id
    last_week = past_wednesdays(1)[0]
    past = add_meetings(app, people.leader.chapter_id, [last_week])
    missed = add_slot(app, past[last_week], member)
    days = schedule(app, people, 6)
    rotation = generated(app, client, people)
    assert rotation[days[0]] == [x]
    assert dates_of(app, people.leader.chapter_id, member)[0] == days[3]

    response = client.post(f"/rotation/presentations/{missed}/outcome", data={"outcome": "no_show"})
    assert "Recorded." in followed(client, response)
    assert slot(app, missed).outcome is Outcome.NO_SHOW
    followed(client, generate(client))
    after = rotation_of(app, people.leader.chapter_id)
    assert after[days[0]] == [x]  # confirmed
    assert after[days[1]] == [y]  # confirmed
    assert dates_of(app, people.leader.chapter_id, member)[0] == days[2]  # first unconfirmed


# --- swap requests between members -----------------------------------------------------------


@pytest.fixture
def pair(app: Flask, people: People) -> dict[str, object]:
    """The member A presents at W1, Bea at W2, Cy at W3, the leader at W4; a past slot of Bea
    and an upcoming one in the other chapter."""
    home = people.leader.chapter_id
    bea = add_member(app, home, user__first_name="Bea", user__last_name="Becker")
    cy = add_member(app, home, user__first_name="Cy", user__last_name="Carter")
    days = wednesdays(4)
    last_week = past_wednesdays(1)[0]
    meeting = add_meetings(app, home, [last_week, *days])
    away = add_meetings(app, people.other_leader.chapter_id, [days[1] + timedelta(days=1)])
    return {
        "days": days,
        "a": people.member,
        "b": bea,
        "c": cy,
        "a_slot": add_slot(app, meeting[days[0]], people.member.member_id),
        "b_slot": add_slot(app, meeting[days[1]], bea.member_id),
        "c_slot": add_slot(app, meeting[days[2]], cy.member_id),
        "leader_slot": add_slot(app, meeting[days[3]], people.leader.member_id),
        "b_past_slot": add_slot(app, meeting[last_week], bea.member_id),
        "away_slot": add_slot(app, next(iter(away.values())), people.other_member.member_id),
    }


def test_member_asks_to_swap_and_the_other_member_is_told_on_the_dashboard(
    app: Flask, client: FlaskClient, people: People, pair: dict, outbox: list
) -> None:
    a, b = pair["a"], pair["b"]
    login_as(client, a)
    response = client.post(
        f"/rotation/presentations/{pair['a_slot']}/swap-request",
        data={"target_id": pair["b_slot"]},
    )
    assert "Swap request sent; you will be told the answer." in followed(client, response)
    assert requests_of(app, a.chapter_id) == [
        (a.member_id, b.member_id, pair["a_slot"], pair["b_slot"], SwapStatus.PENDING)
    ]
    w1, w2 = pair["days"][:2]
    notice = (
        f"{full_name(app, a.member_id)} asks to swap presentation dates: "
        f"theirs on {w1:%d %b} for yours on {w2:%d %b}."
    )
    assert notices_of(app, b.member_id) == [notice]
    assert [message.recipients for message in outbox] == [[b.email]]
    login_as(client, b)
    assert notice in visible(client.get("/"))
    page = visible(client.get("/rotation/"))
    assert (
        f"{full_name(app, a.member_id)} asks {full_name(app, b.member_id)} to swap slots. "
        "Accept Decline"
    ) in page


def test_accepting_a_swap_request_swaps_the_two_slots(
    app: Flask, client: FlaskClient, pair: dict
) -> None:
    a, b = pair["a"], pair["b"]
    request = add_swap_request(app, pair["a_slot"], pair["b_slot"])
    login_as(client, b)
    response = client.post(f"/rotation/swap-requests/{request}/accept")
    assert "Swapped: the new dates are on the rotation." in followed(client, response)
    assert (slot(app, pair["a_slot"]).member_id, slot(app, pair["a_slot"]).is_pinned) == (
        b.member_id,
        True,
    )
    assert (slot(app, pair["b_slot"]).member_id, slot(app, pair["b_slot"]).is_pinned) == (
        a.member_id,
        True,
    )
    assert request_status(app, request) is SwapStatus.ACCEPTED
    assert notices_of(app, a.member_id) == [
        f"{full_name(app, b.member_id)} accepted your swap request."
    ]
    [event] = audit_events(app, "rotation.swapped")
    assert event.actor_id == b.user_id
    login_as(client, a)
    assert f"You present on {pair['days'][1]:%A} {pair['days'][1].day}" in visible(client.get("/"))


def test_declining_a_swap_request_changes_no_slot(
    app: Flask, client: FlaskClient, pair: dict
) -> None:
    a, b = pair["a"], pair["b"]
    request = add_swap_request(app, pair["a_slot"], pair["b_slot"])
    slots_before = snapshot(app)["slots"]
    login_as(client, b)
    response = client.post(f"/rotation/swap-requests/{request}/decline")
    assert "Swap declined." in followed(client, response)
    assert snapshot(app)["slots"] == slots_before
    assert request_status(app, request) is SwapStatus.DECLINED
    assert notices_of(app, a.member_id) == [
        f"{full_name(app, b.member_id)} declined your swap request."
    ]


@pytest.mark.parametrize("answer", ["accept", "decline"])
@pytest.mark.parametrize(
    ("who", "status", "message"),
    [
        pytest.param("a", 422, "Only the member who was asked can answer.", id="the-asker"),
        pytest.param("c", 404, "There is no such swap request.", id="another-member"),
        pytest.param("leader", 404, "There is no such swap request.", id="the-leader"),
    ],
)
def test_only_the_asked_member_can_answer_a_swap_request(
    app: Flask,
    client: FlaskClient,
    people: People,
    pair: dict,
    answer: str,
    who: str,
    status: int,
    message: str,
) -> None:
    request = add_swap_request(app, pair["a_slot"], pair["b_slot"])
    login_as(client, people.leader if who == "leader" else pair[who])
    before = snapshot(app)
    response = client.post(f"/rotation/swap-requests/{request}/{answer}")
    assert response.status_code == status
    assert message in visible(response)
    assert snapshot(app) == before
    assert request_status(app, request) is SwapStatus.PENDING


def test_the_asker_withdraws_a_pending_request_which_then_cannot_be_accepted(
    app: Flask, client: FlaskClient, pair: dict
) -> None:
    request = add_swap_request(app, pair["a_slot"], pair["b_slot"])
    login_as(client, pair["b"])
    refused = client.post(f"/rotation/swap-requests/{request}/cancel")
    assert refused.status_code == 422
    assert refusal(refused) == "Only the member who asked can cancel."

    login_as(client, pair["a"])
    response = client.post(f"/rotation/swap-requests/{request}/cancel")
    page = followed(client, response)
    assert "Swap request withdrawn." in page
    assert "to swap slots" not in page
    assert request_status(app, request) is SwapStatus.CANCELLED

    slots_before = snapshot(app)["slots"]
    login_as(client, pair["b"])
    late = client.post(f"/rotation/swap-requests/{request}/accept")
    assert late.status_code == 422
    assert refusal(late) == "This request is already cancelled."
    assert snapshot(app)["slots"] == slots_before


@pytest.mark.parametrize(
    ("mine", "target", "status", "message"),
    [
        pytest.param("b_slot", "c_slot", 422, "You can only offer your own slot.", id="not-mine"),
        pytest.param("a_slot", "a_slot", 422, "Choose another member's slot.", id="my-own"),
        pytest.param(
            "a_slot",
            "b_past_slot",
            422,
            "Both slots must be at upcoming meetings.",
            id="a-past-slot",
        ),
        pytest.param("a_slot", "garbage", 422, "", id="not-a-number"),
        pytest.param(
            "a_slot",
            "away_slot",
            404,
            "There is no such presentation slot in your chapter.",
            id="other-chapter",
        ),
    ],
)
def test_a_swap_request_that_breaks_a_rule_is_refused_and_nothing_is_stored(
    app: Flask,
    client: FlaskClient,
    pair: dict,
    mine: str,
    target: str,
    status: int,
    message: str,
) -> None:
    login_as(client, pair["a"])
    before = snapshot(app)
    response = client.post(
        f"/rotation/presentations/{pair[mine]}/swap-request",
        data={"target_id": pair.get(target, target)},
    )
    assert response.status_code == status
    if status == 422:
        assert refusal(response) == message or (not message and refusal(response))
    else:
        assert message in visible(response)
    assert snapshot(app) == before


def test_asking_to_swap_with_someone_at_the_same_meeting_is_refused(
    app: Flask, client: FlaskClient, people: People, pair: dict
) -> None:
    """With two presenters per meeting, swapping with the other presenter of my own meeting
    changes nothing and could never be accepted (the swap itself is refused)."""
    update_chapter(app, people.leader.chapter_id, presenters_per_meeting=2)
    w1 = meeting_ids(app, people.leader.chapter_id)[pair["days"][0]]
    beside_me = add_slot(app, w1, pair["c"].member_id)
    login_as(client, pair["a"])
    before = snapshot(app)
    response = client.post(
        f"/rotation/presentations/{pair['a_slot']}/swap-request", data={"target_id": beside_me}
    )
    assert response.status_code == 422
    assert refusal(response)
    assert snapshot(app) == before


def test_accepting_is_refused_when_the_slots_changed_since_the_request(
    app: Flask, client: FlaskClient, people: People, pair: dict
) -> None:
    request = add_swap_request(app, pair["a_slot"], pair["b_slot"])
    login_as(client, people.leader)
    reassigned = client.post(
        f"/rotation/presentations/{pair['a_slot']}/assign",
        data={"member_id": pair["c"].member_id},
    )
    assert reassigned.status_code == 302
    slots_before = snapshot(app)["slots"]
    login_as(client, pair["b"])
    response = client.post(f"/rotation/swap-requests/{request}/accept")
    assert response.status_code == 422
    assert refusal(response) == "The rotation changed since this was asked; ask again."
    assert snapshot(app)["slots"] == slots_before
    assert slot(app, pair["b_slot"]).member_id == pair["b"].member_id


def test_asking_for_the_same_swap_twice_is_refused(
    app: Flask, client: FlaskClient, pair: dict
) -> None:
    add_swap_request(app, pair["a_slot"], pair["b_slot"])
    login_as(client, pair["a"])
    before = snapshot(app)
    response = client.post(
        f"/rotation/presentations/{pair['a_slot']}/swap-request",
        data={"target_id": pair["b_slot"]},
    )
    assert response.status_code == 422
    assert refusal(response) == "You already asked for this swap."
    assert snapshot(app) == before


def test_leader_sees_pending_swap_requests_and_uninvolved_members_do_not(
    app: Flask, client: FlaskClient, people: People, pair: dict
) -> None:
    add_swap_request(app, pair["a_slot"], pair["b_slot"])
    asks = (
        f"{full_name(app, pair['a'].member_id)} asks "
        f"{full_name(app, pair['b'].member_id)} to swap slots."
    )
    login_as(client, people.leader)
    assert f"{asks} (waiting for an answer)" in visible(client.get("/rotation/"))
    login_as(client, pair["c"])
    assert asks not in visible(client.get("/rotation/"))
    login_as(client, pair["a"])
    assert f"{asks} Withdraw" in visible(client.get("/rotation/"))


# --- calendar feeds --------------------------------------------------------------------------


@pytest.fixture
def feed_world(app: Flask, people: People) -> list[date]:
    """Five Wednesdays ahead, the third cancelled: the leader presents at the 1st and 4th,
    the member at the 2nd and 5th."""
    days = wednesdays(5)
    meeting = add_meetings(app, people.leader.chapter_id, days, cancelled={days[2]})
    for index, person in ((0, people.leader), (1, people.member), (3, people.leader)):
        add_slot(app, meeting[days[index]], person.member_id)
    add_slot(app, meeting[days[4]], people.member.member_id)
    return days


def my_feed(client: FlaskClient, person: Person) -> str:
    """``person``'s calendar address as the rotation page shows it (made on first view)."""
    login_as(client, person)
    return feed_url(client.get("/rotation/"), "/calendar/")


def reset_my_feed(client: FlaskClient) -> None:
    response = client.post("/rotation/feed/reset")
    assert "Your calendar address is new; the old one no longer works." in followed(
        client, response
    )


def test_member_feed_lists_upcoming_held_meetings_at_local_time_marking_my_presentations(
    app: Flask, client: FlaskClient, people: People, feed_world: list[date]
) -> None:
    assert member_token(app, people.member.member_id) is None
    path = my_feed(client, people.member)
    assert path == f"/calendar/{member_token(app, people.member.member_id)}.ics"
    events = calendar_events(app.test_client().get(path))  # a calendar app: not logged in
    days = feed_world
    assert [start.date() for start in starts(events)] == [days[0], days[1], days[3], days[4]]
    for start in starts(events):
        assert getattr(start.tzinfo, "key", None) == "Europe/London"
        assert (start.hour, start.minute) == (7, 0)
    assert [str(event["summary"]) for event in events] == [
        "Home Chapter meeting",
        "Home Chapter meeting (I present)",
        "Home Chapter meeting",
        "Home Chapter meeting (I present)",
    ]
    assert len({str(event["uid"]) for event in events}) == 4


def test_feed_defines_every_time_zone_it_refers_to(
    app: Flask, client: FlaskClient, people: People, feed_world: list[date]
) -> None:
    """RFC 5545 3.6.5: a VTIMEZONE must be given for each TZID the feed uses."""
    path = my_feed(client, people.member)
    calendar = Calendar.from_ical(app.test_client().get(path).get_data())
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/London"]


def test_feed_dates_are_in_the_chapters_own_time_zone(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """Thursday 07:00 in Auckland is Wednesday evening in UTC: the feed says Thursday."""
    zone = ZoneInfo("Pacific/Auckland")
    update_chapter(app, people.other_leader.chapter_id, timezone=zone.key, meeting_weekday=3)
    today = clock.now().astimezone(zone).date()
    thursday = today + timedelta(days=(3 - today.weekday() - 1) % 7 + 1)
    add_meetings(app, people.other_leader.chapter_id, [thursday])
    path = my_feed(client, people.other_leader)
    [start] = starts(calendar_events(app.test_client().get(path)))
    assert start.date() == thursday
    assert (start.hour, start.minute) == (7, 0)
    assert getattr(start.tzinfo, "key", None) == "Pacific/Auckland"
    assert start.astimezone(UTC).date() == thursday - timedelta(days=1)


def test_resetting_my_feed_makes_the_old_address_404(
    app: Flask, client: FlaskClient, people: People, feed_world: list[date]
) -> None:
    old = my_feed(client, people.member)
    assert my_feed(client, people.member) == old  # viewing again keeps it
    reset_my_feed(client)
    new = my_feed(client, people.member)
    assert new != old
    subscriber = app.test_client()
    assert subscriber.get(old).status_code == 404
    assert len(calendar_events(subscriber.get(new))) == 4


def test_chapter_feed_lists_the_presenters_and_its_reset_revokes_the_old_address(
    app: Flask, client: FlaskClient, people: People, feed_world: list[date]
) -> None:
    login_as(client, people.leader)
    path = feed_url(client.get("/rotation/"), "/calendar/chapter/")  # made on first view
    assert path == f"/calendar/chapter/{chapter_token(app, people.leader.chapter_id)}.ics"
    events = calendar_events(app.test_client().get(path))
    leader, member = (
        full_name(app, people.leader.member_id),
        full_name(app, people.member.member_id),
    )
    assert [start.date() for start in starts(events)] == [feed_world[i] for i in (0, 1, 3, 4)]
    assert [str(event["summary"]) for event in events] == [
        f"Home Chapter: {who} presents" for who in (leader, member, leader, member)
    ]
    assert str(events[1]["description"]) == f"Feature presentation: {member}"
    response = client.post("/rotation/chapter-feed/reset")
    assert "The chapter's calendar address is new; the old one no longer works." in followed(
        client, response
    )
    assert app.test_client().get(path).status_code == 404


def test_a_member_who_left_gets_404_on_their_old_feed(
    app: Flask, client: FlaskClient, people: People, feed_world: list[date]
) -> None:
    path = my_feed(client, people.member)
    login_as(client, people.leader)
    assert client.post(f"/members/{people.member.member_id}/left").status_code == 302
    assert app.test_client().get(path).status_code == 404


# --- dashboard -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weeks", "cancelled", "shown"),
    [
        pytest.param([3], None, 3, id="fourth-meeting-within-4-weeks"),
        pytest.param([1, 3], None, 1, id="the-earliest-of-two"),
        pytest.param([4], None, None, id="fifth-meeting-beyond-4-weeks"),
        pytest.param([1], 1, None, id="at-a-cancelled-meeting"),
        pytest.param([], None, None, id="not-presenting"),
    ],
)
def test_dashboard_says_when_i_present_within_the_next_four_weeks(
    app: Flask,
    client: FlaskClient,
    people: People,
    weeks: list[int],
    cancelled: int | None,
    shown: int | None,
) -> None:
    days = wednesdays(6)
    meeting = add_meetings(
        app,
        people.leader.chapter_id,
        days,
        cancelled={days[cancelled]} if cancelled is not None else set(),
    )
    for week in weeks:
        add_slot(app, meeting[days[week]], people.member.member_id)
    login_as(client, people.member)
    page = visible(client.get("/"))
    if shown is None:
        assert "You present on" not in page
    else:
        day = days[shown]
        assert f"You present on {day:%A} {day.day} {day:%B %Y}" in page


# --- query counts ----------------------------------------------------------------------------


def rotation_page_queries(app: Flask, client: FlaskClient) -> tuple[int, int]:
    """How many SQL statements the leader's rotation page runs, and how many rows it shows."""
    with count_queries(app) as statements:
        response = client.get("/rotation/")
    assert response.status_code == 200
    return len(statements), len(upcoming_rows(response))


def busy_rotation(app: Flask, client: FlaskClient, people: People, weeks: int) -> None:
    """Past presentations with outcomes, ``weeks`` meetings ahead, a generated rotation and a
    pending swap request; the leader is logged in."""
    last_week, two_weeks_ago = past_wednesdays(2)
    presented(app, people, people.member.member_id, last_week)
    presented(app, people, people.leader.member_id, two_weeks_ago)
    schedule(app, people, weeks)
    generated(app, client, people)
    slots = slot_ids(app, people.leader.chapter_id)
    first, second = (ids[0] for ids in list(slots.values())[:2])
    add_swap_request(app, first, second)


def test_rotation_page_runs_the_same_queries_for_5_and_30_members(
    app: Flask, client: FlaskClient, people: People
) -> None:
    for year in (2019, 2020, 2021):
        veteran(app, people, date(year, 1, 1))
    busy_rotation(app, client, people, 12)
    client.get("/rotation/")  # warm up
    with_5, rows = rotation_page_queries(app, client)
    assert rows == 12
    for index in range(25):
        veteran(app, people, date(2015, 1, 1) + timedelta(days=index))
    followed(client, generate(client))
    with_30, rows = rotation_page_queries(app, client)
    assert rows == 12
    assert with_30 == with_5


def test_rotation_page_runs_the_same_queries_for_12_and_30_meetings(
    app: Flask, client: FlaskClient, people: People
) -> None:
    for year in (2019, 2020, 2021):
        veteran(app, people, date(year, 1, 1))
    busy_rotation(app, client, people, 12)
    client.get("/rotation/")  # warm up
    with_12, rows = rotation_page_queries(app, client)
    assert rows == 12
    later = wednesdays(30)[12:]
    add_meetings(app, people.leader.chapter_id, later)
    followed(client, generate(client))
    with_30, rows = rotation_page_queries(app, client)
    assert rows == 30
    assert with_30 == with_12
