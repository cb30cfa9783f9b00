"""The weekly meeting schedule and renewal warnings."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from chapter.meetings.schedule import next_meeting_start, renewal_is_due

ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Dubai", "Australia/Sydney"]


def test_next_meeting_later_the_same_day() -> None:
    now = datetime(2026, 11, 25, 6, 0, tzinfo=UTC)  # a Wednesday, 06:00 in London
    start = next_meeting_start(2, time(7, 0), "Europe/London", now)
    assert start == datetime(2026, 11, 25, 7, 0, tzinfo=ZoneInfo("Europe/London"))


def test_meeting_that_has_started_moves_to_next_week() -> None:
    now = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
    start = next_meeting_start(2, time(7, 0), "Europe/London", now)
    assert start.date() == date(2026, 12, 2)


def test_meeting_time_is_local_across_daylight_saving() -> None:
    # New York leaves daylight saving on 1 Nov 2026: 07:00 local is 12:00 UTC afterwards.
    now = datetime(2026, 10, 30, 0, 0, tzinfo=UTC)
    start = next_meeting_start(0, time(7, 0), "America/New_York", now)
    assert start.date() == date(2026, 11, 2)
    assert start.astimezone(UTC).hour == 12


@given(
    weekday=st.integers(0, 6),
    hour=st.integers(0, 23),
    minute=st.sampled_from([0, 15, 30, 45]),
    zone=st.sampled_from(ZONES),
    now=st.datetimes(
        min_value=datetime(2020, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=datetime(2035, 1, 1),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
)
def test_next_meeting_is_on_the_weekday_and_within_a_week(
    weekday: int, hour: int, minute: int, zone: str, now: datetime
) -> None:
    start = next_meeting_start(weekday, time(hour, minute), zone, now)
    assert start.weekday() == weekday
    assert now <= start
    # Daylight saving can stretch a week by an hour.
    assert start - now <= timedelta(days=7, hours=1)


def test_renewal_due_within_the_window_or_overdue() -> None:
    today = date(2026, 11, 23)
    assert renewal_is_due(date(2026, 12, 23), today, 30)
    assert renewal_is_due(date(2026, 1, 1), today, 30)  # overdue
    assert not renewal_is_due(date(2026, 12, 24), today, 30)
    assert not renewal_is_due(None, today, 30)
