"""Named report periods ("last month", "this quarter") as date ranges.

The one home of what a shortcut on a report means. ``today`` is the chapter's date (its
time zone decides when a month or a quarter turns), passed in by the caller. Calendar
months and quarters (January, April, July, October); a period that has not ended yet ends
today, since a report cannot count what has not happened.
"""

from __future__ import annotations

from datetime import date, timedelta

PERIODS = {
    "last-month": "Last month",
    "this-quarter": "This quarter",
    "last-quarter": "Last quarter",
}


def period_range(name: str, today: date) -> tuple[date, date]:
    """First and last day of the period ``name`` seen from ``today``; ValueError if unknown.

    last-month: the whole previous calendar month; this-quarter: from the quarter's first day
    to today; last-quarter: the whole previous quarter.
    """
    if name == "last-month":
        end = month_start(today) - timedelta(days=1)
        return month_start(end), end
    if name == "this-quarter":
        return quarter_start(today), today
    if name == "last-quarter":
        end = quarter_start(today) - timedelta(days=1)
        return quarter_start(end), end
    raise ValueError(f"Unknown period: {name!r}. Choose one of: {', '.join(PERIODS)}.")


def month_start(day: date) -> date:
    """The first day of ``day``'s month."""
    return day.replace(day=1)


def quarter_start(day: date) -> date:
    """The first day of ``day``'s calendar quarter (1 Jan, 1 Apr, 1 Jul, 1 Oct)."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
