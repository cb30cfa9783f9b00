"""Scoring tables as data: presets, bands, colours, what would move a member up."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chapter.leaderboard.scoring import (
    Measures,
    count_to_reach,
    parse_table,
    score,
    target_words,
    value_of,
)
from chapter.leaderboard.scoring_presets import PRESETS

CLASSIC = parse_table(PRESETS["classic"])


def test_every_preset_parses_and_totals_100() -> None:
    for key, data in PRESETS.items():
        table = parse_table(data)
        assert table.maximum == 100, key


def test_a_strong_member_is_green_and_a_quiet_one_red() -> None:
    strong = Measures(
        weeks=24,
        referrals_given=30,
        visitors=18,
        absences=0,
        lates=0,
        education_credits=3,
        tyfcb_cents=600_000,
    )
    result = score(CLASSIC, strong)
    assert result.total == 90  # no testimonials: 10 points short
    assert result.colour == "green"
    quiet = Measures(weeks=24, referrals_given=13, visitors=1, absences=3, lates=3)
    assert score(CLASSIC, quiet).colour in {"red", "grey"}


def test_classic_reaches_100_with_testimonials() -> None:
    """Two testimonials given in 24 weeks (0.08 a week, at least 0.075) earn the last 10."""
    full = Measures(
        weeks=24,
        referrals_given=30,
        visitors=18,
        education_credits=3,
        tyfcb_cents=600_000,
        testimonials=2,
    )
    result = score(CLASSIC, full)
    assert (result.total, result.colour) == (100, "green")
    part = next(m for m in result.metrics if m.metric.measure == "testimonials")
    assert (part.count, part.value, part.points, part.shown) == (
        2, Decimal("0.08"), 10, "2 (0.08 a week)",
    )  # fmt: skip
    one = next(
        m for m in score(CLASSIC, Measures(weeks=24, testimonials=1)).metrics
        if m.metric.measure == "testimonials"
    )  # fmt: skip
    assert (one.points, one.target) == (5, "2 testimonials given in 24 weeks")


def test_testimonial_targets_are_whole_counts_never_a_fraction_of_one() -> None:
    metric = next(m for m in CLASSIC.metrics if m.measure == "testimonials")
    some, most = metric.bands[1], metric.bands[0]
    assert target_words(metric, some, 26) == "1 testimonial given in 26 weeks"
    assert target_words(metric, most, 26) == "2 testimonials given in 26 weeks"
    assert metric.band_words(some) == "1 testimonial given in 26 weeks"
    assert metric.band_words(metric.bands[-1]) == "0"
    nothing = score(CLASSIC, Measures(weeks=4)).metrics
    part = next(m for m in nothing if m.metric.measure == "testimonials")
    assert (part.shown, part.target) == ("0 (0.00 a week)", "1 testimonial given in 4 weeks")


@given(st.integers(1, 60), st.sampled_from(["referrals", "visitors", "testimonials"]))
def test_the_count_to_reach_a_band_is_the_fewest_that_does(weeks, key) -> None:
    metric = next(m for m in CLASSIC.metrics if m.key == key)
    for band in metric.bands:
        needed = count_to_reach(metric, band, weeks)
        assert needed is not None
        measure = {"referrals": "referrals_given"}.get(key, key)
        judged = lambda n: value_of(metric, Measures(weeks=weeks, **{measure: n}))  # noqa: B023, E731
        assert band.min is not None
        assert judged(needed) >= band.min
        assert needed == 0 or judged(needed - 1) < band.min


def test_other_thresholds_read_as_rates_counts_and_shares() -> None:
    referrals = next(m for m in CLASSIC.metrics if m.key == "referrals")
    assert target_words(referrals, referrals.bands[0], 26) == "1.2 a week"
    education = next(m for m in CLASSIC.metrics if m.key == "education")
    assert target_words(education, education.bands[0], 26) == "3"
    power = parse_table(PRESETS["power_of_one"])
    attendance = next(m for m in power.metrics if m.measure == "attendance")
    assert target_words(attendance, attendance.bands[1], 26) == "75% of meetings"


def test_no_weeks_is_grey_whatever_the_numbers() -> None:
    assert score(CLASSIC, Measures(weeks=0, referrals_given=50)).colour == "grey"


def test_the_breakdown_names_the_next_band() -> None:
    result = score(CLASSIC, Measures(weeks=20, referrals_given=16))  # 0.8 per week
    referrals = next(m for m in result.metrics if m.metric.key == "referrals")
    assert (referrals.value, referrals.points) == (Decimal("0.80"), 10)
    assert referrals.next_band is not None
    assert referrals.next_band.min == Decimal("1.0")
    assert referrals.next_band.points == 15


def test_lower_is_better_bands() -> None:
    absences = lambda n: next(  # noqa: E731
        m.points
        for m in score(CLASSIC, Measures(weeks=20, absences=n)).metrics
        if m.metric.key == "absences"
    )
    assert [absences(n) for n in range(5)] == [15, 10, 5, 0, 0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"colours": {"green": 50, "amber": 70, "red": 30}, "metrics": []}, "must fall"),
        ({"colours": {"green": 70, "amber": 50, "red": 30}, "metrics": []}, "at least one"),
        (
            {
                "colours": {"green": 70, "amber": 50, "red": 30},
                "metrics": [{"measure": "karma", "bands": []}],
            },
            "unknown measure",
        ),
        (
            {
                "colours": {"green": 70, "amber": 50, "red": 30},
                "metrics": [{"measure": "visitors", "per": "day", "bands": []}],
            },
            "'per'",
        ),
        (
            {
                "colours": {"green": 70, "amber": 50, "red": 30},
                "metrics": [{"measure": "visitors", "bands": [{"min": "lots", "points": 5}]}],
            },
            "not a number",
        ),
    ],
)
def test_bad_tables_are_refused_with_a_reason(data, message) -> None:
    with pytest.raises(ValueError, match=message):
        parse_table(data)


@given(
    st.integers(0, 26),
    st.integers(0, 60),
    st.integers(0, 40),
    st.integers(0, 10),
    st.integers(0, 10),
    st.integers(0, 20),
    st.integers(0, 10_000_00),
)
def test_total_is_the_sum_of_metric_points_within_the_maximum(
    weeks, referrals, visitors, absences, lates, education, cents
) -> None:
    measures = Measures(weeks, referrals, visitors, absences, lates, 0, education, cents, weeks)
    for data in PRESETS.values():
        table = parse_table(data)
        result = score(table, measures)
        assert result.total == sum(m.points for m in result.metrics)
        assert 0 <= result.total <= table.maximum
        more = Measures(weeks, referrals + 5, visitors, absences, lates, 0, education, cents, weeks)
        assert score(table, more).total >= result.total  # more referrals never cost points
