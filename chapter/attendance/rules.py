"""PALMS attendance: the five letters, who belongs on a roster, and the absence limit."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum


class Palms(StrEnum):
    """Exactly one letter per member per meeting; a late member is L, not P."""

    PRESENT = "P"
    ABSENT = "A"
    LATE = "L"
    MEDICAL = "M"
    SUBSTITUTE = "S"

    @property
    def label(self) -> str:
        return {
            "P": "Present",
            "A": "Absent",
            "L": "Late",
            "M": "Medical",
            "S": "Substitute",
        }[self.value]


# What each letter counts as: the one answer every page, report, export and score uses.
# A substitute represents the member, so S is attended; Medical is a pre-approved absence,
# so M is neither attended nor absent and leaves the attendance share alone.
ATTENDED = frozenset({Palms.PRESENT, Palms.LATE, Palms.SUBSTITUTE})
ABSENCES = frozenset({Palms.ABSENT})
EXCUSED = frozenset({Palms.MEDICAL})


def is_attended(letter: Palms) -> bool:
    """Present, Late and Substitute count as attended."""
    return letter in ATTENDED


def is_absence(letter: Palms) -> bool:
    """Only Absent counts against the absence limit (Late is counted apart)."""
    return letter in ABSENCES


@dataclass(frozen=True)
class AttendanceShare:
    """Meetings attended out of the meetings that count (every letter but Medical)."""

    attended: int
    counted: int

    @property
    def percent(self) -> int | None:
        """Whole per cent, rounded half up; None when no meeting counts (nothing to show)."""
        if self.counted == 0:
            return None
        return int((Decimal(self.attended * 100) / self.counted).to_integral_value(ROUND_HALF_UP))

    @property
    def ratio(self) -> Decimal | None:
        """The share as a fraction (0.00 .. 1.00), for scores; None when no meeting counts."""
        if self.counted == 0:
            return None
        return (Decimal(self.attended) / self.counted).quantize(Decimal("0.01"), ROUND_HALF_UP)


def attendance_share(counts: Mapping[Palms, int]) -> AttendanceShare:
    """The attendance share of a member's letter counts: (P + L + S) / (P + A + L + S).

    Medical weeks count neither way; a letter missing from ``counts`` counts zero.
    """
    attended = sum(counts.get(letter, 0) for letter in ATTENDED)
    absent = sum(counts.get(letter, 0) for letter in ABSENCES)
    return AttendanceShare(attended, attended + absent)


WINDOW_MONTHS = 6


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (clamped to the month's last day)."""
    month_index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last_day))


def in_rolling_window(meeting_on: date, today: date, months: int = WINDOW_MONTHS) -> bool:
    """A meeting counts when it is after the day ``months`` months before today, up to today.

    On 23 November the window is 24 May .. 23 November: a meeting on 23 May no longer counts.
    """
    return months_before(today, months) < meeting_on <= today


@dataclass(frozen=True)
class AbsenceStanding:
    """A member's absences and lates in the rolling window, against the chapter's limit."""

    absence_dates: tuple[date, ...]
    late_dates: tuple[date, ...]
    limit: int

    @property
    def absences(self) -> int:
        return len(self.absence_dates)

    @property
    def lates(self) -> int:
        return len(self.late_dates)

    @property
    def remaining(self) -> int:
        """Absences left before the limit is reached (never negative)."""
        return max(self.limit - self.absences, 0)

    @property
    def at_limit(self) -> bool:
        """At or over the limit: the leader is told."""
        return self.absences >= self.limit


def absence_standing(
    records: Iterable[tuple[date, Palms]], today: date, limit: int
) -> AbsenceStanding:
    """Count Absent and, separately, Late over the rolling six months ending ``today``.

    Medical and Substitute are not absences; meetings after ``today`` do not count.
    """
    absences: list[date] = []
    lates: list[date] = []
    for meeting_on, letter in records:
        if not in_rolling_window(meeting_on, today):
            continue
        if is_absence(letter):
            absences.append(meeting_on)
        elif letter is Palms.LATE:
            lates.append(meeting_on)
    return AbsenceStanding(tuple(sorted(absences)), tuple(sorted(lates)), limit)


def belongs_on_roster(
    joined_on: date, left_on: date | None, is_on_leave: bool, meeting_on: date
) -> bool:
    """A roster covers the members active on the meeting date: joined on or before it, not
    left by then, and not on leave (members on leave are listed apart and do not count)."""
    if is_on_leave:
        return False
    return joined_on <= meeting_on and (left_on is None or left_on > meeting_on)


def letter_counts(letters: Iterable[Palms]) -> dict[Palms, int]:
    """How many of each PALMS letter, every letter present (zero when unused)."""
    counts = dict.fromkeys(Palms, 0)
    for letter in letters:
        counts[letter] += 1
    return counts
