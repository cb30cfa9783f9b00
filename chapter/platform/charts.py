"""Geometry for the server-rendered SVG pictures: values in, shapes out; and the pictures and
the give/get matrix written out once as markup (see "written out once")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


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


# --- written out once -----------------------------------------------------------------------
# The pictures and the give/get matrix are the same for every viewer of a kind, so they are
# written out here in one Python loop (and cached with the page's data) instead of one
# template iteration per bar, column or cell: a 25-member chapter's matrix is 625 cells.


@dataclass(frozen=True)
class MatrixRow:
    """A giver's row of the give/get matrix: their name and their cells, already written."""

    name: str
    cells: Markup


def give_get_rows(
    people: Sequence[tuple[int, str]], counts: Mapping[tuple[int, int], int]
) -> list[MatrixRow]:
    """The matrix's rows, givers and receivers in the order of ``people`` ((id, name)):
    each cell shaded by its share of the largest count, with a sentence for screen readers."""
    largest = max(counts.values(), default=0)
    names = [(member_id, escape(name)) for member_id, name in people]
    rows = []
    for (giver_id, giver), (_, plain) in zip(names, people, strict=True):
        cells = []
        for receiver_id, receiver in names:
            count = counts.get((giver_id, receiver_id), 0)
            if count > 0:
                cells.append(
                    f'<td class="shade-{shade(count, largest)}">{count}'
                    f'<span class="visually-hidden"> from {giver} to {receiver}</span></td>'
                )
            else:
                cells.append("<td></td>")  # centred and unshaded by the stylesheet
        rows.append(MatrixRow(plain, Markup("".join(cells))))  # noqa: S704 - escaped above
    return rows


def pair_bars_svg(bars: Sequence[PairBar]) -> Markup:
    """The given/received bars as SVG groups (inside the page's <svg>)."""
    parts = []
    for bar in bars:
        label = escape(bar.label)
        parts.append(
            f"<g><title>{label}: gave {bar.given}, received {bar.received}</title>"
            f'<text x="0" y="{bar.y + 14}" class="chart-label">{label}</text>'
            f'<rect x="190" y="{bar.y + 3}" width="{bar.given_width}" height="8"'
            f' class="bar-given"></rect>'
            f'<rect x="190" y="{bar.y + 11}" width="{bar.received_width}" height="8"'
            f' class="bar-received"></rect></g>'
        )
    return Markup("".join(parts))  # noqa: S704 - every label is escaped above


def columns_svg(shapes: Sequence[Column], unit: str) -> Markup:
    """The weekly columns as SVG groups; a label "02 Dec" is written on two lines."""
    parts = []
    for column in shapes:
        middle = column.x + 20
        day, _, month = column.label.partition(" ")
        parts.append(
            f"<g><title>{escape(column.label)}: {column.value} {escape(unit)}</title>"
            f'<rect x="{column.x + 8}" y="{125 - column.height}" width="24"'
            f' height="{column.height}" class="bar-given"></rect>'
            f'<text x="{middle}" y="{120 - column.height}" class="chart-value"'
            f' text-anchor="middle">{column.value}</text>'
            f'<text x="{middle}" y="142" class="chart-label" text-anchor="middle">'
            f'<tspan x="{middle}">{escape(day)}</tspan>'
            f'<tspan x="{middle}" dy="1.1em">{escape(month)}</tspan></text></g>'
        )
    return Markup("".join(parts))  # noqa: S704 - every label is escaped above
