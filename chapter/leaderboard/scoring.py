"""Traffic lights: a six-month score per member from a scoring table that is data.

A table has metrics; each metric takes a measure (counted, per week, or per month over the
member's weeks) and ordered bands that give points. Bands are tried best first: for a
"higher is better" metric the first band whose ``min`` the value reaches; for "lower is
better" the first whose ``max`` the value does not exceed. The total's colour comes from
the table's thresholds; a member with no weeks in the window is grey.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from chapter.attendance.rules import AttendanceShare

MEASURES = {
    "referrals_given": "referrals given",
    "visitors": "visitors",
    "absences": "absences",
    "lates": "lates",
    "equivalent_absences": "equivalent absences (A + L ÷ 3, rounded down)",
    "one_to_ones": "one-to-ones",
    "education_credits": "education credits",
    "tyfcb": "TYFCB credited",
    "attendance": "meetings attended (share)",
    "testimonials": "testimonials given",
}
# What one of each counted measure is called, singular and plural, for targets in words.
NOUNS = {
    "referrals_given": ("referral given", "referrals given"),
    "visitors": ("visitor", "visitors"),
    "absences": ("absence", "absences"),
    "lates": ("late", "lates"),
    "equivalent_absences": ("equivalent absence", "equivalent absences"),
    "one_to_ones": ("one-to-one", "one-to-ones"),
    "education_credits": ("education credit", "education credits"),
    "testimonials": ("testimonial given", "testimonials given"),
}
WINDOW_WEEKS = 26  # a six-month window, for the thresholds printed without a member's weeks
PER = ("count", "week", "month")
COLOURS = ("green", "amber", "red", "grey")
WEEKS_PER_MONTH = Decimal("4.345")


@dataclass(frozen=True)
class Band:
    points: int
    min: Decimal | None = None
    max: Decimal | None = None


@dataclass(frozen=True)
class Metric:
    key: str
    label: str
    measure: str
    per: str
    higher_is_better: bool
    bands: tuple[Band, ...]
    scored: bool = True

    @property
    def maximum(self) -> int:
        return max((band.points for band in self.bands), default=0)

    def band_words(self, band: Band) -> str:
        """A band's threshold in words over a typical six-month window (printed tables)."""
        return target_words(self, band, WINDOW_WEEKS)


@dataclass(frozen=True)
class ScoringTable:
    name: str
    green: int
    amber: int
    red: int
    metrics: tuple[Metric, ...]

    @property
    def maximum(self) -> int:
        return sum(metric.maximum for metric in self.metrics if metric.scored)

    @property
    def window_weeks(self) -> int:
        """The weeks printed thresholds assume (a six-month window)."""
        return WINDOW_WEEKS


