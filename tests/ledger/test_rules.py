"""The ledger's small rules: nobody refers to or thanks themselves; who may void, and when."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chapter.ledger.rules import (
    GIVER_VOID_WINDOW,
    a_year_before,
    entry_date_problem,
    may_refer,
    may_void,
)

NOW = datetime(2028, 2, 29, 7, 0, tzinfo=UTC)


@given(st.integers(1, 50), st.integers(1, 50))
def test_nobody_refers_to_or_thanks_themselves(giver: int, receiver: int) -> None:
    assert may_refer(giver, receiver) == (giver != receiver)


def test_the_author_may_void_within_seven_days_a_leader_at_any_time() -> None:
    week_ago = NOW - GIVER_VOID_WINDOW
    assert may_void(is_leader=False, is_author=True, created_at=week_ago, now=NOW)
    late = week_ago - timedelta(seconds=1)
    assert not may_void(is_leader=False, is_author=True, created_at=late, now=NOW)
    assert not may_void(is_leader=False, is_author=False, created_at=NOW, now=NOW)
    assert may_void(is_leader=True, is_author=False, created_at=NOW - timedelta(days=900), now=NOW)


# --- the date of an entry a member records now: entry_date_problem ---------------------------

TODAY = date(2028, 2, 29)


def test_an_entry_date_is_today_or_up_to_a_year_back() -> None:
    assert entry_date_problem(TODAY, TODAY) is None
    assert entry_date_problem(date(2027, 2, 28), TODAY) is None  # 29 Feb -> 28 Feb a year back
    assert entry_date_problem(TODAY + timedelta(days=1), TODAY) == (
        "The date cannot be in the future."
    )
    assert entry_date_problem(date(2027, 2, 27), TODAY) == (
        "Choose a date in the last year: 28 Feb 2027 or later."
    )
    assert entry_date_problem(date(1999, 1, 1), TODAY) is not None


def test_business_closes_on_or_after_the_day_its_slip_was_passed() -> None:
    slip_on = date(2028, 2, 20)
    assert entry_date_problem(slip_on, TODAY, not_before=slip_on) is None
    assert entry_date_problem(date(2028, 2, 19), TODAY, not_before=slip_on) == (
        "The referral was passed on 20 Feb 2028: the business closed on that day or later."
    )


@given(
    st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)),
    st.integers(-800, 800),
    st.one_of(st.none(), st.integers(0, 800)),
)
def test_an_entry_date_is_taken_exactly_inside_the_window(
    today: date, offset: int, slip_age: int | None
) -> None:
    day = today + timedelta(days=offset)
    not_before = None if slip_age is None else today - timedelta(days=slip_age)
    inside = a_year_before(today) <= day <= today and (not_before is None or day >= not_before)
    assert (entry_date_problem(day, today, not_before=not_before) is None) == inside


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)))
def test_a_year_before_is_365_or_366_days_back(today: date) -> None:
    assert (today - a_year_before(today)).days in (365, 366)
