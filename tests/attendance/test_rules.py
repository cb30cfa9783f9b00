"""The rolling six-month absence rule, who belongs on a roster, and the weekly slots."""

from __future__ import annotations

from datetime import date, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from chapter.attendance.rules import (
    Palms,
    absence_standing,
    belongs_on_roster,
    in_rolling_window,
    letter_counts,
    months_before,
)
from chapter.meetings.schedule import local_start, slot_dates

TODAY = date(2026, 11, 23)


def test_months_before_clamps_to_the_end_of_shorter_months() -> None:
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2028, 8, 31), 6) == date(2028, 2, 29)
    assert months_before(date(2026, 3, 15), 6) == date(2025, 9, 15)


def test_rolling_window_edges() -> None:
    assert not in_rolling_window(date(2026, 5, 23), TODAY)  # exactly six months ago: out
    assert in_rolling_window(date(2026, 5, 24), TODAY)
    assert in_rolling_window(TODAY, TODAY)
    assert not in_rolling_window(TODAY + timedelta(days=1), TODAY)  # the future never counts


def test_medical_and_substitute_are_not_absences_and_lates_count_apart() -> None:
    records = [
        (date(2026, 11, 18), Palms.ABSENT),
        (date(2026, 11, 11), Palms.MEDICAL),
        (date(2026, 11, 4), Palms.SUBSTITUTE),
        (date(2026, 10, 28), Palms.LATE),
        (date(2026, 10, 21), Palms.ABSENT),
        (date(2026, 5, 20), Palms.ABSENT),  # older than six months
    ]
    standing = absence_standing(records, TODAY, limit=3)
    assert standing.absence_dates == (date(2026, 10, 21), date(2026, 11, 18))
    assert standing.late_dates == (date(2026, 10, 28),)
    assert standing.remaining == 1
    assert not standing.at_limit


def test_at_the_limit_is_flagged_and_remaining_never_negative() -> None:
    records = [(TODAY - timedelta(weeks=week), Palms.ABSENT) for week in range(4)]
    assert absence_standing(records[:3], TODAY, limit=3).at_limit
    over = absence_standing(records, TODAY, limit=3)
    assert over.at_limit
    assert over.remaining == 0


letters = st.sampled_from(list(Palms))
days = st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31))


@given(st.lists(st.tuples(days, letters), max_size=60), st.integers(1, 10))
def test_absences_are_exactly_the_absent_letters_inside_the_window(records, limit) -> None:
    standing = absence_standing(records, TODAY, limit)
    expected = sorted(
        d for d, letter in records if letter is Palms.ABSENT and in_rolling_window(d, TODAY)
    )
    assert list(standing.absence_dates) == expected
    assert standing.remaining + min(standing.absences, limit) == limit
    assert standing.at_limit == (standing.absences >= limit)


@given(st.lists(letters, max_size=40))
def test_letter_counts_add_up(sequence) -> None:
    counts = letter_counts(sequence)
    assert sum(counts.values()) == len(sequence)
    assert set(counts) == set(Palms)


def test_roster_covers_members_active_on_the_meeting_date() -> None:
    meeting = date(2026, 11, 25)
    assert belongs_on_roster(date(2026, 11, 25), None, False, meeting)  # joined that day
    assert not belongs_on_roster(date(2026, 11, 26), None, False, meeting)  # joined after
    assert not belongs_on_roster(date(2025, 1, 1), date(2026, 11, 25), False, meeting)  # left
    assert belongs_on_roster(date(2025, 1, 1), date(2026, 11, 26), False, meeting)
    assert not belongs_on_roster(date(2025, 1, 1), None, True, meeting)  # on leave


@given(st.integers(0, 6), days, st.integers(1, 30))
def test_slots_are_weekly_on_the_weekday_from_the_start(weekday, start, weeks) -> None:
    slots = slot_dates(weekday, start, weeks)
    assert len(slots) == weeks
    assert all(slot.weekday() == weekday for slot in slots)
    assert start <= slots[0] < start + timedelta(days=7)
    assert all(b - a == timedelta(days=7) for a, b in pairwise(slots))


def test_meeting_start_keeps_local_time_across_daylight_saving() -> None:
    before = local_start(date(2026, 10, 21), time(7, 0), "Europe/London")
    after = local_start(date(2026, 10, 28), time(7, 0), "Europe/London")
    assert before.utcoffset() == timedelta(hours=1)
    assert after.utcoffset() == timedelta(0)
    assert before.tzinfo == ZoneInfo("Europe/London")
    assert (before.hour, after.hour) == (7, 7)
