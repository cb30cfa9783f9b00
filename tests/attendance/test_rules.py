"""The rolling six-month absence rule, who belongs on a roster, and the weekly slots."""

from __future__ import annotations

from datetime import date, time, timedelta
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from chapter.attendance.rules import (
    Palms,
    absence_standing,
    attendance_share,
    belongs_on_roster,
    in_rolling_window,
    is_absence,
    is_attended,
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


# --- what counts as attended: the one rule every page, report and score uses ---------------

letter_tallies = st.dictionaries(st.sampled_from(list(Palms)), st.integers(0, 60))


def test_present_late_and_substitute_are_attended_medical_is_neither() -> None:
    assert [letter for letter in Palms if is_attended(letter)] == [
        Palms.PRESENT,
        Palms.LATE,
        Palms.SUBSTITUTE,
    ]
    assert [letter for letter in Palms if is_absence(letter)] == [Palms.ABSENT]
    assert not is_attended(Palms.MEDICAL)
    assert not is_absence(Palms.MEDICAL)


def test_attendance_share_of_one_week_of_each_letter_is_three_of_four() -> None:
    share = attendance_share(dict.fromkeys(Palms, 1))
    assert (share.attended, share.counted) == (3, 4)
    assert share.percent == 75
    assert share.ratio == Decimal("0.75")


def test_only_medical_weeks_leave_no_share_to_show() -> None:
    assert attendance_share({Palms.MEDICAL: 4}).percent is None
    assert attendance_share({}).ratio is None


def test_percent_rounds_half_up() -> None:
    assert attendance_share({Palms.PRESENT: 1, Palms.ABSENT: 7}).percent == 13  # 12.5
    assert attendance_share({Palms.PRESENT: 2, Palms.ABSENT: 1}).percent == 67  # 66.67


@given(letter_tallies)
def test_medical_weeks_never_change_the_share(tally: dict[Palms, int]) -> None:
    without = {letter: n for letter, n in tally.items() if letter is not Palms.MEDICAL}
    assert attendance_share(tally) == attendance_share(without)


@given(letter_tallies)
def test_share_is_between_0_and_100_and_absences_only_lower_it(tally: dict[Palms, int]) -> None:
    share = attendance_share(tally)
    if share.percent is not None:
        assert 0 <= share.percent <= 100
        more_absent = {**tally, Palms.ABSENT: tally.get(Palms.ABSENT, 0) + 1}
        assert attendance_share(more_absent).percent <= share.percent


@given(st.lists(st.sampled_from(list(Palms)), max_size=40))
def test_share_of_letters_agrees_with_the_absence_rule(letters: list[Palms]) -> None:
    """The absences the share counts are the ones the absence limit counts."""
    share = attendance_share(letter_counts(letters))
    standing = absence_standing(
        [(TODAY - timedelta(days=7 * i), letter) for i, letter in enumerate(letters[:26])],
        TODAY,
        limit=3,
    )
    recent = attendance_share(letter_counts(letters[:26]))
    assert recent.counted - recent.attended == standing.absences
    assert share.attended == sum(1 for letter in letters if is_attended(letter))
