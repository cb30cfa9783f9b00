"""The scoring tables chapters commonly use (../shared/SCORING.md), as data.

A chapter picks one of these or edits a copy; money bands are in the chapter's currency.
"""

from __future__ import annotations

from typing import Any

COLOURS = {"green": 70, "amber": 50, "red": 30}


def _higher(points_by_min: list[tuple[float, int]]) -> list[dict[str, Any]]:
    return [{"min": minimum, "points": points} for minimum, points in points_by_min]


def _lower(points_by_max: list[tuple[float | None, int]]) -> list[dict[str, Any]]:
    return [{"max": maximum, "points": points} for maximum, points in points_by_max]


POWER_STEPS = [(1, 20), (0.75, 15), (0.5, 10), (0.25, 5), (0, 0)]

PRESETS: dict[str, dict[str, Any]] = {
    "classic": {
        "name": "Classic",
        "colours": COLOURS,
        "metrics": [
            {
                "key": "referrals",
                "label": "Referrals given per week",
                "measure": "referrals_given",
                "per": "week",
                "bands": _higher([(1.2, 20), (1.0, 15), (0.75, 10), (0.5, 5), (0, 0)]),
            },
            {
                "key": "visitors",
                "label": "Visitors per week",
                "measure": "visitors",
                "per": "week",
                "bands": _higher([(0.75, 20), (0.5, 15), (0.25, 10), (0.1, 5), (0, 0)]),
            },
            {
                "key": "absences",
                "label": "Absences",
                "measure": "absences",
                "per": "count",
                "higher_is_better": False,
                "bands": _lower([(0, 15), (1, 10), (2, 5), (None, 0)]),
            },
            {
                "key": "education",
                "label": "Education credits",
                "measure": "education_credits",
                "per": "count",
                "bands": _higher([(3, 15), (2, 10), (1, 5), (0, 0)]),
            },
            {
                "key": "tyfcb",
                "label": "TYFCB credited",
                "measure": "tyfcb",
                "per": "count",
                "bands": _higher([(5000, 15), (2500, 10), (1000, 5), (0, 0)]),
            },
            {
                "key": "testimonials",
                "label": "Testimonials per week",
                "measure": "testimonials",
                "per": "week",
                "bands": _higher([(0.075, 10), (0.001, 5), (0, 0)]),
            },
            {
                "key": "punctuality",
                "label": "Lates",
                "measure": "lates",
                "per": "count",
                "higher_is_better": False,
                "bands": _lower([(1, 5), (None, 0)]),
            },
        ],
    },
    "power_of_one": {
        "name": "Power of One",
        "colours": COLOURS,
        "metrics": [
            {
                "key": "attendance",
                "label": "Meetings attended (share)",
                "measure": "attendance",
                "per": "week",
                "bands": _higher(POWER_STEPS),
            },
            {
                "key": "referrals",
                "label": "Referrals given per week",
                "measure": "referrals_given",
                "per": "week",
                "bands": _higher(POWER_STEPS),
            },
            {
                "key": "one_to_ones",
                "label": "One-to-ones per week",
                "measure": "one_to_ones",
                "per": "week",
                "bands": _higher(POWER_STEPS),
            },
            {
                "key": "education",
                "label": "Education credits per week",
                "measure": "education_credits",
                "per": "week",
                "bands": _higher(POWER_STEPS),
            },
            {
                "key": "visitors",
                "label": "Visitors per month",
                "measure": "visitors",
                "per": "month",
                "bands": _higher(POWER_STEPS),
            },
            {
                "key": "tyfcb",
                "label": "TYFCB credited (shown, not scored)",
                "measure": "tyfcb",
                "per": "count",
                "scored": False,
                "bands": [],
            },
        ],
    },
    "equivalent_absences": {
        "name": "Equivalent absences",
        "colours": COLOURS,
        "metrics": [
            {
                "key": "absences",
                "label": "Equivalent absences (A + L ÷ 3)",
                "measure": "equivalent_absences",
                "per": "count",
                "higher_is_better": False,
                "bands": _lower([(0, 20), (1, 15), (2, 10), (None, 0)]),
            },
            {
                "key": "referrals",
                "label": "Referrals given per week",
                "measure": "referrals_given",
                "per": "week",
                "bands": _higher([(1.5, 20), (1.2, 15), (0.8, 10), (0.6, 5), (0, 0)]),
            },
            {
                "key": "visitors",
                "label": "Visitors",
                "measure": "visitors",
                "per": "count",
                "bands": _higher([(11, 15), (7, 10), (0, 0)]),
            },
            {
                "key": "one_to_ones",
                "label": "One-to-ones per week",
                "measure": "one_to_ones",
                "per": "week",
                "bands": _higher([(2.0, 15), (1.0, 10), (0.5, 5), (0, 0)]),
            },
            {
                "key": "education",
                "label": "Education credits",
                "measure": "education_credits",
                "per": "count",
                "bands": _higher([(6, 15), (4, 10), (2, 5), (0, 0)]),
            },
            {
                "key": "tyfcb",
                "label": "TYFCB credited",
                "measure": "tyfcb",
                "per": "count",
                "bands": _higher([(10000, 15), (5000, 10), (1000, 5), (0, 0)]),
            },
        ],
    },
}
DEFAULT_PRESET = "classic"
