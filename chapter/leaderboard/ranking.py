"""Leaderboard rules: standard competition ranking, givers gain, change against before."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from chapter.attendance.rules import months_before


def competition_ranks(scores: Sequence[float | int]) -> list[int]:
    """Rank high to low; ties share a rank and leave a gap: 9, 7, 7, 5 -> 1, 2, 2, 4."""
    first_position: dict[float | int, int] = {}
    for position, score in enumerate(sorted(scores, reverse=True), start=1):
        first_position.setdefault(score, position)
    return [first_position[score] for score in scores]


def givers_gain(given: int, received: int) -> Decimal | None:
    """Given ÷ received, two decimals; None when nothing was received (no ratio to show)."""
    if received == 0:
        return None
    return (Decimal(given) / Decimal(received)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def previous_span(start: date, end: date, key: str) -> tuple[date, date] | None:
    """The period before ``start..end`` of the same kind (None for all time)."""
    if key == "six_months":
        return months_before(start, 6), start - timedelta(days=1)
    if key == "year":
        return date(start.year - 1, 1, 1), months_before(end, 12)
    return None
