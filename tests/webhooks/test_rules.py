"""The webhook rules: which URLs may receive events, the retry schedule, the signature."""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chapter.webhooks import payloads, signing
from chapter.webhooks.rules import (
    LONGEST_RETRY,
    MAX_ATTEMPTS,
    address_problem,
    gives_up,
    is_success,
    retry_delay,
    url_problem,
)


@pytest.mark.parametrize(
    "url",
    [
        "https://crm.example.org/hooks/chapter",
        "https://crm.example.org:8443/hooks?token=abc",
        "https://93.184.216.34/hook",
    ],
)
def test_public_https_urls_are_accepted(url: str) -> None:
    assert url_problem(url, allow_local_http=False) is None


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://crm.example.org/hooks", "https://"),
        ("ftp://crm.example.org/hooks", "whole URL"),
        ("crm.example.org/hooks", "whole URL"),
        ("https://", "whole URL"),
        ("https://user:pw@crm.example.org/", "user name and password"),
        ("https://crm.example.org/#x", "fragment"),
        ("http://127.0.0.1:8000/hook", "not this machine"),
        ("https://localhost/hook", "not this machine"),
        ("https://10.0.0.7/hook", "private or reserved"),
        ("https://192.168.1.2/hook", "private or reserved"),
        ("https://169.254.169.254/latest/meta-data", "private or reserved"),
        ("https://[::1]/hook", "not this machine"),
        ("https://printer.local/hook", "local network name"),
        ("https://crm.example.org:99999/", "whole URL"),
        ("https://crm.example.org/" + "x" * 500, "at most 500"),
    ],
)
def test_other_urls_are_refused_with_a_reason(url: str, problem: str) -> None:
    assert problem in (url_problem(url, allow_local_http=False) or "")


def test_local_http_only_with_the_flag() -> None:
    for url in ("http://127.0.0.1:8000/hook", "http://localhost/hook"):
        assert url_problem(url, allow_local_http=True) is None
        assert url_problem(url, allow_local_http=False) is not None
    assert url_problem("http://10.0.0.7/hook", allow_local_http=True) is not None


@given(st.integers(1, 1000))
def test_the_retry_delay_doubles_from_a_minute_and_never_exceeds_six_hours(n: int) -> None:
    delay = retry_delay(n)
    assert timedelta(minutes=1) <= delay <= LONGEST_RETRY
    assert retry_delay(n + 1) >= delay
    assert retry_delay(n + 1) in (2 * delay, LONGEST_RETRY)


def test_the_schedule_and_giving_up() -> None:
    assert [retry_delay(n) // timedelta(minutes=1) for n in range(1, 5)] == [1, 2, 4, 8]
    waited = sum((retry_delay(n) for n in range(1, MAX_ATTEMPTS)), timedelta(0))
    assert timedelta(hours=18) <= waited <= timedelta(hours=24)  # "about 20 hours"
    assert not gives_up(MAX_ATTEMPTS - 1)
    assert gives_up(MAX_ATTEMPTS)
    assert is_success(200)
    assert is_success(204)
    assert not any(is_success(code) for code in (199, 301, 302, 400, 500))


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    secret, body = "whsec_test", b'{"id":"1"}'
    expected = hmac.new(b"whsec_test", b'1700000000.{"id":"1"}', hashlib.sha256).hexdigest()
    assert signing.signature(secret, 1_700_000_000, body) == f"v1={expected}"
    headers = signing.headers(
        secret, event_id="e1", event_kind="slip.passed", timestamp=1_700_000_000, body=body
    )
    assert headers["Chapter-Webhook-Signature"] == f"v1={expected}"
    assert headers["Chapter-Webhook-Timestamp"] == "1700000000"
    assert headers["Chapter-Webhook-Id"] == "e1"


@given(body=st.binary(max_size=200), skew=st.integers(-1000, 1000))
def test_verify_accepts_its_own_signature_within_the_tolerance_only(body: bytes, skew: int) -> None:
    secret = signing.new_secret()
    header = signing.signature(secret, 1_700_000_000, body)
    fresh = signing.verify(secret, header, "1700000000", body, now=1_700_000_000 + skew)
    assert fresh is (abs(skew) <= signing.DEFAULT_TOLERANCE_SECONDS)
    assert not signing.verify(secret, header, "1700000000", body + b"x", now=1_700_000_000)
    assert not signing.verify("whsec_other", header, "1700000000", body, now=1_700_000_000)
    assert not signing.verify(secret, header, "1700000001", body, now=1_700_000_000)


def test_secrets_are_fresh_and_long() -> None:
    one, two = signing.new_secret(), signing.new_secret()
    assert one != two
    assert one.startswith("whsec_")
    assert len(one) >= 40


def test_an_amount_is_exact_cents_and_a_decimal_string() -> None:
    assert payloads.amount(123450, "GBP") == {
        "cents": 123450,
        "value": "1234.50",
        "currency": "GBP",
    }
    assert payloads.amount(1, "USD")["value"] == "0.01"


@pytest.mark.parametrize(
    ("addresses", "refused"),
    [
        (["93.184.215.14"], False),
        (["2606:2800:21f:cb07:6820:80da:af6b:8b2c"], False),
        ([], False),
        (["10.0.0.7"], True),
        (["93.184.215.14", "192.168.1.20"], True),  # one private answer is enough
        (["127.0.0.1"], True),
        (["169.254.169.254"], True),  # a cloud's metadata service
        (["fe80::1%eth0"], True),
        (["::1"], True),
    ],
)
def test_what_a_name_resolves_to_is_checked(addresses: list[str], refused: bool) -> None:
    assert (address_problem(addresses) is not None) is refused


@given(st.ip_addresses())
def test_an_address_is_refused_exactly_when_it_is_not_global(address: object) -> None:
    assert (address_problem([str(address)]) is None) is address.is_global  # type: ignore[attr-defined]
