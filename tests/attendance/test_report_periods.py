""" "Last month" and "This quarter" on the attendance summary and the PALMS report: counted
in the chapter's time zone (chapter.meetings.periods), so at 00:30 on 1 October in London
(23:30 UTC on 30 September) last month is September."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from flask.testing import FlaskClient

from tests.conftest import People, login_as
from tests.support.attendance_factories import input_value, text, visible

# 23:30 UTC on 30 September 2026 is already 00:30 on 1 October in London (the home chapter).
NEW_QUARTER_IN_LONDON = datetime(2026, 9, 30, 23, 30, tzinfo=UTC)
REPORTS = ["/attendance/summary", "/reports/palms"]


@pytest.mark.parametrize("path", REPORTS)
@pytest.mark.parametrize(
    ("period", "start", "end"),
    [
        ("last-month", "2026-09-01", "2026-09-30"),
        ("this-quarter", "2026-10-01", "2026-10-01"),
        ("last-quarter", "2026-07-01", "2026-09-30"),
    ],
)
def test_a_shortcut_fills_the_range_in_the_chapters_time_zone(
    client: FlaskClient, people: People, path: str, period: str, start: str, end: str
) -> None:
    with time_machine.travel(NEW_QUARTER_IN_LONDON, tick=False):
        login_as(client, people.leader)
        response = client.get(f"{path}?period={period}")
    assert response.status_code == 200, text(response)[:500]
    assert (input_value(response, "start"), input_value(response, "end")) == (start, end)
    assert f'aria-current="true" href="{path}?period={period}"' in text(response)


@pytest.mark.parametrize("path", REPORTS)
def test_the_shortcuts_are_on_the_report(client: FlaskClient, people: People, path: str) -> None:
    login_as(client, people.leader)
    page = text(client.get(path))
    assert f'href="{path}?period=last-month">Last month</a>' in page
    assert f'href="{path}?period=this-quarter">This quarter</a>' in page


@pytest.mark.parametrize("path", REPORTS)
def test_an_unknown_period_is_refused_with_a_message(
    client: FlaskClient, people: People, path: str
) -> None:
    login_as(client, people.leader)
    response = client.get(f"{path}?period=next-century")
    assert response.status_code == 422
    assert "Unknown period: choose one of the shortcuts." in visible(response)
