"""Leaderboard blueprint: the weekly give/get board and its pictures, the PALMS summary
report, traffic lights with their scoring table, and the platform admin's region view."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from random import Random
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient

from chapter.admin import region as region_service
from chapter.attendance.rules import Palms, months_before
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.leaderboard.scoring_presets import PRESETS
from chapter.ledger.rules import SlipKind
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.platform.audit_models import AuditEvent
from tests.conftest import People, Person, count_queries, login_as
from tests.support.access import (
    ADMIN,
    ANONYMOUS,
    FORBIDDEN,
    LEADER,
    MEMBER,
    OTHER_LEADER,
    TO_LOGIN,
    assert_answer,
    chapter_page,
    leader_only,
    log_in_as,
    matrix,
    members_too,
)
from tests.support.attendance_factories import chapter_today, date_long, date_short, next_wednesday
from tests.support.leaderboard_helpers import (
    Week,
    add_chapter,
    add_members,
    board_lines,
    links_named,
    plain,
    record_week,
    rename,
    table_rows,
    text,
    visible,
    wednesdays_before,
)
from tests.support.referral_helpers import csv_rows

PALMS_HEADER = "First Name,Last Name,P,A,L,M,S,RGI,RGO,RRI,RRO,V,1-2-1,TYFCB,CEU,T"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# method, path, form data, {person: (status, what they see: page text, or where a 302 goes)}.
# {target} is the home chapter's member, {home_leader} the home chapter's leader, {self} the
# person's own membership.
ROUTES = [
    (
        "GET",
        "/leaderboard/",
        None,
        members_too(
            (200, "Nothing was recorded in this period"),
            (200, "Nothing was recorded in this period"),
        ),
    ),
    (
        "GET",
        "/reports/palms",
        None,
        leader_only((200, "PALMS summary report"), (200, "PALMS summary report")),
    ),
    (
        "GET",
        "/reports/palms?format=csv",
        None,
        leader_only((200, PALMS_HEADER), (200, PALMS_HEADER)),
    ),
    (
        "GET",
        "/traffic-lights/",
        None,
        chapter_page(
            (302, "/traffic-lights/{self}?view=previous"),
            (200, "How the colours are given"),
            (200, "How the colours are given"),
        ),
    ),
    (
        "GET",
        "/traffic-lights/{target}",
        None,
        chapter_page((200, "My traffic light"), (200, "Traffic light: ")),
    ),
    (
        "GET",
        "/traffic-lights/{home_leader}",
        None,
        leader_only((200, "My traffic light")),
    ),
    (
        "GET",
        "/traffic-lights/settings",
        None,
        leader_only((200, "Traffic-light scoring table"), (200, "Traffic-light scoring table")),
    ),
    (
        "POST",
        "/traffic-lights/settings",
        {"preset-preset": "power_of_one", "preset-submit": "Use this preset"},
        leader_only((302, "/traffic-lights/settings"), (302, "/traffic-lights/settings")),
    ),
    (
        "GET",
        "/admin/region",
        None,
        {
            ANONYMOUS: TO_LOGIN,
            MEMBER: FORBIDDEN,
            LEADER: FORBIDDEN,
            OTHER_LEADER: FORBIDDEN,
            ADMIN: (200, "Region: all chapters"),
        },
    ),
]
MATRIX = matrix(ROUTES)


@pytest.mark.parametrize(("method", "path", "data", "who", "status", "seen"), MATRIX)
def test_access_matrix_of_leaderboard_pages(
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
        "home_leader": people.leader.member_id,
        "self": person.member_id if person is not None else None,
    }
    response = client.open(path.format(**ids), method=method, data=data)
    assert_answer(response, status, seen.format(**ids))


# --- a chapter's two weeks ---------------------------------------------------------------------


@dataclass(frozen=True)
class Chapter4:
    """The home chapter with four named members and two completed meeting weeks."""

    lena: Person  # the leader
    milo: Person  # the member
    xena: Person
    yuri: Person
    w1: date  # the last completed week
    w2: date  # the week before
    w1_meeting: int


SECRET_NOTE = "Secret kitchen refit for the Xu family"


def four_members(app: Flask, people: People) -> Chapter4:
    """Week w1 (newest):
    letters Lena P, Milo L, Xena A, Yuri M; slips Xena→Yuri x3 (2 inside, 1 outside),
    Milo→Xena (outside), Lena→Milo (inside); thank-yous crediting Xena 250 (from Yuri),
    Lena 900 (from Xena, with a private note) and Milo 100 (from Lena); one-to-ones
    Milo-Yuri, Milo-Lena, Milo-Xena; visitors invited by Yuri x2 and Xena.
    Week w2: letters Lena A, Milo S, Xena P, Yuri P; slips Yuri→Xena (outside),
    Lena→Xena (inside); a thank-you crediting Yuri 40 (from Milo); Milo 2 education
    credits; a visitor invited by Lena; a testimonial Milo gave Lena. Week w1 also has two
    testimonials Yuri gave (Xena, Milo)."""
    home = people.leader.chapter_id
    rename(app, people.leader, "Lena", "Leader")
    rename(app, people.member, "Milo", "Member")
    (xena,) = add_members(app, home, 1, user__first_name="Xena", user__last_name="Xu")
    (yuri,) = add_members(app, home, 1, user__first_name="Yuri", user__last_name="Young")
    lena, milo = people.leader, people.member
    L, M, X, Y = lena.member_id, milo.member_id, xena.member_id, yuri.member_id
    w1, w2 = wednesdays_before(chapter_today(), 2)
    record_week(
        app,
        home,
        w2,
        Week(
            letters={L: Palms.ABSENT, M: Palms.SUBSTITUTE, X: Palms.PRESENT, Y: Palms.PRESENT},
            slips=[(Y, X, SlipKind.OUTSIDE), (L, X, SlipKind.INSIDE)],
            thanks=[(Y, M, 40_00)],
            education=[(M, 2)],
            visitors=[L],
            testimonials=[(M, L)],
        ),
    )
    w1_meeting = record_week(
        app,
        home,
        w1,
        Week(
            letters={L: Palms.PRESENT, M: Palms.LATE, X: Palms.ABSENT, Y: Palms.MEDICAL},
            slips=[
                (X, Y, SlipKind.INSIDE),
                (X, Y, SlipKind.INSIDE),
                (X, Y, SlipKind.OUTSIDE),
                (M, X, SlipKind.OUTSIDE),
                (L, M, SlipKind.INSIDE),
            ],
            thanks=[(X, Y, 250_00), (L, X, 900_00, SECRET_NOTE), (M, L, 100_00)],
            one_to_ones=[(M, Y), (M, L), (M, X)],
            visitors=[Y, Y, X],
            testimonials=[(Y, X), (Y, M)],
        ),
    )
    return Chapter4(lena, milo, xena, yuri, w1, w2, w1_meeting)


def summary(line) -> tuple:
    return (
        line.rank,
        line.name,
        line.given,
        line.in_out,
        line.received,
        line.tyfcb,
        line.one_to_ones,
        line.visitors,
        line.attendance,
        line.givers_gain,
    )


# --- the leaderboard -----------------------------------------------------------------------


def test_board_shows_each_members_week_with_givers_gain_as_given_over_received(
    app: Flask, client: FlaskClient, people: People
) -> None:
    four_members(app, people)
    login_as(client, people.member)
    response = client.get("/leaderboard/")
    assert response.status_code == 200
    # Givers gain: 3 ÷ 1 = 3.00, 1 ÷ 1 = 1.00, 0 ÷ 3 = 0.00; nothing received: —.
    # Yuri's one week was Medical, which counts neither way: no attendance share (—), not 0%.
    assert [summary(line) for line in board_lines(response)] == [
        (1, "Xena Xu", 3, "2/1", 1, "USD 250.00", 1, 1, "0%", "3.00"),
        (2, "Lena Leader", 1, "1/0", 0, "USD 900.00", 1, 0, "100%", "—"),
        (2, "Milo Member", 1, "0/1", 1, "USD 100.00", 3, 0, "100%", "1.00"),
        (4, "Yuri Young", 0, "0/0", 3, "USD 0.00", 1, 2, "—", "0.00"),
    ]


def test_ties_share_a_rank_and_leave_a_gap(app: Flask, client: FlaskClient, people: People) -> None:
    four_members(app, people)
    login_as(client, people.member)
    lines = board_lines(client.get("/leaderboard/?sort=given"))
    assert [(line.rank, line.given) for line in lines] == [(1, 3), (2, 1), (2, 1), (4, 0)]


SORTED_BY = {
    "given": ("Given", [(1, "Xena Xu"), (2, "Lena Leader"), (2, "Milo Member"), (4, "Yuri Young")]),
    "received": (
        "Received",
        [(1, "Yuri Young"), (2, "Milo Member"), (2, "Xena Xu"), (4, "Lena Leader")],
    ),
    "tyfcb": (
        "TYFCB credited",
        [(1, "Lena Leader"), (2, "Xena Xu"), (3, "Milo Member"), (4, "Yuri Young")],
    ),
    "one_to_ones": (
        "1-2-1s",
        [(1, "Milo Member"), (2, "Lena Leader"), (2, "Xena Xu"), (2, "Yuri Young")],
    ),
    "visitors": (
        "Visitors",
        [(1, "Yuri Young"), (2, "Xena Xu"), (3, "Lena Leader"), (3, "Milo Member")],
    ),
    "attendance": (
        "Attendance",
        # Yuri's only week was Medical: no share, which sorts last (after Xena's 0%).
        [(1, "Lena Leader"), (1, "Milo Member"), (3, "Xena Xu"), (4, "Yuri Young")],
    ),
    "givers_gain": (
        "Givers gain",
        [(1, "Xena Xu"), (2, "Milo Member"), (3, "Yuri Young"), (4, "Lena Leader")],
    ),
}


@pytest.mark.parametrize("sort", list(SORTED_BY))
def test_sorting_by_a_column_orders_and_ranks_the_rows_by_it(
    app: Flask, client: FlaskClient, people: People, sort: str
) -> None:
    four_members(app, people)
    login_as(client, people.member)
    response = client.get(f"/leaderboard/?sort={sort}")
    assert response.status_code == 200
    label, expected = SORTED_BY[sort]
    assert [(line.rank, line.name) for line in board_lines(response)] == expected
    head = text(response).split("<thead>")[1].split("</thead>")[0]
    assert re.findall(r'aria-current="true">([^<▼]+?) ▼', head) == [label]


def test_the_signed_in_members_row_is_highlighted(
    app: Flask, client: FlaskClient, people: People
) -> None:
    four_members(app, people)
    login_as(client, people.member)
    lines = board_lines(client.get("/leaderboard/"))
    assert [line.name for line in lines if line.highlighted] == ["Milo Member"]
    assert [line.name for line in lines if line.is_you] == ["Milo Member"]
    login_as(client, people.leader)
    lines = board_lines(client.get("/leaderboard/"))
    assert [line.name for line in lines if line.highlighted and line.is_you] == ["Lena Leader"]


def test_default_period_is_the_last_completed_week_with_links_to_the_weeks_around_it(
    app: Flask, client: FlaskClient, people: People
) -> None:
    chapter = four_members(app, people)
    w3 = chapter.w2 - timedelta(weeks=1)
    record_week(app, people.leader.chapter_id, w3)
    coming = next_wednesday()
    record_week(app, people.leader.chapter_id, coming, completed=False)
    login_as(client, people.member)

    response = client.get("/leaderboard/")
    page = visible(response)
    assert f"Week of {date_long(chapter.w1)}" in page
    assert "Provisional" not in page
    [older] = links_named(response, "← Previous week")
    [newer] = links_named(response, "Next week →")
    assert parse_qs(urlsplit(older).query)["week"] == [chapter.w2.isoformat()]
    assert parse_qs(urlsplit(newer).query)["week"] == [coming.isoformat()]

    response = client.get(older)
    assert f"Week of {date_long(chapter.w2)}" in visible(response)
    assert [(line.name, line.given) for line in board_lines(response)][:2] == [
        ("Lena Leader", 1),
        ("Yuri Young", 1),
    ]
    [older] = links_named(response, "← Previous week")
    assert parse_qs(urlsplit(older).query)["week"] == [w3.isoformat()]

    oldest = client.get(older)
    assert f"Week of {date_long(w3)}" in visible(oldest)
    assert links_named(oldest, "← Previous week") == []
    assert len(links_named(oldest, "Next week →")) == 1


def test_the_current_week_not_yet_completed_is_shown_live_and_marked_provisional(
    app: Flask, client: FlaskClient, people: People
) -> None:
    chapter = four_members(app, people)
    coming = next_wednesday()
    record_week(
        app,
        people.leader.chapter_id,
        coming,
        Week(slips=[(chapter.yuri.member_id, chapter.milo.member_id)]),
        completed=False,
    )
    login_as(client, people.member)
    response = client.get(f"/leaderboard/?period=week&week={coming.isoformat()}")
    assert response.status_code == 200
    page = visible(response)
    assert f"Week of {date_long(coming)}" in page
    assert "Provisional This week's meeting is not completed yet" in page
    lines = {line.name: line for line in board_lines(response)}
    assert (lines["Yuri Young"].given, lines["Milo Member"].received) == (1, 1)
    assert links_named(response, "Next week →") == []
    [older] = links_named(response, "← Previous week")
    assert parse_qs(urlsplit(older).query)["week"] == [chapter.w1.isoformat()]


def test_without_a_meeting_ahead_no_week_without_a_meeting_is_offered(
    app: Flask, client: FlaskClient, people: People
) -> None:
    today = chapter_today()
    (last,) = wednesdays_before(today, 1)
    record_week(
        app,
        people.leader.chapter_id,
        last,
        Week(slips=[(people.member.member_id, people.leader.member_id)]),
    )  # no meeting today and none scheduled ahead
    login_as(client, people.member)
    response = client.get("/leaderboard/")
    assert f"Week of {date_long(last)}" in visible(response)
    assert links_named(response, "Next week →") == []
    response = client.get(f"/leaderboard/?period=week&week={today.isoformat()}")
    assert response.status_code == 400
    assert "That period cannot be shown: no meeting that week." in visible(response)


def test_members_who_left_are_not_ranked(app: Flask, client: FlaskClient, people: People) -> None:
    chapter = four_members(app, people)
    with app.app_context():
        member = db.session.get(Member, chapter.yuri.member_id)
        member.status, member.left_on = MemberStatus.LEFT, chapter.w1
        db.session.commit()
    login_as(client, people.member)
    lines = board_lines(client.get("/leaderboard/"))
    assert [(line.rank, line.name) for line in lines] == [
        (1, "Xena Xu"),
        (2, "Lena Leader"),
        (2, "Milo Member"),
    ]


def test_changes_against_the_previous_week_are_shown_beside_the_numbers(
    app: Flask, client: FlaskClient, people: People
) -> None:
    four_members(app, people)
    login_as(client, people.member)
    lines = {line.name: line.changes for line in board_lines(client.get("/leaderboard/"))}
    assert lines == {
        "Xena Xu": {
            "given": "+3",
            "received": "-1",
            "tyfcb": "+USD 250.00",
            "one_to_ones": "+1",
            "visitors": "+1",
        },
        "Lena Leader": {"tyfcb": "+USD 900.00", "one_to_ones": "+1", "visitors": "-1"},
        "Milo Member": {
            "given": "+1",
            "received": "+1",
            "tyfcb": "+USD 100.00",
            "one_to_ones": "+3",
        },
        "Yuri Young": {
            "given": "-1",
            "received": "+3",
            "tyfcb": "USD -40.00",
            "one_to_ones": "+1",
            "visitors": "+2",
        },
    }


def test_switching_to_rolling_six_months_this_year_and_all_time(
    app: Flask, client: FlaskClient, people: People
) -> None:
    home = people.leader.chapter_id
    giver, receiver = people.member.member_id, people.leader.member_id
    today = chapter_today()
    weeks = wednesdays_before(today, 80)
    given_on = {weeks[0]: 1, weeks[20]: 2, weeks[34]: 4, weeks[79]: 8}
    for day, count in given_on.items():
        record_week(app, home, day, Week(slips=[(giver, receiver)] * count))
    six_start = months_before(today, 6)
    year_start = date(today.year, 1, 1)

    def given_between(start: date, end: date = today) -> int:
        return sum(count for day, count in given_on.items() if start <= day <= end)

    login_as(client, people.member)
    expected = {
        "six_months": (
            f"Rolling 6 months: weeks from {date_short(six_start)} to {date_short(today)}.",
            given_between(six_start),
        ),
        "year": (
            f"This year: weeks from {date_short(year_start)} to {date_short(today)}.",
            given_between(year_start),
        ),
        "all": ("All time.", 15),
    }
    for key, (heading, given) in expected.items():
        response = client.get(f"/leaderboard/?period={key}")
        assert response.status_code == 200, key
        assert heading in visible(response)
        mine = next(line for line in board_lines(response) if line.is_you)
        assert mine.given == given, key
        active = re.findall(
            r'class="nav-link active" aria-current="page" href="([^"]+)"', text(response)
        )
        assert [parse_qs(urlsplit(href).query)["period"] for href in active] == [[key]]
    before_six = months_before(six_start, 6)
    six = client.get("/leaderboard/?period=six_months")
    change = given_between(six_start) - given_between(before_six, six_start - timedelta(days=1))
    mine = next(line for line in board_lines(six) if line.is_you)
    assert mine.changes.get("given") == (f"+{change}" if change > 0 else str(change))


def test_a_periods_totals_equal_the_sum_of_its_weeks(
    app: Flask, client: FlaskClient, people: People
) -> None:
    home = people.leader.chapter_id
    extra = add_members(app, home, 2)
    ids = [people.leader.member_id, people.member.member_id, *(p.member_id for p in extra)]
    weeks = wednesdays_before(chapter_today(), 40)
    recent, too_old = weeks[:5], weeks[39]
    random = Random(6)
    for day in [*recent, too_old]:
        pairs = [random.sample(ids, 2) for _ in range(random.randint(1, 6))]
        record_week(
            app,
            home,
            day,
            Week(
                letters={i: random.choice(list(Palms)) for i in ids},
                slips=[(a, b, random.choice(list(SlipKind))) for a, b in pairs],
                thanks=[(a, b, random.randint(1, 99_999)) for a, b in pairs[:2]],
                one_to_ones=[tuple(random.sample(ids, 2))],
                visitors=random.sample(ids, random.randint(0, 2)),
            ),
        )
    login_as(client, people.leader)

    def numbers(response) -> dict[str, tuple]:
        assert response.status_code == 200
        return {
            line.name: (
                line.given,
                line.received,
                Decimal(line.tyfcb.removeprefix("USD ").replace(",", "")),
                line.one_to_ones,
                line.visitors,
            )
            for line in board_lines(response)
        }

    per_week = [numbers(client.get(f"/leaderboard/?week={day.isoformat()}")) for day in recent]
    six_months = numbers(client.get("/leaderboard/?period=six_months"))
    summed = {
        name: tuple(sum(week[name][i] for week in per_week) for i in range(5))
        for name in six_months
    }
    assert six_months == summed
    assert sum(values[0] for values in six_months.values()) > 0
    every_week = numbers(client.get("/leaderboard/?period=all"))
    old = numbers(client.get(f"/leaderboard/?week={too_old.isoformat()}"))
    assert every_week == {
        name: tuple(summed[name][i] + old[name][i] for i in range(5)) for name in summed
    }


def test_an_empty_period_says_so_instead_of_a_table_of_zeros(
    app: Flask, client: FlaskClient, people: People
) -> None:
    (last,) = wednesdays_before(chapter_today(), 1)
    record_week(app, people.leader.chapter_id, last)  # held, nothing recorded
    login_as(client, people.member)
    response = client.get("/leaderboard/")
    assert response.status_code == 200
    page = visible(response)
    assert f"Week of {date_long(last)}" in page
    assert "Nothing was recorded in this period" in page
    assert 'class="table table-sm align-middle leaderboard"' not in text(response)


def test_private_thank_you_details_never_appear_only_credited_totals(
    app: Flask, client: FlaskClient, people: People
) -> None:
    four_members(app, people)
    for person in (people.member, people.leader):
        login_as(client, person)
        for query in ("", "?period=six_months", "?period=all&sort=tyfcb"):
            response = client.get(f"/leaderboard/{query}")
            page = text(response)
            assert SECRET_NOTE not in page
            assert "thanked" not in visible(response).lower()
            # Xena thanked Lena for 900: it shows as Lena's credit only, never on Xena's row
            # nor anywhere outside the board's credited totals.
            lines = {line.name: line for line in board_lines(response)}
            assert lines["Lena Leader"].tyfcb == "USD 900.00"
            assert lines["Xena Xu"].tyfcb == "USD 250.00"
            for line in lines.values():
                if line.name != "Lena Leader":
                    assert "900" not in line.tyfcb + line.changes.get("tyfcb", "")
            board = re.search(r'<table class="table table-sm align-middle leaderboard">.*?</table>',
                              page, re.S)  # fmt: skip
            assert "900.00" not in page.replace(board.group(0), "")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("period=zz", "That period cannot be shown: unknown period."),
        ("week=not-a-date", "The week must be a date like 2026-11-25."),
        ("week=2026-02-30", "The week must be a date like 2026-11-25."),
        ("period=week&week={no_meeting}", "That period cannot be shown: no meeting that week."),
        ("period=all&week={w1}", "That period cannot be shown: a week goes with the week period."),
        ("sort=zz", "Unknown column to sort by."),
        ("sort=given&period=", "That period cannot be shown: unknown period."),
    ],
)
def test_bad_parameters_get_400_with_a_clear_message(
    app: Flask, client: FlaskClient, people: People, query: str, message: str
) -> None:
    chapter = four_members(app, people)
    login_as(client, people.member)
    path = "/leaderboard/?" + query.format(
        no_meeting=(chapter.w1 - timedelta(days=1)).isoformat(), w1=chapter.w1.isoformat()
    )
    response = client.get(path)
    assert response.status_code == 400
    assert message in visible(response)


def test_leaders_see_the_give_get_matrix_and_members_do_not(
    app: Flask, client: FlaskClient, people: People
) -> None:
    four_members(app, people)
    login_as(client, people.leader)
    response = client.get("/leaderboard/")
    page = visible(response)
    assert "Who gives to whom" in page
    assert "3 from Xena Xu to Yuri Young" in page
    assert "1 from Lena Leader to Milo Member" in page
    assert "from Yuri Young to" not in page  # Yuri gave nothing this week: left out
    matrix = table_rows(text(response), 'class="table table-sm table-bordered matrix"')
    assert [row[0] for row in matrix] == ["Lena Leader", "Milo Member", "Xena Xu", "Yuri Young"]
    login_as(client, people.member)
    page = visible(client.get("/leaderboard/"))
    assert "Who gives to whom" not in page
    assert "from Xena Xu to" not in page


def test_the_pictures_are_svg_with_accessible_titles(
    app: Flask, client: FlaskClient, people: People
) -> None:
    chapter = four_members(app, people)
    login_as(client, people.member)
    page = text(client.get("/leaderboard/"))
    pictures = re.findall(r"<svg\b([^>]*)>(.*?)</svg>", page, re.S)
    assert len(pictures) == 2
    for attributes, inside in pictures:
        assert 'role="img"' in attributes
        assert inside.lstrip().startswith("<title")
    titles = [plain(t) for t in re.findall(r"<title[^>]*>(.*?)</title>", page, re.S)]
    assert "Referrals given (dark) and received (light) per member, meeting week" in titles
    assert "Xena Xu: gave 3, received 1" in titles
    assert "Yuri Young: gave 0, received 3" in titles
    assert "Referrals given by the chapter per week" in titles
    assert f"{chapter.w2:%d %b}: 2 referrals" in titles
    assert f"{chapter.w1:%d %b}: 5 referrals" in titles
    assert all("<script" not in inside for _, inside in pictures)


def test_another_chapters_members_never_appear_on_the_board(
    app: Flask, client: FlaskClient, people: People
) -> None:
    four_members(app, people)
    away = people.other_leader.chapter_id
    (last,) = wednesdays_before(chapter_today(), 1)
    record_week(
        app,
        away,
        last,
        Week(slips=[(people.other_member.member_id, people.other_leader.member_id)]),
    )
    login_as(client, people.other_leader)
    response = client.get("/leaderboard/?period=all")
    names = [line.name for line in board_lines(response)]
    assert len(names) == 2
    assert not {"Lena Leader", "Milo Member", "Xena Xu", "Yuri Young"} & set(names)
    assert "Xena Xu" not in text(response)


BOARD_PATHS = [
    "/leaderboard/",
    "/leaderboard/?period=six_months&sort=received",
    "/leaderboard/?period=all&sort=givers_gain",
]


def queries_for(app: Flask, client: FlaskClient, path: str) -> int:
    """The queries of one request for ``path``, with the page cache off (so they are the
    queries of building the page, whatever an earlier request left in the cache)."""
    app.config["PAGE_CACHE"] = False
    try:
        client.get(path)  # warm up: the first request may load things once
        with count_queries(app) as statements:
            response = client.get(path)
    finally:
        app.config["PAGE_CACHE"] = True
    assert response.status_code == 200
    return len(statements)


def busy_week(ids: list[int]) -> Week:
    """Everyone present, gives to the next, thanks the next, meets the next, invites one."""
    following = [*ids[1:], ids[0]]
    return Week(
        letters=dict.fromkeys(ids, Palms.PRESENT),
        slips=list(zip(ids, following, strict=True)),
        thanks=[(b, a, 100_00) for a, b in zip(ids, following, strict=True)],
        one_to_ones=list(zip(ids, following, strict=True)),
        visitors=ids[:3],
        testimonials=list(zip(ids, following, strict=True)),
    )


def test_the_board_counts_testimonials_given_and_sorts_by_them(
    app: Flask, client: FlaskClient, people: People
) -> None:
    chapter = four_members(app, people)  # testimonials given: Milo 1 (w2), Yuri 2 (w1)
    login_as(client, people.member)
    span = "period=all&sort=testimonials"
    lines = board_lines(client.get(f"/leaderboard/?{span}"))
    assert [(line.name, line.testimonials, line.rank) for line in lines[:2]] == [
        ("Yuri Young", 2, 1), ("Milo Member", 1, 2),
    ]  # fmt: skip
    week = board_lines(client.get(f"/leaderboard/?period=week&week={chapter.w1.isoformat()}"))
    assert {line.name: line.testimonials for line in week}["Milo Member"] == 0


@pytest.mark.parametrize("path", BOARD_PATHS)
def test_the_board_runs_the_same_queries_with_5_or_30_members(
    app: Flask, client: FlaskClient, people: People, path: str
) -> None:
    home = people.leader.chapter_id
    first = [people.leader.member_id, people.member.member_id]
    first += [p.member_id for p in add_members(app, home, 3)]
    weeks = wednesdays_before(chapter_today(), 2)
    meetings = {day: record_week(app, home, day, busy_week(first)) for day in weeks}
    login_as(client, people.leader)
    with_five = queries_for(app, client, path)
    assert len(board_lines(client.get(path))) == 5

    more = [p.member_id for p in add_members(app, home, 25)]
    for day, meeting_id in meetings.items():
        record_week(app, home, day, busy_week(more), meeting_id=meeting_id)
    assert len(board_lines(client.get(path))) == 30
    assert queries_for(app, client, path) == with_five


@pytest.mark.parametrize("path", BOARD_PATHS)
def test_the_board_runs_the_same_queries_with_3_or_40_weeks(
    app: Flask, client: FlaskClient, people: People, path: str
) -> None:
    home = people.leader.chapter_id
    ids = [people.leader.member_id, people.member.member_id]
    ids += [p.member_id for p in add_members(app, home, 2)]
    weeks = wednesdays_before(chapter_today(), 40)
    for day in weeks[:3]:
        record_week(app, home, day, busy_week(ids))
    login_as(client, people.leader)
    with_three = queries_for(app, client, path)
    for day in weeks[3:]:
        record_week(app, home, day, busy_week(ids))
    response = client.get("/leaderboard/?period=all")
    assert {line.given for line in board_lines(response)} == {40}
    assert queries_for(app, client, path) == with_three


# --- PALMS summary report --------------------------------------------------------------------

PALMS_ROWS = [
    # First, Last, P, A, L, M, S, RGI, RGO, RRI, RRO, V, 1-2-1, TYFCB, CEU, T
    ["Lena", "Leader", "1", "1", "0", "0", "0", "2", "0", "0", "0", "1", "1", "900.00", "0", "0"],
    ["Milo", "Member", "0", "0", "1", "0", "1", "0", "1", "1", "0", "0", "3", "100.00", "2", "1"],
    ["Xena", "Xu", "1", "1", "0", "0", "0", "2", "1", "1", "2", "1", "1", "250.00", "0", "0"],
    ["Yuri", "Young", "1", "0", "0", "1", "0", "0", "1", "2", "1", "2", "1", "40.00", "0", "2"],
]


def column_sums(rows: list[list[str]]) -> list[str]:
    sums = []
    for index in range(2, 16):
        values = [Decimal(row[index]) for row in rows]
        total = sum(values, Decimal(0))
        sums.append(f"{total:.2f}" if index == 13 else str(total))
    return ["Total", "", *sums]


def test_palms_csv_has_the_columns_chapters_know_a_row_per_member_and_a_total(
    app: Flask, client: FlaskClient, people: People
) -> None:
    chapter = four_members(app, people)
    login_as(client, people.leader)
    response = client.get(
        f"/reports/palms?start={chapter.w2.isoformat()}&end={chapter.w1.isoformat()}&format=csv"
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'attachment; filename="palms-summary-{chapter.w2.isoformat()}'
        f'-{chapter.w1.isoformat()}.csv"'
    )
    assert response.get_data(as_text=True).splitlines()[0] == PALMS_HEADER
    header, *rows, total = csv_rows(response)
    assert ",".join(header) == PALMS_HEADER
    assert rows == PALMS_ROWS
    assert total == column_sums(rows)
    assert total == ["Total", "", "3", "2", "1", "1", "1", "4", "3", "4", "3", "4", "6",
                     "1290.00", "2", "3"]  # fmt: skip


def test_palms_report_on_screen_shows_the_same_rows_and_total(
    app: Flask, client: FlaskClient, people: People
) -> None:
    chapter = four_members(app, people)
    login_as(client, people.leader)
    response = client.get(
        f"/reports/palms?start={chapter.w2.isoformat()}&end={chapter.w1.isoformat()}"
    )
    assert response.status_code == 200
    page = text(response)
    screen = table_rows(page, 'class="table table-sm table-striped palms-report"')
    assert [row[:-1] for row in screen] == PALMS_ROWS
    # On screen only, an attendance column: P, L and S out of every meeting but M.
    assert [row[-1] for row in screen] == ["50%", "100%", "50%", "100%"]
    foot = page[page.index("<tfoot>") : page.index("</tfoot>")]
    cells = [plain(c) for c in re.findall(r"<td[^>]*>(.*?)</td>", foot)]
    assert cells == [*column_sums(PALMS_ROWS), "71%"]  # 5 attended of 7 counted
    assert [plain(h) for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', page)] == (
        [*PALMS_HEADER.split(","), "Att."]
    )


def test_palms_xlsx_opens_with_the_same_header_and_numbers(
    app: Flask, client: FlaskClient, people: People
) -> None:
    chapter = four_members(app, people)
    login_as(client, people.leader)
    span = f"start={chapter.w2.isoformat()}&end={chapter.w1.isoformat()}"
    response = client.get(f"/reports/palms?{span}&format=xlsx")
    assert response.status_code == 200
    assert response.mimetype == XLSX
    assert "palms-summary-" in response.headers["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.data)).active
    values = list(sheet.iter_rows(values_only=True))
    assert "Home Chapter" in values[0][0]
    assert list(values[1]) == PALMS_HEADER.split(",")

    def as_text(cell: object, index: int) -> str:
        if index == 13:
            return f"{Decimal(str(cell)):.2f}"
        return "" if cell is None else str(cell)

    sheet_rows = [[as_text(cell, i) for i, cell in enumerate(row)] for row in values[2:]]
    _, *csv_body = csv_rows(client.get(f"/reports/palms?{span}&format=csv"))
    assert sheet_rows == csv_body
    assert sheet_rows[-1] == column_sums(PALMS_ROWS)


def test_palms_date_range_only_counts_the_weeks_inside_it(
    app: Flask, client: FlaskClient, people: People
) -> None:
    chapter = four_members(app, people)
    login_as(client, people.leader)
    w2 = chapter.w2.isoformat()
    _, *rows, total = csv_rows(client.get(f"/reports/palms?start={w2}&end={w2}&format=csv"))
    assert rows == [
        ["Lena", "Leader", "0", "1", "0", "0", "0", "1", "0", "0", "0", "1", "0", "0.00", "0", "0"],
        ["Milo", "Member", "0", "0", "0", "0", "1", "0", "0", "0", "0", "0", "0", "0.00", "2", "1"],
        ["Xena", "Xu", "1", "0", "0", "0", "0", "0", "0", "1", "1", "0", "0", "0.00", "0", "0"],
        ["Yuri", "Young", "1", "0", "0", "0", "0", "0", "1", "0", "0", "0", "0", "40.00", "0", "0"],
    ]
    assert total == column_sums(rows)
    after = (chapter.w2 + timedelta(days=1)).isoformat()
    _, *rows, total = csv_rows(
        client.get(f"/reports/palms?start={after}&end={chapter.w1.isoformat()}&format=csv")
    )
    assert total == ["Total", "", "1", "1", "1", "1", "0", "3", "2", "3", "2", "3", "6",
                     "1250.00", "0", "2"]  # fmt: skip


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("start=2026-11-18&end=2026-11-11", "The end must not be before the start."),
        ("start=2026-02-30&end=2026-11-11", "Not a valid date value."),
        ("start=2026-01-01&end=yesterday", "Not a valid date value."),
        ("start=2026-11-18&end=2026-11-11&format=csv", "The end must not be before the start."),
        ("start=&end=2026-11-11&format=xlsx", "This field is required."),
    ],
)
def test_palms_report_refuses_bad_dates_with_422(
    client: FlaskClient, people: People, query: str, message: str
) -> None:
    login_as(client, people.leader)
    response = client.get(f"/reports/palms?{query}")
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert message in text(response)


@pytest.mark.parametrize("output", ["", "&format=csv", "&format=xlsx"])
def test_palms_report_runs_the_same_queries_with_5_or_30_members(
    app: Flask, client: FlaskClient, people: People, output: str
) -> None:
    home = people.leader.chapter_id
    first = [people.leader.member_id, people.member.member_id]
    first += [p.member_id for p in add_members(app, home, 3)]
    weeks = wednesdays_before(chapter_today(), 3)
    meetings = {day: record_week(app, home, day, busy_week(first)) for day in weeks}
    path = f"/reports/palms?start={weeks[-1].isoformat()}&end={weeks[0].isoformat()}{output}"
    login_as(client, people.leader)
    with_five = queries_for(app, client, path)
    more = [p.member_id for p in add_members(app, home, 25)]
    for day, meeting_id in meetings.items():
        record_week(app, home, day, busy_week(more), meeting_id=meeting_id)
    _, *rows, _ = csv_rows(client.get(path.replace(output, "") + "&format=csv"))
    assert len(rows) == 30
    assert queries_for(app, client, path) == with_five


# --- traffic lights --------------------------------------------------------------------------


def previous_window(today: date) -> tuple[date, date]:
    """The six calendar months before the current month."""
    first = today.replace(day=1)
    return months_before(first, 6), first - timedelta(days=1)


def weeks_in_previous_window(count: int) -> list[date]:
    """``count`` Wednesdays at the end of the previous six months (newest first)."""
    return wednesdays_before(chapter_today().replace(day=1), count)


def test_traffic_lights_default_to_classic_with_the_thresholds_printed(
    client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    page = visible(client.get("/traffic-lights/"))
    assert "How the colours are given: Classic (100 points)" in page
    assert "Green ≥ 70 · Amber 50\u201369 · Red 30\u201349 · Grey below 30" in page
    for metric in PRESETS["classic"]["metrics"]:
        assert metric["label"] in page
    start, end = previous_window(chapter_today())
    assert f"Weeks from {date_short(start)} to {date_short(end)}" in page


def test_a_member_with_no_completed_weeks_is_grey(
    app: Flask, client: FlaskClient, people: People
) -> None:
    milo = people.member.member_id
    for day in weeks_in_previous_window(4):
        record_week(app, people.leader.chapter_id, day, Week(letters={milo: Palms.PRESENT}))
    (newcomer,) = add_members(app, people.leader.chapter_id, 1, user__first_name="Nina",
                              user__last_name="New")  # fmt: skip
    login_as(client, people.leader)
    rows = table_rows(text(client.get("/traffic-lights/")), "<table")
    colours = {row[0]: (row[1], row[2]) for row in rows}
    assert colours["Nina New"] == ("Grey", "0")
    page = visible(client.get(f"/traffic-lights/{newcomer.member_id}"))
    assert "Grey 0 of 100 points: no completed meeting weeks in this window" in page


def test_a_members_page_explains_every_metric_and_what_would_move_them_up(
    app: Flask, client: FlaskClient, people: People
) -> None:
    home = people.leader.chapter_id
    milo, lena = people.member.member_id, people.leader.member_id
    weeks = weeks_in_previous_window(4)
    for index, day in enumerate(weeks):
        record_week(
            app,
            home,
            day,
            Week(
                letters={milo: Palms.PRESENT, lena: Palms.PRESENT},
                slips=[(milo, lena)] if index < 2 else [],
                thanks=[(milo, lena, 5000_00)] if index == 0 else [],
                education=[(milo, 2)] if index == 1 else [],
            ),
        )
    login_as(client, people.member)
    response = client.get(f"/traffic-lights/{milo}")
    assert response.status_code == 200
    page = visible(response)
    assert "My traffic light" in page
    assert "Amber 50 of 100 points over 4 weeks." in page
    rows = table_rows(text(response), '<table class="table align-middle">')
    reach = "Reach {} for {} points (+5).".format
    assert rows == [
        ["Referrals given per week", "2 (0.50 a week)", "5 / 20",
         reach("3 referrals given in 4 weeks", 10)],
        ["Visitors per week", "0 (0.00 a week)", "0 / 20", reach("1 visitor in 4 weeks", 5)],
        ["Absences", "0", "15 / 15", "Full marks."],
        ["Education credits", "2", "10 / 15", reach("3", 15)],
        ["TYFCB credited", "5000.00", "15 / 15", "Full marks."],
        ["Testimonials per week", "0 (0.00 a week)", "0 / 10",
         reach("1 testimonial given in 4 weeks", 5)],
        ["Lates", "0", "5 / 5", "Full marks."],
    ]  # fmt: skip
    assert "0.001" not in page
    assert "Green ≥ 70" in page  # the thresholds are printed on the member's page too
    login_as(client, people.leader)
    page = visible(client.get(f"/traffic-lights/{milo}"))
    assert "Traffic light: " in page
    assert "What would move them up" in page
    assert "Reach 3 referrals given in 4 weeks for 10 points (+5)." in page


def test_classic_traffic_light_reaches_100_with_testimonials(
    app: Flask, client: FlaskClient, people: People
) -> None:
    home = people.leader.chapter_id
    milo, lena = people.member.member_id, people.leader.member_id
    for index, day in enumerate(weeks_in_previous_window(4)):
        record_week(
            app,
            home,
            day,
            Week(
                letters={milo: Palms.PRESENT, lena: Palms.PRESENT},
                slips=[(milo, lena)] * 5,
                visitors=[milo] * 3,
                thanks=[(milo, lena, 5000_00)] if index == 0 else [],
                education=[(milo, 3)] if index == 1 else [],
                testimonials=[(milo, lena)] if index == 2 else [],
            ),
        )
    login_as(client, people.member)
    response = client.get(f"/traffic-lights/{milo}")
    page = visible(response)
    assert "Green 100 of 100 points over 4 weeks." in page
    rows = table_rows(text(response), '<table class="table align-middle">')
    assert ["Testimonials per week", "1 (0.25 a week)", "10 / 10", "Full marks."] in rows
    assert "1 testimonial given" in page
    assert "0.001" not in page


def test_only_completed_held_meetings_count_as_a_members_weeks(
    app: Flask, client: FlaskClient, people: People
) -> None:
    home, milo = people.leader.chapter_id, people.member.member_id
    held, cancelled, open_roster = weeks_in_previous_window(3)
    record_week(app, home, held, Week(letters={milo: Palms.PRESENT}))
    record_week(app, home, cancelled, Week(letters={milo: Palms.ABSENT}), cancelled=True)
    record_week(app, home, open_roster, Week(letters={milo: Palms.ABSENT}), completed=False)
    login_as(client, people.member)
    page = visible(client.get(f"/traffic-lights/{milo}"))
    assert "over 1 week." in page
    assert "0 absences" in page


def test_rolling_view_and_previous_six_months_cover_different_windows(
    app: Flask, client: FlaskClient, people: People
) -> None:
    home = people.leader.chapter_id
    milo, lena = people.member.member_id, people.leader.member_id
    today = chapter_today()
    held = wednesdays_before(today, 34)
    for day in held:
        record_week(app, home, day, Week(letters={milo: Palms.PRESENT}, slips=[(milo, lena)]))
    previous = previous_window(today)
    rolling = (months_before(held[0], 6) + timedelta(days=1), held[0])
    login_as(client, people.member)
    for view, (start, end) in (("previous", previous), ("rolling", rolling)):
        weeks = sum(start <= day <= end for day in held)
        query = "" if view == "previous" else "?view=rolling"
        page = visible(client.get(f"/traffic-lights/{milo}{query}"))
        assert f"Weeks from {date_short(start)} to {date_short(end)}" in page, view
        assert f"over {weeks} weeks." in page, view
        assert f"Counted over the window: {weeks} referrals given" in page, view
    response = client.get("/traffic-lights/?view=rolling")
    assert response.headers["Location"] == f"/traffic-lights/{milo}?view=rolling"
    response = client.get(f"/traffic-lights/{milo}?view=zz")
    assert response.status_code == 400
    assert "Choose the previous six months or the rolling view." in visible(response)


def scoring_of(app: Flask, people: People) -> dict | None:
    with app.app_context():
        return db.session.get(Chapter, people.leader.chapter_id).scoring


def scoring_events(app: Flask) -> list[tuple]:
    with app.app_context():
        return [
            (e.actor_id, e.chapter_id, e.subject_type, e.subject_id, e.before, e.after)
            for e in db.session.scalars(
                db.select(AuditEvent)
                .where(AuditEvent.action == "chapter.scoring")
                .order_by(AuditEvent.id)
            )
        ]


def test_choosing_the_power_of_one_preset_changes_the_table_and_is_audited(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    assert "uses Classic" in visible(client.get("/traffic-lights/settings"))
    response = client.post(
        "/traffic-lights/settings",
        data={"preset-preset": "power_of_one", "preset-submit": "Use this preset"},
    )
    assert response.status_code == 302
    assert "The chapter's scoring table is saved." in visible(client.get(response.location))
    assert scoring_of(app, people)["name"] == "Power of One"
    page = visible(client.get("/traffic-lights/"))
    assert "How the colours are given: Power of One (100 points)" in page
    assert "TYFCB credited (shown, not scored) (not scored)" in page
    assert "Classic" not in page
    home = people.leader.chapter_id
    assert scoring_events(app) == [
        (
            people.leader.user_id,
            home,
            "Chapter",
            home,
            {"name": "Classic"},
            {"name": "Power of One"},
        )
    ]
    # The other chapter still uses the default.
    login_as(client, people.other_leader)
    assert "Classic (100 points)" in visible(client.get("/traffic-lights/"))


def edited_table(**changes: object) -> dict:
    table = {
        "name": "Home rules",
        "colours": {"green": 60, "amber": 40, "red": 20},
        "metrics": [
            {
                "key": "referrals",
                "label": "Referrals given",
                "measure": "referrals_given",
                "per": "count",
                "bands": [
                    {"min": 2, "points": 60},
                    {"min": 1, "points": 30},
                    {"min": 0, "points": 0},
                ],
            }
        ],
    }
    table.update(changes)
    return table


def band_table(band: object = None, **metric: object) -> str:
    """An edited table whose only metric is ``metric`` (visitors, one ``band`` by default)."""
    fields = {"measure": "visitors", "bands": [band or {"min": 0, "points": 1}], **metric}
    return json.dumps(edited_table(metrics=[fields]))


REFUSED = "The table cannot be used: "


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        pytest.param("{not json", "That is not valid JSON: ", id="bad-json"),
        pytest.param('{"name": "Home rules",', "That is not valid JSON: ", id="cut-json"),
        pytest.param(
            json.dumps(edited_table(colours={"green": 40, "amber": 50, "red": 30})),
            REFUSED + "the colour thresholds must fall: green > amber > red >= 0.",
            id="green-below-amber",
        ),
        pytest.param(
            band_table(measure="karma"),
            REFUSED + "metric 1: unknown measure 'karma'.",
            id="unknown-measure",
        ),
        pytest.param(
            json.dumps(edited_table(metrics=[])),
            REFUSED + "the table needs at least one metric.",
            id="no-metrics",
        ),
        pytest.param("[1, 2]", REFUSED + "the table must be an object.", id="not-an-object"),
        pytest.param("", "This field is required.", id="empty"),
        pytest.param(
            band_table({"min": "many", "points": 5}),
            REFUSED + "metric 1: 'many' is not a number.",
            id="band-min-not-a-number",
        ),
        pytest.param(band_table(5), REFUSED, id="band-not-an-object"),
        pytest.param(band_table(bands=5), REFUSED, id="bands-not-a-list"),
        pytest.param(json.dumps(edited_table(metrics=5)), REFUSED, id="metrics-not-a-list"),
        pytest.param(band_table({"min": 0, "points": None}), REFUSED, id="points-null"),
        pytest.param(band_table(measure=["visitors"]), REFUSED, id="measure-a-list"),
        pytest.param(band_table({"min": "NaN", "points": 5}), REFUSED, id="band-min-nan"),
    ],
)
def test_an_invalid_edited_table_is_refused_with_the_reason_and_nothing_saved(
    app: Flask, client: FlaskClient, people: People, posted: str, message: str
) -> None:
    login_as(client, people.leader)
    response = client.post(
        "/traffic-lights/settings", data={"table-table": posted, "table-submit": "Save the table"}
    )
    assert response.status_code == 422
    assert message in visible(response)
    assert scoring_of(app, people) is None
    assert scoring_events(app) == []
    assert "Classic (100 points)" in visible(client.get("/traffic-lights/"))


def test_a_valid_edited_table_is_saved_used_and_audited(
    app: Flask, client: FlaskClient, people: People
) -> None:
    rename(app, people.leader, "Lena", "Leader")
    rename(app, people.member, "Milo", "Member")
    milo, lena = people.member.member_id, people.leader.member_id
    for index, day in enumerate(weeks_in_previous_window(3)):
        record_week(
            app,
            people.leader.chapter_id,
            day,
            Week(
                letters={milo: Palms.PRESENT, lena: Palms.PRESENT},
                slips=[(milo, lena)] if index < 2 else [],
            ),
        )
    table = edited_table()
    login_as(client, people.leader)
    response = client.post(
        "/traffic-lights/settings",
        data={"table-table": json.dumps(table), "table-submit": "Save the table"},
    )
    assert response.status_code == 302
    assert scoring_of(app, people) == table
    page = visible(client.get("/traffic-lights/"))
    assert "How the colours are given: Home rules (60 points)" in page
    assert "Green ≥ 60 · Amber 40\u201359 · Red 20\u201339 · Grey below 20" in page
    rows = {row[0]: row[1:3] for row in table_rows(text(client.get("/traffic-lights/")), "<table")}
    assert rows["Milo Member"] == ["Green", "60"]
    assert rows["Lena Leader"] == ["Grey", "0"]
    settings = text(client.get("/traffic-lights/settings"))
    assert "Home rules" in settings
    assert scoring_events(app)[-1][4:] == ({"name": "Classic"}, {"name": "Home rules"})


# --- region view -----------------------------------------------------------------------------


def region_rows(response) -> dict[str, list[str]]:
    rows = table_rows(text(response), "<table")
    return {row[0]: row[1:] for row in rows}


def top_givers(response) -> list[tuple[str, str, int]]:
    """(name, chapter, referrals given) of each top giver, in page order."""
    page = text(response)
    listing = page[page.index("Top givers across chapters") :].split("</ol>")[0]
    found = []
    for item in re.findall(r"<li>(.*?)</li>", listing):
        match = re.fullmatch(r"(.+) \((.+)\): (\d+) referrals?", plain(item))
        assert match, item
        found.append((match.group(1), match.group(2), int(match.group(3))))
    return found


def region_data(app: Flask, people: People) -> None:
    """Home: two meetings, both present, Lena gives 3 and Milo 1, Milo credited 250.
    Away: Away's member gives 2 this month and 5 long ago (only all time)."""
    rename(app, people.leader, "Lena", "Leader")
    rename(app, people.member, "Milo", "Member")
    rename(app, people.other_member, "Omar", "Other")
    home, away = people.leader.chapter_id, people.other_leader.chapter_id
    lena, milo = people.leader.member_id, people.member.member_id
    w1, w2 = wednesdays_before(chapter_today(), 2)
    everyone = {lena: Palms.PRESENT, milo: Palms.PRESENT}
    record_week(app, home, w2, Week(letters=everyone, slips=[(lena, milo)] * 2))
    record_week(
        app,
        home,
        w1,
        Week(letters=everyone, slips=[(lena, milo), (milo, lena)], thanks=[(milo, lena, 250_00)]),
    )
    omar, other_leader = people.other_member.member_id, people.other_leader.member_id
    long_ago = wednesdays_before(chapter_today(), 110)[-1]
    record_week(app, away, w1, Week(slips=[(omar, other_leader)] * 2), completed=False)
    record_week(app, away, long_ago, Week(slips=[(omar, other_leader)] * 5))


