"""Log-in throttling counts per account, per account and address, and (a much higher
ceiling) per address: a chapter shares one venue Wi-Fi, so one guest's typos must not lock
out the room. The 429 page says when to try again (and so does Retry-After)."""

from __future__ import annotations

import math
import re

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import People
from tests.support.factories import PASSWORD
from tests.support.pages import plain

VENUE = "203.0.113.7"  # the venue's one public address


def attempt(client: FlaskClient, email: str, password: str, address: str = VENUE):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def ask_reset(client: FlaskClient, email: str, address: str = VENUE):
    return client.post(
        "/password/forgot", data={"email": email}, environ_base={"REMOTE_ADDR": address}
    )


def retry_minutes(response) -> int:
    match = re.search(r"Please try again in (\d+) minutes?\.", plain(response))
    assert match, plain(response)
    return int(match.group(1))


def test_a_guests_failures_do_not_lock_a_member_out_on_the_same_wifi(
    client: FlaskClient, people: People
) -> None:
    guesses = [attempt(client, "nobody@x.example", "guess").status_code for _ in range(6)]
    assert guesses == [422] * 5 + [429]  # the guest, on that account, is throttled

    member = attempt(client, people.member.email, PASSWORD)

    assert member.status_code == 302  # the member, from the same address, logs in
    assert member.headers["Location"] == "/"


def test_an_account_is_throttled_after_failures_from_several_addresses(
    app: Flask, client: FlaskClient, people: People
) -> None:
    per_account = int(app.config["LOGIN_ACCOUNT_RATE_LIMIT"].split(" per ")[0])  # 10
    addresses = [f"198.51.100.{n}" for n in range(per_account)]
    statuses = [attempt(client, people.member.email, "guess", a).status_code for a in addresses]
    assert statuses == [422] * per_account  # one failure from each: under every other limit

    blocked = attempt(client, people.member.email, PASSWORD, "192.0.2.99")  # right, elsewhere

    assert blocked.status_code == 429
    assert retry_minutes(blocked) == 1  # the per-minute limit was the one broken
    other = attempt(client, people.leader.email, PASSWORD, "192.0.2.99")
    assert other.status_code == 302  # another account from that address is not affected


def test_one_address_guessing_across_many_accounts_hits_the_ceiling(
    app: Flask, client: FlaskClient, people: People
) -> None:
    ceiling = int(app.config["LOGIN_ADDRESS_RATE_LIMIT"].split(" per ")[0])  # 100 an hour
    assert ceiling >= 50  # much higher than a person's own limit: a room shares one address
    for n in range(ceiling):
        assert attempt(client, f"someone{n}@spray.example", "Summer2026!").status_code == 422

    blocked = attempt(client, people.member.email, PASSWORD)

    assert blocked.status_code == 429
    minutes = retry_minutes(blocked)
    assert 1 <= minutes <= 60  # the hourly ceiling
    assert minutes == math.ceil(int(blocked.headers["Retry-After"]) / 60)
    assert attempt(client, people.member.email, PASSWORD, "192.0.2.1").status_code == 302


def test_the_429_page_says_when_to_try_again_and_sends_retry_after(
    client: FlaskClient, people: People
) -> None:
    for _ in range(5):
        attempt(client, people.member.email, "guess")

    blocked = attempt(client, people.member.email, PASSWORD)

    assert blocked.status_code == 429
    assert "Too many attempts" in plain(blocked)
    retry_after = int(blocked.headers["Retry-After"])
    assert 0 < retry_after <= 60
    assert retry_minutes(blocked) == 1
    assert "Please try again in 1 minute." in plain(blocked)


def test_successes_never_count_towards_any_limit(client: FlaskClient, people: People) -> None:
    for _ in range(12):  # more than the per-account limit of a minute
        assert attempt(client, people.member.email, PASSWORD).status_code == 302
        client.post("/logout")


def test_reset_requests_are_limited_per_account_not_per_address(
    app: Flask, client: FlaskClient, people: People
) -> None:
    per_account = int(app.config["RESET_REQUEST_RATE_LIMIT"].split(" per ")[0])  # 3
    asked = [ask_reset(client, people.member.email).status_code for _ in range(per_account + 1)]
    assert asked == [302] * per_account + [429]
    assert retry_minutes(ask_reset(client, people.member.email, "192.0.2.5")) >= 1  # any address

    other = ask_reset(client, people.leader.email)  # the same address, another account

    assert other.status_code == 302
