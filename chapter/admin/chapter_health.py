"""Chapter health for the region view (../shared/SCORING.md): seven metrics over six months,
5 / 10 / 15 points each by band."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# metric -> (label, [(lowest value for 15, 10, 5 points)]); lower is better for absences.
BANDS: dict[str, tuple[str, tuple[Decimal | None, Decimal, Decimal]]] = {
    "size": ("Members", (Decimal(31), Decimal(26), Decimal(20))),
    "net_growth": ("Net growth", (Decimal(5), Decimal(3), Decimal(1))),
    "retention": ("Retention %", (Decimal(70), Decimal(60), Decimal(50))),
    "referrals": (
        "Referrals per member per week",
        (Decimal("1.11"), Decimal("0.90"), Decimal("0.71")),
    ),
    "visitors": ("Visitors per week", (Decimal("2.1"), Decimal("1.51"), Decimal("1.01"))),
    "conversion": ("Visitor conversion %", (Decimal(20), Decimal(10), Decimal(10**9))),
    "absence_rate": ("Absence rate %", (Decimal(5), Decimal(10), Decimal(12))),
}
LOWER_IS_BETTER = {"absence_rate"}


@dataclass(frozen=True)
class HealthScore:
    values: dict[str, Decimal | None]
    points: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.points.values())


def points_for(metric: str, value: Decimal | None) -> int:
    """15, 10, 5 or 0 points for one metric's value (None: not measurable, 0 points).

    Conversion has no 5-point band, and scores 15 only above 20% (as the table says).
    """
    if value is None:
        return 0
    top, middle, low = BANDS[metric][1]
    if metric in LOWER_IS_BETTER:
        if value < top:
            return 15
        if value < middle:
            return 10
        return 5 if value <= low else 0
    if metric == "conversion":
        return 15 if value > top else 10 if value >= middle else 0
    if top is not None and value >= top:
        return 15
    if value >= middle:
        return 10
    return 5 if value >= low else 0


def health(values: dict[str, Decimal | None]) -> HealthScore:
    return HealthScore(values, {metric: points_for(metric, values.get(metric)) for metric in BANDS})


def ratio(numerator: int, denominator: int, scale: int = 1) -> Decimal | None:
    """numerator / denominator * scale, two decimals; None when the denominator is 0."""
    if denominator == 0:
        return None
    return (Decimal(numerator * scale) / denominator).quantize(Decimal("0.01"))