def test_region_lists_every_chapter_with_members_referrals_and_health(
    app: Flask, client: FlaskClient, people: People
) -> None:
    region_data(app, people)
    add_chapter(app, "Empty Chapter", 0)
    login_as(client, people.admin)
    response = client.get("/admin/region")
    assert response.status_code == 200
    rows = region_rows(response)
    # Members, Referrals, TYFCB, 1-2-1s, Visitors, Weeks, Health
    # Home health: retention 100% → 15, referrals 4 ÷ (2 members x 2 weeks) = 1.00 → 10,
    # absence rate 0% → 15; everything else 0.
    assert rows["Home Chapter"][:6] == ["2", "4", "USD 250.00", "0", "0", "2"]
    assert rows["Home Chapter"][6].startswith("40 / 105")
    assert "Referrals per member per week: 1.00 → 10" in rows["Home Chapter"][6]
    assert rows["Away Chapter"][:6] == ["2", "2", "USD 0.00", "0", "0", "0"]
    assert rows["Away Chapter"][6].startswith("15 / 105")
    assert rows["Empty Chapter"][:6] == ["0", "0", "USD 0.00", "0", "0", "0"]
    assert rows["Empty Chapter"][6].startswith("0 / 105")
    assert list(rows) == ["Away Chapter", "Empty Chapter", "Home Chapter"]  # by name
    by_health = region_rows(client.get("/admin/region?sort=health"))
    assert list(by_health) == ["Home Chapter", "Away Chapter", "Empty Chapter"]

    every = region_rows(client.get("/admin/region?period=all"))
    assert every["Away Chapter"][1] == "7"
    assert every["Home Chapter"][1] == "4"


