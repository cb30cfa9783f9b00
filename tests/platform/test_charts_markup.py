"""The matrix and the charts written out in Python say what the template loops said, escaped."""

from __future__ import annotations

import re

from jinja2 import Environment
from markupsafe import escape

from chapter.platform import charts

# The template's per-cell loop before issue 17, the reference for the cells written in Python
# (since then a cell is centred by the stylesheet and an empty one carries no class).
MATRIX_LOOP = """{% for giver in people %}<tr><th>{{ giver[1] }}</th>
{% for receiver in people %}{% set cell = matrix.get((giver[0], receiver[0])) %}
<td{% if cell %} class="shade-{{ cell[1] }}"{% endif %}>{% if cell %}{{ cell[0] }}
<span class="visually-hidden"> from {{ giver[1] }} to {{ receiver[1] }}</span>{% endif %}</td>
{% endfor %}</tr>{% endfor %}"""


def squeeze(html: str) -> str:
    return re.sub(r"\s*\n\s*", "", html.strip())


def test_the_matrix_cells_equal_the_template_loops_cells() -> None:
    people = [(n, f"Member {n} <&>") for n in range(1, 26)]
    counts = {(g, r): (g * r) % 7 for g in range(1, 26) for r in range(1, 26) if g != r}
    counts = {key: value for key, value in counts.items() if value}
    largest = max(counts.values())
    shaded = {key: (count, charts.shade(count, largest)) for key, count in counts.items()}
    expected = (
        Environment(autoescape=True).from_string(MATRIX_LOOP).render(people=people, matrix=shaded)
    )
    rows = charts.give_get_rows(people, counts)
    written = "".join(f"<tr><th>{escape(row.name)}</th>{row.cells}</tr>" for row in rows)
    assert len(rows) == 25
    assert sum(row.cells.count("<td") for row in rows) == 625
    assert squeeze(written) == squeeze(expected)


def test_names_are_escaped_in_the_matrix_and_the_bars() -> None:
    rows = charts.give_get_rows([(1, "<b>A</b>"), (2, "B")], {(1, 2): 3})
    assert "<b>" not in rows[0].cells
    assert "from &lt;b&gt;A&lt;/b&gt; to B" in rows[0].cells
    assert rows[0].name == "<b>A</b>"  # the template escapes the row's name itself
    bars, _ = charts.pair_bars([("<i>x</i>", 2, 1)])
    assert "<i>" not in charts.pair_bars_svg(bars)
    assert "&lt;i&gt;x&lt;/i&gt;: gave 2, received 1" in charts.pair_bars_svg(bars)


def test_the_weekly_columns_put_the_date_on_two_lines() -> None:
    shapes, _ = charts.columns([("02 Dec", 4), ("09 Dec", 0)])
    svg = charts.columns_svg(shapes, "referrals")
    assert svg.count("<g>") == 2
    assert '<tspan x="20">02</tspan><tspan x="20" dy="1.1em">Dec</tspan>' in svg
    assert "<title>09 Dec: 0 referrals</title>" in svg
