"""The page-data cache (chapter/platform/page_cache.py): pages come from it while the chapter's
data is unchanged, no viewer ever sees another viewer's private data from it, and every write
shows on the very next page view."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask import Flask, template_rendered
from flask.testing import FlaskClient

from chapter.attendance.rules import Palms
from chapter.auth.models import User
from chapter.extensions import cache, db
from chapter.ledger.models import ReferralSlip
from chapter.platform import page_cache
from tests.conftest import People, count_queries, login_as
from tests.support.attendance_factories import chapter_today, roster_form
from tests.support.leaderboard_helpers import (
    Week,
    add_members,
    board_lines,
    record_week,
    rename,
    table_rows,
    text,
    wednesdays_before,
)
from tests.support.pages import token_in
from tests.support.referral_helpers import slip_form, thank_form

ALL = "/leaderboard/?period=all"
MATRIX = "Giver ↓ / receiver →"


def week_with_slips(app: Flask, people: People) -> tuple[int, date]:
    """A completed week in Home: the leader gave the member 2 slips. Returns its meeting."""
    (day,) = wednesdays_before(chapter_today(), 1)
    lena, milo = people.leader.member_id, people.member.member_id
    meeting_id = record_week(
        app,
        people.leader.chapter_id,
        day,
        Week(letters={lena: Palms.PRESENT, milo: Palms.PRESENT}, slips=[(lena, milo)] * 2),
    )
    return meeting_id, day


def view(app: Flask, client: FlaskClient, path: str) -> tuple[object, int]:
    with count_queries(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response, len(statements)


def given(response, person_name: str) -> int:
    return next(line.given for line in board_lines(response) if line.name == person_name)


def names(app: Flask, people: People) -> tuple[str, str]:
    rename(app, people.leader, "Lena", "Leader")
    rename(app, people.member, "Milo", "Member")
    return "Lena Leader", "Milo Member"


# --- served from the cache, and only what the viewer may see -------------------------------------


def test_the_second_view_of_an_unchanged_board_comes_from_the_cache(
    app: Flask, client: FlaskClient, people: People
) -> None:
    week_with_slips(app, people)
    login_as(client, people.member)
    first, built = view(app, client, ALL)
    second, cached = view(app, client, ALL)
    assert cached < built  # the board's own queries are skipped
    assert board_lines(second) == board_lines(first)


def test_each_member_sees_their_own_row_marked_whoever_filled_the_cache(
    app: Flask, client: FlaskClient, people: People
) -> None:
    week_with_slips(app, people)
    (third,) = add_members(app, people.member.chapter_id, 1)
    login_as(client, people.member)
    mine, built = view(app, client, ALL)
    login_as(client, third)
    theirs, cached = view(app, client, ALL)
    assert cached < built  # the second member's page did come from the cache
    me = [line.name for line in board_lines(mine) if line.is_you or line.highlighted]
    them = [line.name for line in board_lines(theirs) if line.is_you or line.highlighted]
    assert len(me) == 1
    assert len(them) == 1
    assert me != them
    assert next(line for line in board_lines(theirs) if line.highlighted).is_you


def test_a_member_never_sees_the_leaders_matrix_cached_by_a_leader(
    app: Flask, client: FlaskClient, people: People
) -> None:
    week_with_slips(app, people)
    login_as(client, people.leader)
    leader_page = text(client.get(ALL))
    assert MATRIX in leader_page
    login_as(client, people.member)
    member_page, _ = view(app, client, ALL)
    assert MATRIX not in text(member_page)
    login_as(client, people.leader)  # and the other way round: a member first, then a leader
    assert MATRIX in text(client.get(ALL))


def test_a_leaders_view_then_a_members_view_of_the_same_week(
    app: Flask, client: FlaskClient, people: People
) -> None:
    _, day = week_with_slips(app, people)
    path = f"/leaderboard/?period=week&week={day.isoformat()}"
    login_as(client, people.leader)
    leader_lines = board_lines(client.get(path))
    login_as(client, people.member)
    member = client.get(path)
    assert MATRIX not in text(member)
    assert [(x.name, x.given) for x in board_lines(member)] == [
        (x.name, x.given) for x in leader_lines
    ]
    assert [x.is_you for x in board_lines(member)] != [x.is_you for x in leader_lines]


def test_one_members_traffic_light_is_not_served_for_another(
    app: Flask, client: FlaskClient, people: People
) -> None:
    week_with_slips(app, people)
    lena, milo = names(app, people)
    login_as(client, people.leader)
    assert lena in text(client.get(f"/traffic-lights/{people.leader.member_id}"))
    login_as(client, people.member)
    page = text(client.get("/traffic-lights/", follow_redirects=True))
    assert milo in page
    assert lena not in page


# --- every write shows on the next view ----------------------------------------------------------


def test_a_slip_passed_shows_on_the_next_view(
    app: Flask, client: FlaskClient, people: People
) -> None:
    week_with_slips(app, people)
    _, milo = names(app, people)
    login_as(client, people.member)
    # a first slip (it also plans the meetings ahead, which the board reads)
    assert client.post("/referrals/new", data=slip_form(people.leader.member_id)).status_code == 302
    before = given(client.get(ALL), milo)
    assert given(client.get(ALL), milo) == before  # cached
    response = client.post("/referrals/new", data=slip_form(people.leader.member_id))
    assert response.status_code == 302
    assert given(client.get(ALL), milo) == before + 1


def test_a_thank_you_shows_on_the_next_view(
    app: Flask, client: FlaskClient, people: People
) -> None:
    week_with_slips(app, people)
    lena, _ = names(app, people)
    login_as(client, people.member)
    # a first thank-you (it also plans the meetings ahead, which the board reads)
    response = client.post("/thanks/new", data=thank_form(people.leader.member_id, amount="1"))
    assert response.status_code == 302, text(response)
    credited = {line.name: line.tyfcb for line in board_lines(client.get(ALL))}
    assert "1.00" in credited[lena]
    response = client.post("/thanks/new", data=thank_form(people.leader.member_id))
    assert response.status_code == 302, text(response)
    after = {line.name: line.tyfcb for line in board_lines(client.get(ALL))}
    assert "1,235.50" in after[lena]


def test_a_void_shows_on_the_next_view(app: Flask, client: FlaskClient, people: People) -> None:
    week_with_slips(app, people)
    lena, _ = names(app, people)
    login_as(client, people.leader)
    assert given(client.get(ALL), lena) == 2
    with app.app_context():
        slip_id = db.session.scalar(sa.select(ReferralSlip.id).limit(1))
    response = client.post(f"/referrals/{slip_id}/void", data={"reason": "Passed twice"})
    assert response.status_code == 302, text(response)
    assert given(client.get(ALL), lena) == 1


def test_a_completed_roster_shows_on_the_next_view(
    app: Flask, client: FlaskClient, people: People
) -> None:
    week_with_slips(app, people)
    lena, milo = names(app, people)
    day = wednesdays_before(chapter_today(), 2)[1]
    meeting_id = record_week(app, people.leader.chapter_id, day, completed=False)
    login_as(client, people.leader)
    report = f"/reports/palms?start={day.isoformat()}&end={chapter_today().isoformat()}"
    marker = 'class="table table-sm table-striped palms-report"'
    before = {" ".join(row[:2]): row for row in table_rows(text(client.get(report)), marker)}
    # The rolling view ends at the last completed week; the default (previous six completed
    # months) would not include a meeting of this month.
    lights_page = "/traffic-lights/?view=rolling"
    lights = text(client.get(lights_page))
    response = client.post(
        f"/meetings/{meeting_id}/roster",
        data=roster_form(
            0,
            [
                {"member_id": people.leader.member_id, "status": "P"},
                {"member_id": people.member.member_id, "status": "A"},
            ],
            complete="Save and complete roster",
        ),
    )
    assert response.status_code == 302, text(response)
    after = {" ".join(row[:2]): row for row in table_rows(text(client.get(report)), marker)}
    assert after[milo] != before[milo]  # an absence more in the PALMS report
    assert after[lena] != before[lena]
    assert text(client.get(lights_page)) != lights


def test_a_renamed_member_shows_on_the_next_view(
    app: Flask, client: FlaskClient, people: People
) -> None:
    week_with_slips(app, people)
    names(app, people)
    login_as(client, people.member)
    assert "Milo Member" in text(client.get(ALL))
    rename(app, people.member, "Mila", "Moved")
    page = text(client.get(ALL))
    assert "Mila Moved" in page
    assert "Milo Member" not in page


def test_a_slip_shows_on_the_region_view_at_once(
    app: Flask, client: FlaskClient, people: People
) -> None:
    week_with_slips(app, people)
    login_as(client, people.admin)
    before = {
        row[0]: row for row in table_rows(text(client.get("/admin/region?period=all")), "<table")
    }
    assert before["Home Chapter"][2] == "2"
    login_as(client, people.member)
    assert client.post("/referrals/new", data=slip_form(people.leader.member_id)).status_code == 302
    login_as(client, people.admin)
    after = {
        row[0]: row for row in table_rows(text(client.get("/admin/region?period=all")), "<table")
    }
    assert after["Home Chapter"][2] == "3"


def test_a_repeat_region_view_renders_nothing(
    app: Flask, client: FlaskClient, people: People
) -> None:
    week_with_slips(app, people)
    login_as(client, people.admin)
    rendered: list[str] = []

    def record(sender: Flask, template, context, **extra) -> None:
        rendered.append(template.name)

    first = client.get("/admin/region?period=all")
    with template_rendered.connected_to(record, app):
        second = client.get("/admin/region?period=all")
    assert rendered == []  # the whole page was kept
    assert table_rows(text(second), "<table") == table_rows(text(first), "<table")


def test_an_admin_who_is_a_member_gets_their_own_navigation_from_the_region_view(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """The kept region page is per viewer: a platform admin who is also a member has the
    member's links, one who is not has none, whoever viewed first."""
    with app.app_context():
        db.session.get(User, people.leader.user_id).is_platform_admin = True
        db.session.commit()
    login_as(client, people.admin)
    assert "My profile" not in text(client.get("/admin/region"))
    login_as(client, people.leader)
    assert "My profile" in text(client.get("/admin/region"))
    login_as(client, people.admin)
    assert "My profile" not in text(client.get("/admin/region"))


