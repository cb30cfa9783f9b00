"""The money rule as people type amounts: ``parse_amount`` and ``to_cents``
(chapter/ledger/money.py). Forms, the BNI reader and the JSON move all go through it."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chapter.ledger.money import MAX_CENTS, cents_of, from_cents, parse_amount, to_cents


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("1,000.50", 100050),  # English
        ("1.000,50", 100050),  # continental
        ("1 000,50", 100050),  # French, with a space
        ("1\u202f000,50", 100050),  # narrow no-break space, as phones insert it
        ("1'000.50", 100050),  # Swiss
        ("1,00,000", 10000000),  # Indian lakh
        ("GBP 1,250.50", 125050),
        ("1.250,50 €", 125050),
        ("$ 12", 1200),
        ("aed 100", 10000),
        ("12,5", 1250),
        ("12.5", 1250),
        ("0,50", 50),
        (".75", 75),
        ("1,000", 100000),  # one mark, three digits after it: thousands, both ways
        ("1.000", 100000),
        ("1.000.000", 100000000),
        ("  250  ", 25000),
    ],
)
def test_amounts_are_read_as_people_type_them(text: str, cents: int) -> None:
    assert to_cents(text) == cents


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "no amount"),
        ("GBP", "not a number"),
        ("abc", "not a number: write it like 1,250.50"),
        ("1,2,3", "not a number"),  # groups of one digit
        ("1,000.000,5", "not a number"),  # marks in no order
        ("12.", "not a number"),
        ("1e12", "not a number"),
        ("NaN", "not a number"),
        ("1.2345", "at most two decimals"),
        ("1,0000", "at most two decimals"),  # a slip of the finger, not one
        ("1.234,567", "at most two decimals"),
        ("0", "the amount must be above zero"),
        ("-50", "the amount must be above zero"),
        ("\u221250", "the amount must be above zero"),  # a typographic minus
        ("(50.00)", "the amount must be above zero"),
        ("100000000.01", "the amount is too large: at most 100,000,000.00"),
    ],
)
def test_a_bad_amount_gets_one_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=f"^{re.escape(reason)}"):
        to_cents(text)


def test_a_negative_total_is_negative_where_zero_is_allowed() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        cents_of(parse_amount("-5"), allow_zero=True)
    assert cents_of(parse_amount("0"), allow_zero=True) == 0


def english(value: Decimal) -> str:
    return f"{value:,.2f}"


def continental(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def spaced(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", "\u00a0").replace(".", ",")


def swiss(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", "'")


def plain(value: Decimal) -> str:
    return f"{value:.2f}"


def indian(value: Decimal) -> str:
    whole, fraction = f"{value:.2f}".split(".")
    head, last = whole[:-3], whole[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    return ",".join([g for g in [head, *groups] if g] + [last]) + "." + fraction


STYLES = st.sampled_from([english, continental, spaced, swiss, plain, indian])
AROUND = st.sampled_from([("", ""), ("GBP ", ""), ("€", ""), ("", " €"), ("", " USD"), ("₹ ", "")])


@given(st.integers(1, MAX_CENTS), STYLES, AROUND)
def test_a_formatted_amount_reads_back_to_its_cents(cents: int, style, around) -> None:
    before, after = around
    text = before + style(from_cents(cents)) + after
    assert to_cents(text) == cents, text


@given(st.integers(1, MAX_CENTS // 100))
def test_whole_amounts_with_thousands_and_no_decimals_read_back(units: int) -> None:
    assert to_cents(f"{units:,}") == units * 100
    assert to_cents(f"{units:,}".replace(",", ".")) == units * 100


@given(st.text(max_size=80))
def test_any_text_is_an_amount_or_a_value_error_never_a_crash(text: str) -> None:
    try:
        cents = to_cents(text)
    except ValueError as error:
        reason = str(error)
        cents = None
    if cents is None:
        assert reason  # a reason a person can read
    else:
        assert 1 <= cents <= MAX_CENTS


@given(st.text(alphabet="0123456789.,- '€$()GBPUSD\u00a0", max_size=24))
def test_amount_like_text_is_an_amount_or_a_value_error(text: str) -> None:
    try:
        value = parse_amount(text)
    except ValueError as error:
        reason, value = str(error), None
    if value is None:
        assert reason
    else:
        assert value.is_finite()
