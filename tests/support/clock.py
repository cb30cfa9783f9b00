"""The tests' one clock.

Every test that needs "now" or "today" reads it here, never from ``datetime.now`` directly.
The session fixture ``clock`` (tests/conftest.py) moves the whole process, app included, to
``CHAPTER_TEST_NOW`` when it is set (an ISO date-time, e.g. ``2028-02-29T07:00+00:00``), so
`.ci/run` replays the suite on a second date far from the real one and a date bomb shows
before it goes off. Time keeps ticking from there.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

TEST_NOW_VARIABLE = "CHAPTER_TEST_NOW"


def travel_target() -> datetime | None:
    """The instant the suite runs at, or None for the machine's own clock."""
    text = os.environ.get(TEST_NOW_VARIABLE, "").strip()
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{TEST_NOW_VARIABLE} needs a UTC offset: {text!r}")
    return moment


def now() -> datetime:
    """The current instant, aware, in UTC."""
    return datetime.now(UTC)


def today_in(zone: str | ZoneInfo) -> date:
    """Today's date where ``zone`` is (a chapter's calendar day)."""
    return now().astimezone(ZoneInfo(str(zone))).date()


def days_ago(days: int) -> str:
    """An ISO date ``days`` before today (UTC), for inputs that must be recent and past."""
    return (now().date() - timedelta(days=days)).isoformat()
