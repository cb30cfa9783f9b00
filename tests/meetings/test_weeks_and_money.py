"""Week attribution at meeting boundaries and time zones; money in whole cents."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chapter.ledger.money import (
    MAX_CENTS,
    cents_in_bounds,
    cents_of,
    format_money,
    from_cents,
    to_cents,
)
from chapter.meetings.schedule import local_start, slot_dates
from chapter.meetings.weeks import (
    MEETING_LENGTH,
    CountedWeek,
    MeetingWeek,
    counted_week,
    periods,
    week_for,
)

LONDON = "Europe/London"


def weekly(zone: str = LONDON, completed: int = 0, cancelled: tuple[int, ...] = ()):
    days = slot_dates(2, date(2026, 10, 7), 8)  # Wednesdays across the October DST change
    return [
        MeetingWeek(
            index + 1,
            local_start(day, time(7, 0), zone),
            index in cancelled,
            index < completed,
            day,
        )
        for index, day in enumerate(days)
    ]


def test_a_slip_during_the_meeting_counts_toward_it_and_after_it_toward_the_next() -> None:
    meetings = weekly()
    start = meetings[0].starts_at
    assert week_for(start - timedelta(days=2), meetings) == 1
    assert week_for(start + timedelta(minutes=30), meetings) == 1  # passed at the meeting
    assert week_for(start + MEETING_LENGTH, meetings) == 2  # the meeting is over
    assert week_for(start + timedelta(days=1), meetings) == 2


def test_a_completed_meeting_takes_no_more_slips_and_cancelled_weeks_are_skipped() -> None:
    meetings = weekly(completed=1, cancelled=(1,))
    assert week_for(meetings[0].starts_at - timedelta(hours=1), meetings) == 3


def test_the_meeting_time_is_local_to_the_chapter() -> None:
    # 07:00 in Dubai is 03:00 UTC: at 05:00 UTC the meeting is over.
    dubai = weekly("Asia/Dubai")
    moment = datetime.combine(dubai[0].starts_at.date(), time(5, 0), tzinfo=UTC)
    assert week_for(moment, dubai) == 2
    new_york = weekly("America/New_York")  # 07:00 there is 11:00 or 12:00 UTC
    assert week_for(moment, new_york) == 1


def test_no_meeting_left_means_no_week() -> None:
    meetings = weekly()
    assert week_for(meetings[-1].starts_at + timedelta(days=1), meetings) is None


@given(
    st.datetimes(
        min_value=datetime(2026, 10, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=datetime(2026, 11, 30),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    st.integers(0, 7),
    st.sets(st.integers(0, 7), max_size=3),
)
def test_the_week_is_never_over_completed_or_cancelled(moment, completed, cancelled) -> None:
    meetings = weekly(completed=completed, cancelled=tuple(cancelled))
    chosen = week_for(moment, meetings)
    open_meetings = [
        m
        for m in meetings
        if not m.is_cancelled and not m.is_completed and m.starts_at + MEETING_LENGTH > moment
    ]
    if chosen is None:
        assert open_meetings == []
    else:
        meeting = next(m for m in meetings if m.meeting_id == chosen)
        assert meeting in open_meetings
        assert meeting.starts_at == min(m.starts_at for m in open_meetings)


def test_periods_run_up_to_the_current_week() -> None:
    all_periods = periods(date(2026, 11, 23), date(2026, 11, 25))
    assert (all_periods["week"].start, all_periods["week"].end) == (date(2026, 11, 25),) * 2
    assert all_periods["six_months"].start == date(2026, 5, 23)
    assert all_periods["year"].start == date(2026, 1, 1)
    assert all_periods["all"].start is None


@pytest.mark.parametrize(
    ("text", "cents"), [("1234.5", 123450), ("0.01", 1), ("10", 1000), ("99.99", 9999)]
)
def test_amounts_become_whole_cents(text: str, cents: int) -> None:
    assert to_cents(Decimal(text)) == cents


@pytest.mark.parametrize("text", ["0", "-5", "1.2345", "abc", "NaN", "Infinity", "1e12"])
def test_bad_amounts_are_refused(text: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - every message is fine
        to_cents(text)


@given(st.integers(1, MAX_CENTS))
def test_cents_round_trip_through_decimal(cents: int) -> None:
    assert to_cents(from_cents(cents)) == cents


def test_money_is_shown_with_the_currency() -> None:
    assert format_money(123450, "GBP") == "GBP 1,234.50"
    assert ZoneInfo(LONDON)  # the zone database is installed (tzdata)


# --- counted_week: the one answer to "which week does this count for?" ----------------------


def test_an_entry_counts_for_the_chosen_meetings_date() -> None:
    meetings = weekly()
    moment = meetings[0].starts_at + MEETING_LENGTH  # the first meeting is over
    assert counted_week(moment, meetings, LONDON) == CountedWeek(2, date(2026, 10, 14))


def test_without_a_meeting_an_entry_counts_for_the_chapters_own_date_not_utc() -> None:
    # 23:30 UTC on New Year's Eve is already 1 January in Auckland (and still 31 December in
    # Honolulu): the chapter's calendar decides, never the server's UTC date.
    moment = datetime(2027, 12, 31, 23, 30, tzinfo=UTC)
    assert counted_week(moment, [], "Pacific/Auckland") == CountedWeek(None, date(2028, 1, 1))
    assert counted_week(moment, [], "Pacific/Honolulu") == CountedWeek(None, date(2027, 12, 31))


@given(
    st.datetimes(
        min_value=datetime(2026, 9, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
        max_value=datetime(2026, 12, 31),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
    st.sampled_from([LONDON, "Asia/Dubai", "America/New_York", "Pacific/Auckland"]),
)
def test_counted_week_is_week_for_on_its_date_or_the_local_day(moment: datetime, zone: str) -> None:
    meetings = weekly(zone)
    counted = counted_week(moment, meetings, zone)
    assert counted.meeting_id == week_for(moment, meetings)
    if counted.meeting_id is None:
        assert counted.week_on == moment.astimezone(ZoneInfo(zone)).date()
    else:
        assert counted.week_on == meetings[counted.meeting_id - 1].meets_on
        assert counted.week_on >= moment.astimezone(ZoneInfo(zone)).date() - timedelta(days=1)


# --- the money rule: one bound and one parser for forms, imports and the JSON move -----------


def test_cents_of_keeps_the_bounds_and_says_why() -> None:
    assert cents_of(Decimal("0.01")) == 1
    assert cents_of(Decimal(0), allow_zero=True) == 0
    for value, reason in [
        (Decimal(0), "above zero"),
        (Decimal("-1"), "above zero"),
        (Decimal("1.005"), "two decimals"),
        (Decimal(MAX_CENTS) / 100 + Decimal("0.01"), "too large"),
        (Decimal("NaN"), "not an amount"),
    ]:
        with pytest.raises(ValueError, match=reason):
            cents_of(value)


@given(st.integers(-(10**12), 10**12), st.booleans())
def test_cents_in_bounds_agrees_with_cents_of(cents: int, allow_zero: bool) -> None:
    try:
        parsed = cents_of(Decimal(cents) / 100, allow_zero=allow_zero)
    except ValueError:
        assert not cents_in_bounds(cents, allow_zero=allow_zero)
    else:
        assert parsed == cents
        assert cents_in_bounds(cents, allow_zero=allow_zero)


def test_imports_and_the_json_move_use_the_same_bound() -> None:
    from chapter.bni.reports import _amount_cents
    from chapter.moving.document_format import MAX_AMOUNT_CENTS

    assert MAX_AMOUNT_CENTS == MAX_CENTS
    assert _amount_cents("USD 1,234.50") == 123450
    assert _amount_cents("") == 0  # an empty TYFCB cell in a summary
    with pytest.raises(ValueError, match="too large"):
        _amount_cents(str(Decimal(MAX_CENTS) / 100 + 1))