def _number(value: Any, where: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{where}: {value!r} is not a number")
    try:
        number = Decimal(str(value))
    except (ArithmeticError, ValueError, TypeError) as error:
        raise ValueError(f"{where}: {value!r} is not a number") from error
    if not number.is_finite():
        raise ValueError(f"{where}: {value!r} is not a finite number")
    return number


def _points(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"{where}: points must be a whole number")
    try:
        return int(value)
    except (TypeError, ValueError) as error:
        raise ValueError(f"{where}: points must be a whole number") from error


def parse_table(data: Mapping[str, Any]) -> ScoringTable:
    """A scoring table from its data form (JSON), checked; ValueError says what is wrong."""
    if not isinstance(data, Mapping):
        raise ValueError("the table must be an object")
    raw_metrics = data.get("metrics") or []
    if not isinstance(raw_metrics, list):
        raise ValueError("'metrics' must be a list")
    return _parse(data, raw_metrics)


def _parse(data: Mapping[str, Any], raw_metrics: list[Any]) -> ScoringTable:
    colours = data.get("colours", {})
    try:
        green, amber, red = int(colours["green"]), int(colours["amber"]), int(colours["red"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError("colours needs whole numbers for green, amber and red") from error
    if not green > amber > red >= 0:
        raise ValueError("the colour thresholds must fall: green > amber > red >= 0")
    metrics = []
    for index, raw in enumerate(raw_metrics):
        where = f"metric {index + 1}"
        if not isinstance(raw, Mapping):
            raise ValueError(f"{where} must be an object")
        measure = raw.get("measure")
        if not isinstance(measure, str) or measure not in MEASURES:
            raise ValueError(f"{where}: unknown measure {measure!r}")
        per = raw.get("per", "count")
        if per not in PER:
            raise ValueError(f"{where}: 'per' must be one of {', '.join(PER)}")
        higher = bool(raw.get("higher_is_better", True))
        raw_bands = raw.get("bands") or []
        if not isinstance(raw_bands, list):
            raise ValueError(f"{where}: 'bands' must be a list")
        bands = []
        for band in raw_bands:
            if not isinstance(band, Mapping):
                raise ValueError(f"{where}: each band must be an object")
            limit = band.get("min" if higher else "max")
            bands.append(
                Band(
                    points=_points(band.get("points", 0), where),
                    min=_number(limit, where) if higher and limit is not None else None,
                    max=_number(limit, where) if not higher and limit is not None else None,
                )
            )
        if not bands and raw.get("scored", True):
            raise ValueError(f"{where}: a scored metric needs bands")
        metrics.append(
            Metric(
                key=str(raw.get("key") or measure),
                label=str(raw.get("label") or MEASURES[measure]),
                measure=measure,
                per=per,
                higher_is_better=higher,
                bands=tuple(bands),
                scored=bool(raw.get("scored", True)),
            )
        )
    if not metrics:
        raise ValueError("the table needs at least one metric")
    return ScoringTable(str(data.get("name", "Custom")), green, amber, red, tuple(metrics))


@dataclass(frozen=True)
class Measures:
    """A member's raw counts over the window."""

    weeks: int
    referrals_given: int = 0
    visitors: int = 0
    absences: int = 0
    lates: int = 0
    one_to_ones: int = 0
    education_credits: int = 0
    tyfcb_cents: int = 0
    testimonials: int = 0  # given by the member
    attended: int = 0  # present, late or substitute (chapter.attendance.rules)
    counted_meetings: int | None = None  # meetings the attendance share counts; None: weeks

    @property
    def attendance_share(self) -> AttendanceShare:
        """The attendance share, as every page counts it (Medical weeks neither way)."""
        counted = self.weeks if self.counted_meetings is None else self.counted_meetings
        return AttendanceShare(self.attended, counted)

    @property
    def attendance_percent(self) -> int | None:
        """The attendance share in per cent, as every page shows it."""
        return self.attendance_share.percent


def count_of(metric: Metric, measures: Measures) -> int | None:
    """The whole count a metric judges (before any per-week or per-month rate), or None
    where it judges money (TYFCB) or the attendance share."""
    if metric.measure == "tyfcb" or (metric.measure == "attendance" and metric.per == "week"):
        return None
    return {
        "referrals_given": measures.referrals_given,
        "visitors": measures.visitors,
        "absences": measures.absences,
        "lates": measures.lates,
        "equivalent_absences": measures.absences + measures.lates // 3,
        "one_to_ones": measures.one_to_ones,
        "education_credits": measures.education_credits,
        "attendance": measures.attended,
        "testimonials": measures.testimonials,
    }[metric.measure]


def _rate(count: Decimal, per: str, weeks: int) -> Decimal:
    if per == "week" and weeks:
        count /= weeks
    elif per == "month" and weeks:
        count /= Decimal(weeks) / WEEKS_PER_MONTH
    return count.quantize(Decimal("0.01"), ROUND_HALF_UP)


def value_of(metric: Metric, measures: Measures) -> Decimal:
    """The number a metric judges: a count, or a rate per week or per month (to hundredths)."""
    if metric.measure == "attendance" and metric.per == "week":
        ratio = measures.attendance_share.ratio
        return Decimal(0) if ratio is None else ratio
    if metric.measure == "tyfcb":
        return _rate(Decimal(measures.tyfcb_cents) / 100, metric.per, measures.weeks)
    count = count_of(metric, measures)
    return _rate(Decimal(count or 0), metric.per, measures.weeks)


def _plain(number: Decimal) -> str:
    """3 for 3.00, 0.75 for 0.750: a threshold as people write it."""
    return f"{number.normalize():f}"


def count_to_reach(metric: Metric, band: Band, weeks: int) -> int | None:
    """The fewest whole counts over ``weeks`` that reach ``band`` of a higher-is-better rate
    (judged as ``value_of`` judges it, rounded to hundredths): a band "more than none per
    week" is 1, "0.075 per week" over 26 weeks is 2. None where it is not a counted rate."""
    if (
        not metric.higher_is_better
        or metric.per not in ("week", "month")
        or metric.measure not in NOUNS
        or band.min is None
        or weeks <= 0
    ):
        return None
    if band.min <= 0:
        return 0
    weeks_per_unit = Decimal(weeks) if metric.per == "week" else weeks / WEEKS_PER_MONTH
    count = max(0, int(band.min * weeks_per_unit) - 1)
    while _rate(Decimal(count), metric.per, weeks) < band.min:
        count += 1
    return count


def target_words(metric: Metric, band: Band, weeks: int) -> str:
    """A band's threshold in words a member understands. A rate below one per week (or per
    month) is said as the whole count it takes over the window ("2 testimonials given in 26
    weeks"), never as "0.001"; other rates as "1.2 a week"; counts and money as numbers."""
    limit = band.min if metric.higher_is_better else band.max
    if limit is None:
        return "more" if not metric.higher_is_better else "any"
    if limit == 0:
        return "0"
    count = count_to_reach(metric, band, weeks) if limit < 1 else None
    if count is not None:
        singular, plural = NOUNS[metric.measure]
        return f"{count} {singular if count == 1 else plural} in {weeks} weeks"
    if metric.measure == "attendance" and metric.per == "week":
        return f"{_plain(limit * 100)}% of meetings"
    if metric.per in ("week", "month"):
        return f"{_plain(limit)} a {metric.per}"
    return _plain(limit)


def _fits(band: Band, value: Decimal, higher: bool) -> bool:
    if higher:
        return band.min is None or value >= band.min
    return band.max is None or value <= band.max


@dataclass(frozen=True)
class MetricScore:
    metric: Metric
    value: Decimal
    points: int
    next_band: Band | None  # the band one step better, if any: what would move them up
    count: int | None = None  # the whole count behind the value (None: money, a share)
    target: str = ""  # the next band's threshold in words (target_words)

    @property
    def shown(self) -> str:
        """The value as a member reads it: counts whole ("2"), rates with their count
        ("2 (0.08 a week)"), money and shares as numbers."""
        if self.count is None:
            return str(self.value)
        if self.metric.per in ("week", "month"):
            return f"{self.count} ({self.value} a {self.metric.per})"
        return str(self.count)


@dataclass(frozen=True)
class Score:
    total: int
    colour: str
    metrics: tuple[MetricScore, ...]


def colour_for(total: int, table: ScoringTable, weeks: int) -> str:
    if weeks == 0:
        return "grey"
    if total >= table.green:
        return "green"
    if total >= table.amber:
        return "amber"
    if total >= table.red:
        return "red"
    return "grey"


def score(table: ScoringTable, measures: Measures) -> Score:
    """Points per metric, the total, its colour, and for each metric the next better band."""
    results = []
    for metric in table.metrics:
        value = value_of(metric, measures)
        points, next_band = 0, None
        if metric.scored and measures.weeks:
            for position, band in enumerate(metric.bands):
                if _fits(band, value, metric.higher_is_better):
                    points = band.points
                    next_band = metric.bands[position - 1] if position > 0 else None
                    break
            else:
                next_band = metric.bands[-1] if metric.bands else None
        target = target_words(metric, next_band, measures.weeks) if next_band else ""
        results.append(
            MetricScore(metric, value, points, next_band, count_of(metric, measures), target)
        )
    total = sum(result.points for result in results)
    return Score(total, colour_for(total, table, measures.weeks), tuple(results))