def test_region_lists_the_top_givers_across_chapters(
    app: Flask, client: FlaskClient, people: People
) -> None:
    region_data(app, people)
    login_as(client, people.admin)
    assert top_givers(client.get("/admin/region")) == [
        ("Lena Leader", "Home Chapter", 3),
        ("Omar Other", "Away Chapter", 2),
        ("Milo Member", "Home Chapter", 1),
    ]
    assert top_givers(client.get("/admin/region?period=all"))[0] == (
        "Omar Other",
        "Away Chapter",
        7,
    )


@pytest.mark.parametrize("period", ["zz", "week", ""])
def test_region_refuses_an_unknown_period_with_400(
    client: FlaskClient, people: People, period: str
) -> None:
    login_as(client, people.admin)
    response = client.get(f"/admin/region?period={period}")
    assert response.status_code == 400
    assert "Choose six_months, year or all." in visible(response)


@pytest.mark.parametrize("query", ["", "?period=year", "?period=all", "?sort=health"])
def test_region_runs_the_same_queries_with_2_or_8_chapters(
    app: Flask, client: FlaskClient, people: People, query: str
) -> None:
    region_data(app, people)
    login_as(client, people.admin)
    path = f"/admin/region{query}"
    with_two = queries_for(app, client, path)
    (last,) = wednesdays_before(chapter_today(), 1)
    for number in range(6):
        members = add_chapter(app, f"Extra Chapter {number}", 4)
        ids = [m.member_id for m in members]
        record_week(app, members[0].chapter_id, last, busy_week(ids))
    assert len(region_rows(client.get(path))) == 8
    assert queries_for(app, client, path) == with_two


