"""Named report periods (chapter.meetings.periods): last month, this quarter, last quarter."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chapter.meetings.periods import PERIODS, period_range, quarter_start

days = st.dates(min_value=date(1951, 1, 1), max_value=date(2099, 12, 31))


@pytest.mark.parametrize(
    ("name", "today", "expected"),
    [
        ("last-month", date(2026, 12, 5), (date(2026, 11, 1), date(2026, 11, 30))),
        ("last-month", date(2026, 1, 1), (date(2025, 12, 1), date(2025, 12, 31))),
        ("last-month", date(2028, 3, 31), (date(2028, 2, 1), date(2028, 2, 29))),
        ("this-quarter", date(2026, 12, 5), (date(2026, 10, 1), date(2026, 12, 5))),
        ("this-quarter", date(2026, 10, 1), (date(2026, 10, 1), date(2026, 10, 1))),
        ("this-quarter", date(2026, 3, 31), (date(2026, 1, 1), date(2026, 3, 31))),
        ("last-quarter", date(2026, 12, 5), (date(2026, 7, 1), date(2026, 9, 30))),
        ("last-quarter", date(2026, 2, 14), (date(2025, 10, 1), date(2025, 12, 31))),
    ],
)
def test_named_periods(name: str, today: date, expected: tuple[date, date]) -> None:
    assert period_range(name, today) == expected


def test_an_unknown_period_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(ValueError, match="last-month, this-quarter, last-quarter"):
        period_range("next-year", date(2026, 12, 5))


@given(days)
def test_last_month_is_the_whole_month_before_todays(today: date) -> None:
    start, end = period_range("last-month", today)
    assert start.day == 1
    assert end + timedelta(days=1) == today.replace(day=1)
    assert (start.year, start.month) == (end.year, end.month)


@given(days)
def test_this_quarter_runs_from_its_first_day_to_today(today: date) -> None:
    start, end = period_range("this-quarter", today)
    assert (start.month, start.day) in {(1, 1), (4, 1), (7, 1), (10, 1)}
    assert start <= end == today
    assert (today - start).days < 92


@given(days)
def test_last_quarter_ends_the_day_before_this_one_starts(today: date) -> None:
    start, end = period_range("last-quarter", today)
    assert end + timedelta(days=1) == quarter_start(today)
    assert quarter_start(end) == start
    assert 89 <= (end - start).days + 1 <= 92


def test_every_offered_shortcut_has_a_range() -> None:
    for name in PERIODS:
        start, end = period_range(name, date(2026, 12, 5))
        assert start <= end
