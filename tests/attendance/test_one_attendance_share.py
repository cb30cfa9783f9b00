"""One fact, one answer: a member with a Present, Absent, Late, Medical and Substitute week
shows the same attendance share on every page that shows one (chapter.attendance.rules)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from chapter.attendance.rules import Palms
from tests.conftest import People, login_as
from tests.support import clock
from tests.support.leaderboard_helpers import (
    Week,
    board_lines,
    record_week,
    rename,
    table_rows,
    visible,
    wednesdays_before,
)

# P, L and S attended out of P, A, L and S; the Medical week counts neither way: 3 of 4.
SHARE = "75%"


def test_the_same_attendance_share_on_every_page(
    app: Flask, client: FlaskClient, people: People
) -> None:
    rename(app, people.member, "Pat", "Palms")
    weeks = wednesdays_before(clock.today_in("Europe/London"), 5)
    for meets_on, letter in zip(weeks, Palms, strict=True):
        record_week(
            app, people.leader.chapter_id, meets_on, Week(letters={people.member.member_id: letter})
        )
    start, end = min(weeks).isoformat(), max(weeks).isoformat()

    login_as(client, people.member)
    board = client.get("/leaderboard/?period=six_months")
    assert [line.attendance for line in board_lines(board) if line.name == "Pat Palms"] == [SHARE]

    mine = visible(client.get("/attendance/me"))
    assert f"Attendance: {SHARE} (3 of 4 meetings)" in mine

    light = visible(client.get(f"/traffic-lights/{people.member.member_id}?view=rolling"))
    assert f"attendance {SHARE}" in light

    login_as(client, people.leader)
    report = client.get(f"/reports/palms?start={start}&end={end}").get_data(as_text=True)
    rows = table_rows(report, 'class="table table-sm table-striped palms-report"')
    assert [row[-1] for row in rows if row[:2] == ["Pat", "Palms"]] == [SHARE]

    summary = client.get(f"/attendance/summary?start={start}&end={end}").get_data(as_text=True)
    assert re.findall(r'<td>Pat Palms</td>.*?class="summary-attendance">([^<]*)<', summary) == [
        SHARE
    ]
