"""Template filters and globals: display only (dates, roles, money)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from flask import Flask

from chapter.ledger.money import format_money
from chapter.ledger.rules import ThankYouPrivacy, thanker_label
from chapter.meetings.schedule import WEEKDAYS
from chapter.permissions import can, current_member


def date_long(value: date | datetime | None) -> str:
    """``Thursday 3 December 2026``."""
    if value is None:
        return ""
    return f"{value:%A} {value.day} {value:%B %Y}"


def date_short(value: date | None) -> str:
    """``3 Dec 2026``."""
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y}"


def time_local(value: datetime | None) -> str:
    """``07:00 (Europe/London)`` for an aware datetime in the chapter's zone."""
    if value is None:
        return ""
    return f"{value:%H:%M} ({value.tzinfo})"


def time_in(value: datetime | None, timezone: str) -> str:
    """An aware UTC datetime shown as local time in ``timezone``: ``07:00 (Europe/London)``."""
    if value is None:
        return ""
    return f"{value.astimezone(ZoneInfo(timezone)):%H:%M} ({timezone})"


def datetime_utc(value: datetime | None) -> str:
    """``2026-11-23 16:40``."""
    return "" if value is None else f"{value:%Y-%m-%d %H:%M}"


def weekday(value: int) -> str:
    """``Wednesday`` for 2 (Monday = 0)."""
    return WEEKDAYS[value]


def hhmm(value: time | None) -> str:
    """``07:00``."""
    return "" if value is None else f"{value:%H:%M}"


def money(cents: int | None, currency: str) -> str:
    """``GBP 1,234.50`` for 123450 cents."""
    return "" if cents is None else format_money(cents, currency)


def thanker(thank_you: ThankYouPrivacy, names: Mapping[int, str]) -> str:
    """The thanker as the signed-in member may see it (chapter.ledger.rules.thanker_label)."""
    viewer = current_member()
    return thanker_label(viewer.id if viewer else None, thank_you, names)


def register_filters(app: Flask) -> None:
    app.add_template_filter(thanker)
    app.add_template_filter(date_long)
    app.add_template_filter(date_short)
    app.add_template_filter(time_local)
    app.add_template_filter(weekday)
    app.add_template_filter(money)
    app.add_template_filter(time_in)
    app.add_template_filter(datetime_utc)
    app.add_template_filter(hhmm)
    app.add_template_global(can)
    app.add_template_global(current_member)
