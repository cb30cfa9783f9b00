"""The member ledger is kept per member until the chapter's data changes (as the
leaderboard): a repeat view renders nothing, and no member is ever served another's page."""

from __future__ import annotations

import re

from flask import Flask, template_rendered
from flask.testing import FlaskClient

from tests.conftest import People, count_queries, login_as
from tests.support.leaderboard_helpers import add_members
from tests.support.referral_helpers import slip_form

GIVEN = "/ledger?tab=given&period=all"
RECEIVED = "/ledger?tab=received&period=all"


def prospects(html: str) -> list[str]:
    return sorted(re.findall(r"Pat Prospect \d+", html))


def pass_slip(client: FlaskClient, receiver_id: int, name: str) -> None:
    response = client.post("/referrals/new", data=slip_form(receiver_id, prospect_name=name))
    assert response.status_code == 302


def rendered_during(app: Flask, client: FlaskClient, path: str) -> tuple[list[str], str]:
    names: list[str] = []

    def record(sender: Flask, template, context, **extra) -> None:
        names.append(template.name)

    with template_rendered.connected_to(record, app):
        response = client.get(path)
    assert response.status_code == 200
    return names, response.get_data(as_text=True)


def test_a_repeat_view_renders_nothing_and_reads_only_the_log_in(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    pass_slip(client, people.leader.member_id, "Pat Prospect 1")
    client.get(GIVEN)  # shows the flashed "passed" message: not kept
    first = client.get(GIVEN).get_data(as_text=True)
    with count_queries(app, cold=False) as statements:
        names, second = rendered_during(app, client, GIVEN)
    assert names == []
    assert len(statements) == 1  # the log-in check's version read
    assert second == first
    assert "Pat Prospect 1" in second


def test_a_slip_passed_to_me_shows_on_my_next_view(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    assert "Pat Prospect 2" not in client.get(RECEIVED).get_data(as_text=True)  # now kept
    login_as(client, people.leader)
    pass_slip(client, people.member.member_id, "Pat Prospect 2")
    login_as(client, people.member)
    assert "Pat Prospect 2" in client.get(RECEIVED).get_data(as_text=True)


def test_each_member_gets_their_own_ledger_whoever_viewed_first(
    app: Flask, client: FlaskClient, people: People
) -> None:
    (colleague,) = add_members(app, people.member.chapter_id, 1)  # a member as they are
    login_as(client, people.member)
    pass_slip(client, people.leader.member_id, "Pat Prospect 3")
    for _ in range(2):  # shown, then kept
        mine = client.get(GIVEN).get_data(as_text=True)
    login_as(client, colleague)
    theirs = client.get(GIVEN).get_data(as_text=True)
    assert "Pat Prospect 3" in mine
    assert "Pat Prospect 3" not in theirs  # they gave nothing


def test_another_page_of_the_list_is_not_the_first_one_kept(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    for number in range(3):
        pass_slip(client, people.leader.member_id, f"Pat Prospect {number + 10}")
    for _ in range(2):  # shown, then kept
        first = client.get(GIVEN).get_data(as_text=True)
    assert prospects(first) == ["Pat Prospect 10", "Pat Prospect 11", "Pat Prospect 12"]
    assert client.get(GIVEN + "&page=2").status_code == 404  # 25 a page: there is no second
    assert client.get(GIVEN + "&tpage=2").status_code == 404


def test_the_csv_download_is_never_the_kept_page(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    pass_slip(client, people.leader.member_id, "Pat Prospect 4")
    client.get("/ledger")
    download = client.get("/ledger?format=csv")
    assert download.mimetype == "text/csv"
    assert "Pat Prospect 4" in download.get_data(as_text=True)
