"""The chapter's weekly meeting schedule, in the chapter's own time zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def next_meeting_start(weekday: int, at: time, timezone: str, now: datetime) -> datetime:
    """The start of the first meeting that has not started yet at ``now`` (aware, local time).

    Meetings happen every week on ``weekday`` (Monday = 0) at local time ``at`` in ``timezone``;
    a meeting that starts exactly at ``now`` is still "next".
    """
    zone = ZoneInfo(timezone)
    local_now = now.astimezone(zone)
    days_ahead = (weekday - local_now.weekday()) % 7
    candidate_day = local_now.date() + timedelta(days=days_ahead)
    start = datetime.combine(candidate_day, at, tzinfo=zone)
    if start < local_now:
        start = datetime.combine(candidate_day + timedelta(days=7), at, tzinfo=zone)
    return start


def slot_dates(weekday: int, start: date, weeks: int) -> list[date]:
    """The chapter's regular meeting dates: the first ``weekday`` on or after ``start``, then
    every seven days, ``weeks`` dates in all."""
    first = start + timedelta(days=(weekday - start.weekday()) % 7)
    return [first + timedelta(weeks=week) for week in range(weeks)]


def local_start(day: date, at: time, timezone: str) -> datetime:
    """The aware start of a meeting held on ``day`` at local time ``at`` in ``timezone``."""
    return datetime.combine(day, at, tzinfo=ZoneInfo(timezone))


def renewal_is_due(renewal_on: date | None, today: date, within_days: int) -> bool:
    """A renewal is due when its date is on or before ``today + within_days`` (overdue too)."""
    return renewal_on is not None and renewal_on <= today + timedelta(days=within_days)
