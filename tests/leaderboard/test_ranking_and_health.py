"""Leaderboard ranking, givers gain, previous periods, chapter health, chart geometry."""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from chapter.admin.chapter_health import health, points_for, ratio
from chapter.attendance.rules import Palms, attendance_share
from chapter.leaderboard.ranking import (
    competition_ranks,
    givers_gain,
    previous_span,
)
from chapter.platform.charts import columns, pair_bars, shade


def test_ties_share_a_rank_and_leave_a_gap() -> None:
    assert competition_ranks([9, 7, 7, 5]) == [1, 2, 2, 4]
    assert competition_ranks([3, 3, 3]) == [1, 1, 1]
    assert competition_ranks([]) == []


@given(st.lists(st.integers(0, 20), max_size=30))
def test_ranks_are_stable_under_reordering(scores) -> None:
    ranks = dict(zip(range(len(scores)), competition_ranks(scores), strict=True))
    order = list(range(len(scores)))
    random.Random(len(scores)).shuffle(order)
    shuffled = competition_ranks([scores[i] for i in order])
    assert [ranks[i] for i in order] == shuffled
    for i, score in enumerate(scores):
        assert ranks[i] == 1 + sum(other > score for other in scores)


def test_givers_gain_and_attendance_share() -> None:
    assert givers_gain(6, 4) == Decimal("1.50")
    assert givers_gain(3, 0) is None
    assert attendance_share({Palms.PRESENT: 13, Palms.ABSENT: 1}).percent == 93
    assert attendance_share({}).percent is None


def test_previous_periods() -> None:
    assert previous_span(date(2026, 5, 23), date(2026, 11, 25), "six_months") == (
        date(2025, 11, 23),
        date(2026, 5, 22),
    )
    assert previous_span(date(2026, 1, 1), date(2026, 11, 25), "year") == (
        date(2025, 1, 1),
        date(2025, 11, 25),
    )
    assert previous_span(date(2026, 1, 1), date(2026, 11, 25), "all") is None


def test_chapter_health_bands() -> None:
    assert [points_for("size", Decimal(n)) for n in (19, 20, 26, 31)] == [0, 5, 10, 15]
    assert [points_for("absence_rate", Decimal(n)) for n in (4, 5, 10, 12, 13)] == [15, 10, 5, 5, 0]
    assert [points_for("conversion", Decimal(n)) for n in (5, 10, 20, 21)] == [0, 10, 10, 15]
    assert points_for("visitors", None) == 0
    best = health(
        {
            "size": Decimal(35),
            "net_growth": Decimal(6),
            "retention": Decimal(80),
            "referrals": Decimal("1.2"),
            "visitors": Decimal(3),
            "conversion": Decimal(25),
            "absence_rate": Decimal(2),
        }
    )
    assert best.total == 105
    assert ratio(1, 3, 100) == Decimal("33.33")
    assert ratio(1, 0) is None


def test_chart_geometry_scales_to_the_largest_value() -> None:
    bars, height = pair_bars([("Ann", 10, 5), ("Bob", 0, 20)], width=200, row_height=20)
    assert (bars[0].given_width, bars[0].received_width) == (100, 50)
    assert bars[1].received_width == 200
    assert height == 40
    shapes, width = columns([("w1", 4), ("w2", 8)], height=100, slot=30)
    assert [s.height for s in shapes] == [50, 100]
    assert width == 60
    assert [shade(n, 10) for n in (0, 1, 5, 10)] == [0, 1, 2, 5]
