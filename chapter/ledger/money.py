"""Money: whole cents inside, Decimal at the edges, never float."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_CENTS = 100_000_000_00  # 100 million in the chapter's currency: a sane upper bound
CENT = Decimal("0.01")


def to_cents(amount: Decimal | str) -> int:
    """``Decimal("1234.50")`` -> 123450. Refuses non-numbers, more than two decimals,
    zero or negative amounts and amounts above MAX_CENTS."""
    try:
        value = Decimal(amount)
    except (InvalidOperation, TypeError) as error:
        raise ValueError("not an amount") from error
    return cents_of(value)


def cents_of(value: Decimal, *, allow_zero: bool = False) -> int:
    """The money rule, for every way an amount comes in (forms, imports, the JSON move):
    a finite number with at most two decimals, above zero (or zero, where a total may be
    nothing: ``allow_zero``), at most MAX_CENTS; returned as whole cents. ValueError says why."""
    if not value.is_finite():
        raise ValueError("not an amount")
    if value != value.quantize(CENT):
        raise ValueError("at most two decimals")
    cents = int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))
    if cents < 0:
        raise ValueError("the amount is negative")
    if cents == 0 and not allow_zero:
        raise ValueError("the amount must be positive")
    if cents > MAX_CENTS:
        raise ValueError("the amount is too large")
    return cents


def cents_in_bounds(cents: int, *, allow_zero: bool = False) -> bool:
    """Whole cents already stored or exported keep the same bounds as ``cents_of``."""
    return (0 if allow_zero else 1) <= cents <= MAX_CENTS


def from_cents(cents: int) -> Decimal:
    """123450 -> ``Decimal("1234.50")``."""
    return (Decimal(cents) / 100).quantize(CENT)


def format_money(cents: int, currency: str) -> str:
    """123450, "GBP" -> ``GBP 1,234.50``."""
    return f"{currency} {from_cents(cents):,.2f}"
