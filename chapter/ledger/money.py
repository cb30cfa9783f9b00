"""Money: whole cents inside, Decimal at the edges, never float.

How an amount is read when a person types it (forms) or a file carries it as text (BNI
Connect files): ``parse_amount``. Chapters keep no locale setting, so it reads both the
English and the continental way of writing an amount, and refuses what it cannot read
unambiguously:

* a currency symbol or a three-letter code before or after the number is ignored
  ("GBP 1,250.50", "1.250,50 €", "₹ 1,00,000");
* spaces, no-break spaces and apostrophes only separate groups of digits ("1 250,50",
  "1'250.50");
* with both "." and "," the last one is the decimal mark: "1,000.50" and "1.000,50" are both
  one thousand and fifty cents;
* one kind of mark used more than once separates thousands: "1,000,000", "1.000.000";
* one mark used once is the decimal mark ("12,5", "12.50"), except when exactly three
  digits follow it and a group of one to three digits (not a lone 0) precedes it: then it
  separates thousands, in both ways of writing ("1,000" and "1.000" are one thousand), since
  an amount never has three decimals;
* groups of digits after the first have three digits (the last) or two or three (before it:
  Indian lakhs, "1,00,000"); anything else is not a number.

``cents_of`` then keeps the bounds: at most two decimals, above zero, at most MAX_CENTS.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal

MAX_CENTS = 100_000_000_00  # 100 million in the chapter's currency: a sane upper bound
CENT = Decimal("0.01")
EXAMPLE = "1,250.50"  # how the messages show an amount to type
MAX_TEXT = 64  # longer text is no amount anyone types

GROUP_GAPS = " \u00a0\u202f\u2009'\u2019"  # space, no-break and thin spaces, apostrophes
MINUS = "-\u2212"
_CODE = re.compile(r"^[A-Za-z]{3}(?=[\d\s.,\-\u2212(]|$)|(?<=[\d\s.,)])[A-Za-z]{3}$")
_DIGITS = re.compile(r"\d+")
NOT_A_NUMBER = f"not a number: write it like {EXAMPLE}"
TOO_PRECISE = "at most two decimals (cents)"


def parse_amount(text: str) -> Decimal:
    """An amount as people write it (see the module's rule) -> its Decimal value, sign kept
    (``cents_of`` refuses it). ValueError: "no amount" for empty text, "at most two decimals"
    for more digits after the decimal mark (even zeros: "1,0000" is a slip of the finger),
    else not a number."""
    value = _without_currency(text)
    if not value:
        raise ValueError("no amount")
    negative = False
    if value.startswith("(") and value.endswith(")"):  # accountants' negative
        negative, value = True, value[1:-1].strip()
    if value[:1] in MINUS:
        negative, value = True, value[1:].lstrip()
    digits = _plain_digits(value)
    return -Decimal(digits) if negative else Decimal(digits)


def _without_currency(text: str) -> str:
    value = str(text)[: MAX_TEXT + 1].strip()
    if len(value) > MAX_TEXT:
        raise ValueError(NOT_A_NUMBER)
    value = "".join(c for c in value if unicodedata.category(c) != "Sc").strip()
    if _DIGITS.search(value):  # "abc" is no currency code around a number
        value = _CODE.sub("", value).strip()
    return value


def _plain_digits(value: str) -> str:
    """ "1.000,50" -> "1000.50": the decimal mark becomes ".", group separators go."""
    for gap in GROUP_GAPS:
        value = value.replace(gap, " ")
    if not value or not re.fullmatch(r"[\d.,]+( [\d.,]+)*", value):
        raise ValueError(NOT_A_NUMBER)
    marks = [c for c in value if c in ".,"]
    decimal_mark = None
    if marks:
        last = marks[-1]
        if marks.count(last) == 1:
            decimal_mark = last
            whole, _, fraction = value.rpartition(last)
            if len(marks) == 1 and " " not in fraction and _thousands(whole, fraction):
                decimal_mark = None
    whole, fraction = value, ""
    if decimal_mark is not None:
        whole, _, fraction = value.rpartition(decimal_mark)
        if not _DIGITS.fullmatch(fraction):
            raise ValueError(NOT_A_NUMBER)
        if len(fraction) > 2:
            raise ValueError(TOO_PRECISE)
    groups = re.split(r"[ .,]", whole or "0")
    if not _well_grouped(groups):
        raise ValueError(NOT_A_NUMBER)
    return "".join(groups) + (f".{fraction}" if fraction else "")


def _thousands(whole: str, fraction: str) -> bool:
    """A single mark with exactly three digits after it, after a first group ("1,000")."""
    return len(fraction) == 3 and bool(re.fullmatch(r"[1-9]\d{0,2}", whole))


def _well_grouped(groups: list[str]) -> bool:
    """["1", "00", "000"]: a first group, then groups of 2 or 3 digits, the last of 3."""
    if not all(_DIGITS.fullmatch(group) for group in groups):
        return False
    if len(groups) == 1:
        return True
    first, *middle, last = groups
    return (
        len(first) <= 3
        and not (first.startswith("0") and len(first) > 1)
        and len(last) == 3
        and all(len(group) in (2, 3) for group in middle)
    )


def to_cents(amount: Decimal | str) -> int:
    """``Decimal("1234.50")`` or ``"1,234.50"`` -> 123450. Text is read by ``parse_amount``;
    then the bounds of ``cents_of``."""
    if isinstance(amount, Decimal):
        return cents_of(amount)
    return cents_of(parse_amount(amount))


def cents_of(value: Decimal, *, allow_zero: bool = False) -> int:
    """The money rule, for every way an amount comes in (forms, imports, the JSON move):
    a finite number with at most two decimals, above zero (or zero, where a total may be
    nothing: ``allow_zero``), at most MAX_CENTS; returned as whole cents. ValueError says why
    (one reason, lower case, no full stop)."""
    if not value.is_finite():
        raise ValueError("not an amount")
    if value > Decimal(MAX_CENTS) / 100:
        raise ValueError(f"the amount is too large: at most {from_cents(MAX_CENTS):,}")
    if value < 0:
        raise ValueError(
            "the amount must not be negative" if allow_zero else "the amount must be above zero"
        )
    if value != value.quantize(CENT):
        raise ValueError(TOO_PRECISE)
    cents = int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))
    if cents == 0 and not allow_zero:
        raise ValueError("the amount must be above zero")
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