def test_turned_off_the_cache_builds_every_view(
    app: Flask, client: FlaskClient, people: People
) -> None:
    week_with_slips(app, people)
    login_as(client, people.member)
    app.config["PAGE_CACHE"] = False
    try:
        _, first = view(app, client, ALL)
        _, second = view(app, client, ALL)
    finally:
        app.config["PAGE_CACHE"] = True
    assert first == second


# --- a whole page kept: the session's own token, this view's own messages ---------------------


def test_a_kept_page_carries_each_sessions_own_csrf_token(csrf_app: Flask, people: People) -> None:
    """Two devices of one member: the second is served the page the first filled, with its
    own token, and logs out with it."""
    week_with_slips(csrf_app, people)
    phone, laptop = csrf_app.test_client(), csrf_app.test_client()
    for device in (phone, laptop):
        login_as(device, people.member)
    first = phone.get(ALL)
    with count_queries(csrf_app) as statements:
        second = laptop.get(ALL)
    assert len(statements) <= 1  # the log-in check: the page itself came from the cache
    assert board_lines(second) == board_lines(first)
    assert token_in(second) != token_in(first)
    assert token_in(first) not in text(second)  # the first session's token was cut out
    assert laptop.post("/logout", data={"csrf_token": token_in(second)}).status_code == 302
    assert laptop.get(ALL).status_code == 302  # logged out: sent to log in
    assert phone.post("/logout", data={"csrf_token": token_in(first)}).status_code == 302


