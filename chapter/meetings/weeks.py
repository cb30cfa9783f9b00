"""Week attribution: which meeting, and which week date, an activity counts toward."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from chapter.attendance.rules import months_before

MEETING_LENGTH = timedelta(minutes=90)


@dataclass(frozen=True)
class MeetingWeek:
    """What the rule needs to know of a meeting."""

    meeting_id: int
    starts_at: datetime  # aware
    is_cancelled: bool
    is_completed: bool  # its roster is completed
    meets_on: date  # the meeting's date, the week its activity counts for


@dataclass(frozen=True)
class CountedWeek:
    """Where an activity counts: the meeting (None when none is scheduled) and the week date
    that periods, ledgers and leaderboards filter on."""

    meeting_id: int | None
    week_on: date


def week_for(moment: datetime, meetings: Sequence[MeetingWeek]) -> int | None:
    """The meeting an activity reported at ``moment`` counts toward.

    It is the first meeting, in time order, that is not cancelled, whose roster is not
    completed, and that has not ended by ``moment`` (a meeting lasts MEETING_LENGTH): an
    activity reported during a meeting counts toward it, one reported after it ended counts
    toward the next. None when no such meeting is scheduled.
    """
    for meeting in sorted(meetings, key=lambda m: (m.starts_at, m.meeting_id)):
        if meeting.is_cancelled or meeting.is_completed:
            continue
        if meeting.starts_at + MEETING_LENGTH > moment:
            return meeting.meeting_id
    return None


def counted_week(moment: datetime, meetings: Sequence[MeetingWeek], zone: str) -> CountedWeek:
    """The one answer to "which week does an activity reported at ``moment`` count for?".

    The meeting ``week_for`` picks, on that meeting's date; when the chapter has no such
    meeting scheduled, no meeting and the chapter's own calendar date of ``moment`` (in its
    time zone ``zone``, never the UTC date). Slips, thank-yous, one-to-ones, education credits
    and the pages' "this week" all read it.
    """
    chosen = week_for(moment, meetings)
    for meeting in meetings:
        if meeting.meeting_id == chosen:
            return CountedWeek(meeting.meeting_id, meeting.meets_on)
    return CountedWeek(None, moment.astimezone(ZoneInfo(zone)).date())


@dataclass(frozen=True)
class Period:
    """A date range for totals; ``start`` None means from the beginning."""

    key: str
    label: str
    start: date | None
    end: date


def periods(today: date, current_week: date) -> dict[str, Period]:
    """The ledger's periods, on week dates: this week (the meeting now being reported for),
    the rolling six months, this year, and all time; each runs up to the current week."""
    return {
        "week": Period("week", "This week", current_week, current_week),
        "six_months": Period(
            "six_months", "Rolling 6 months", months_before(today, 6), current_week
        ),
        "year": Period("year", "This year", date(today.year, 1, 1), current_week),
        "all": Period("all", "All time", None, date.max),
    }
