"""The printable sign-in sheet of a meeting: every member on the roster with a place to sign
and five PALMS boxes, announced substitutes, the visitors so far and blank visitor lines;
reachable from the meeting page; a fixed number of queries however many members."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from chapter.attendance.rules import Palms
from chapter.extensions import db
from tests.conftest import People, count_queries, login_as
from tests.support.attendance_factories import (
    AttendanceFactory,
    GuestFactory,
    VisitFactory,
    add_member,
    full_name,
    upcoming_meeting,
)


def sheet_rows(response) -> list[str]:
    """The text of each member row of the sheet."""
    page = response.get_data(as_text=True)
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in body.split("<tr>")[1:]]


def test_the_sheet_lists_every_member_to_sign_with_palms_boxes_and_visitor_lines(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = upcoming_meeting(app, people.leader.chapter_id)
    with app.app_context():
        tom = GuestFactory(chapter_id=people.leader.chapter_id, name="Tom Ray")
        AttendanceFactory(
            meeting_id=meeting_id,
            member_id=people.member.member_id,
            status=Palms.SUBSTITUTE,
            substitute_id=tom.id,
            announced=True,
        )
        vera = GuestFactory(chapter_id=people.leader.chapter_id, name="Vera Visitor")
        VisitFactory(meeting_id=meeting_id, guest_id=vera.id, invited_by_id=people.leader.member_id)
        db.session.commit()
    login_as(client, people.leader)
    meeting_page = client.get(f"/meetings/{meeting_id}").get_data(as_text=True)
    assert f'href="/meetings/{meeting_id}/sign-in-sheet">Sign-in sheet to print</a>' in meeting_page

    response = client.get(f"/meetings/{meeting_id}/sign-in-sheet")
    assert response.status_code == 200
    leader, member = (
        full_name(app, people.leader.member_id),
        full_name(app, people.member.member_id),
    )
    rows = sheet_rows(response)
    assert [row.split(" ")[0] for row in rows] == ["1", "2"]
    assert {row.split(" ", 1)[1].split(" ")[0] for row in rows} == {
        leader.split()[0],
        member.split()[0],
    }
    assert any(f"{member}" in row and "Announced: Substitute (Tom Ray)" in row for row in rows)
    page = response.get_data(as_text=True)
    assert page.count('class="tick-box"') == 2 * 5
    assert re.findall(r'<abbr title="(\w+)">\w</abbr>', page) == [
        "Present",
        "Absent",
        "Late",
        "Medical",
        "Substitute",
    ]
    assert page.count('<td class="sheet-signature"></td>') == 2 + 1 + 8  # members, visitor, lines
    assert page.count('<tr class="sheet-blank">') == 8
    visitor = re.search(r"<tr><td>Vera Visitor</td>(.*?)</tr>", page)
    assert visitor, "the visitor is not on the sheet"
    assert re.findall(r"<td>([^<]*)</td>", visitor.group(1))[2] == leader  # invited by


def test_the_sheet_runs_the_same_number_of_queries_for_2_and_30_members(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = upcoming_meeting(app, people.leader.chapter_id)
    login_as(client, people.leader)
    path = f"/meetings/{meeting_id}/sign-in-sheet"
    client.get(path)  # warm up
    with count_queries(app) as few:
        assert len(sheet_rows(client.get(path))) == 2
    for _ in range(28):
        add_member(app, people.leader.chapter_id)
    with count_queries(app) as many:
        assert len(sheet_rows(client.get(path))) == 30
    assert len(many) == len(few), "\n".join(many)