def test_a_repeat_view_hands_out_the_token_signed_for_the_session_minutes_ago(
    csrf_app: Flask, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Signing the token costs more than finding the kept page: the next view of the same
    session reuses the token signed for it, which still logs out."""
    week_with_slips(csrf_app, people)
    client = csrf_app.test_client()
    login_as(client, people.member)
    first = client.get(ALL)
    signed: list[str] = []
    real = page_cache.generate_csrf
    monkeypatch.setattr(page_cache, "generate_csrf", lambda: signed.append("x") or real())
    second = client.get(ALL)
    assert not signed
    assert token_in(second) == token_in(first)
    assert csrf_app.extensions[page_cache.SIGNED].default_timeout == 300
    assert client.post("/logout", data={"csrf_token": token_in(second)}).status_code == 302


def test_a_flashed_message_shows_once_and_is_never_kept(
    app: Flask, client: FlaskClient, people: People
) -> None:
    week_with_slips(app, people)
    login_as(client, people.member)
    client.get(ALL)  # the page is kept
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Slip passed to Milo.")]
    assert "Slip passed to Milo." in text(client.get(ALL))
    assert "Slip passed to Milo." not in text(client.get(ALL))
    (other,) = add_members(app, people.member.chapter_id, 1)
    login_as(client, other)
    assert "Slip passed to Milo." not in text(client.get(ALL))


# --- the chapter's data version in the database ---------------------------------------------------


def test_a_write_shows_even_when_the_cache_missed_its_version_bump(
    app: Flask, client: FlaskClient, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another host's commit whose bump never reached the cache (or a worker that read the
    version just before it): the member's board keys on the version the database raised in the
    same transaction, read with the log-in check."""
    week_with_slips(app, people)
    _, milo = names(app, people)
    login_as(client, people.member)
    assert client.post("/referrals/new", data=slip_form(people.leader.member_id)).status_code == 302
    before = given(client.get(ALL), milo)
    monkeypatch.setattr(page_cache, "bump", lambda chapter_ids: None)
    assert client.post("/referrals/new", data=slip_form(people.leader.member_id)).status_code == 302
    assert given(client.get(ALL), milo) == before + 1


def test_a_members_repeat_view_asks_the_cache_for_no_version(
    app: Flask, client: FlaskClient, people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    week_with_slips(app, people)
    login_as(client, people.member)
    client.get(ALL)
    asked: list[str] = []
    real_get = cache.get
    monkeypatch.setattr(cache, "get", lambda key: asked.append(key) or real_get(key))
    client.get(ALL)
    assert not [key for key in asked if key.startswith("version:")]


def test_a_write_raises_the_chapters_version_and_keeps_its_updated_at(
    app: Flask, client: FlaskClient, people: People
) -> None:
    chapters = db.metadata.tables["chapters"]
    home = people.member.chapter_id

    def stored() -> tuple:
        with app.app_context():
            return db.session.execute(
                sa.select(chapters.c.data_version, chapters.c.updated_at).where(
                    chapters.c.id == home
                )
            ).one()

    version, updated_at = stored()
    login_as(client, people.member)
    assert client.post("/referrals/new", data=slip_form(people.leader.member_id)).status_code == 302
    after, still = stored()
    assert after > version  # raised (the slip's commit, and the meetings it planned ahead)
    assert still == updated_at
