"""A new chapter's rotation page: meetings are scheduled, nobody presents yet, so nothing
may be shown as "Confirmed" (issue 13, finding 11)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import People, login_as
from tests.support.attendance_factories import visible
from tests.support.rotation_helpers import add_meetings, add_slot, wednesdays


def upcoming_rows(response) -> list[str]:
    """The upcoming table's rows as text, one string per meeting."""
    page = response.get_data(as_text=True)
    table = page.split("Upcoming", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr\b.*?</tr>", table.split("<tbody", 1)[1], flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


def test_a_new_chapters_meetings_without_a_presenter_are_not_confirmed(
    app: Flask, client: FlaskClient, people: People
) -> None:
    add_meetings(app, people.leader.chapter_id, wednesdays(3))
    login_as(client, people.leader)
    rows = upcoming_rows(client.get("/rotation/"))
    assert len(rows) == 3
    assert all("Not scheduled yet" in row for row in rows)
    assert not any("Confirmed" in row for row in rows)


def test_only_the_next_meetings_with_a_presenter_show_confirmed(
    app: Flask, client: FlaskClient, people: People
) -> None:
    first, second, third = wednesdays(3)
    meeting = add_meetings(app, people.leader.chapter_id, [first, second, third])
    add_slot(app, meeting[second], people.member.member_id)
    login_as(client, people.leader)
    response = client.get("/rotation/")
    rows = upcoming_rows(response)
    assert ["Confirmed" in row for row in rows] == [False, True, False]
    assert "Not scheduled yet" in rows[0]
    assert "Confirmed" in visible(response)