def test_region_pages_through_chapters_by_name_or_health_and_finds_by_name(
    app: Flask, client: FlaskClient, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    region_data(app, people)
    add_chapter(app, "Empty Chapter", 0)
    monkeypatch.setattr(region_service, "PER_PAGE", 2)
    login_as(client, people.admin)
    first = client.get("/admin/region")
    assert list(region_rows(first)) == ["Away Chapter", "Empty Chapter"]
    assert "Chapters 1\N{EN DASH}2 of 3" in visible(first)
    second = client.get("/admin/region?page=2")
    assert list(region_rows(second)) == ["Home Chapter"]
    assert "Chapters 3\N{EN DASH}3 of 3" in visible(second)
    assert client.get("/admin/region?page=3").status_code == 404
    assert client.get("/admin/region?page=0").status_code == 404
    healthiest = client.get("/admin/region?sort=health&page=1")
    assert list(region_rows(healthiest)) == ["Home Chapter", "Away Chapter"]
    assert list(region_rows(client.get("/admin/region?sort=health&page=2"))) == ["Empty Chapter"]
    found = client.get("/admin/region?q=AWAY")
    assert list(region_rows(found)) == ["Away Chapter"]
    assert "1 chapter named like “AWAY”" in visible(found)
    assert "No chapter is named like “100%_”" in visible(client.get("/admin/region?q=100%25_"))
    assert client.get("/admin/region?sort=size").status_code == 400
    # the top givers are the region's, whatever page or search is shown
    assert top_givers(found) == top_givers(first)


@pytest.mark.parametrize("query", ["", "?period=all"])
def test_region_runs_the_same_queries_with_2_or_30_weeks_of_history(
    app: Flask, client: FlaskClient, people: People, query: str
) -> None:
    region_data(app, people)
    login_as(client, people.admin)
    path = f"/admin/region{query}"
    with_little = queries_for(app, client, path)
    home = people.leader.chapter_id
    ids = [people.leader.member_id, people.member.member_id]
    for day in wednesdays_before(chapter_today(), 40)[12:40]:
        record_week(app, home, day, busy_week(ids))
    app.config["PAGE_CACHE"] = False
    try:
        with count_queries(app) as statements:
            assert client.get(path).status_code == 200
    finally:
        app.config["PAGE_CACHE"] = True
    assert len(statements) == with_little
    # The chapters' totals come from two running-total rows each, never the weekly sums.
    assert not [s for s in statements if "chapter_weekly_totals" in s or "referral_slips" in s]
    every = region_rows(client.get("/admin/region?period=all"))
    assert every["Home Chapter"][1] == str(4 + 28 * 2)  # region_data's 4, then 2 a week
