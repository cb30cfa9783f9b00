"""Geometry for the server-rendered SVG pictures: values in, shapes out (no drawing)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class PairBar:
    label: str
    y: int
    given_width: int
    received_width: int
    given: int
    received: int


def pair_bars(
    items: Sequence[tuple[str, int, int]], width: int = 360, row_height: int = 22
) -> tuple[list[PairBar], int]:
    """Horizontal bars of given (top half) and received (bottom half) per member, scaled to
    the largest value; returns the bars and the picture's height."""
    largest = max([1, *(max(a, b) for _, a, b in items)])
    bars = [
        PairBar(
            label=label,
            y=index * row_height,
            given_width=round(given * width / largest),
            received_width=round(received * width / largest),
            given=given,
            received=received,
        )
        for index, (label, given, received) in enumerate(items)
    ]
    return bars, max(row_height, len(items) * row_height)


@dataclass(frozen=True)
class Column:
    label: str
    x: int
    height: int
    value: int


def columns(
    items: Sequence[tuple[str, int]], height: int = 120, slot: int = 40
) -> tuple[list[Column], int]:
    """Vertical columns (a weekly trend), scaled to the largest value; returns the columns
    and the picture's width."""
    largest = max([1, *(value for _, value in items)])
    shapes = [
        Column(label, index * slot, round(value * height / largest), value)
        for index, (label, value) in enumerate(items)
    ]
    return shapes, max(slot, len(items) * slot)


def shade(count: int, largest: int) -> int:
    """Opacity step 0-5 for a cell of the give/get matrix (0: none)."""
    if count <= 0 or largest <= 0:
        return 0
    return max(1, min(5, round(5 * count / largest)))
