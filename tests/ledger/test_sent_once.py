"""A create form sent twice (a double tap, a retried POST) makes one entry, and the second
answer lands where the first did: slips, thank-yous, one-to-ones, education, testimonials."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func

from chapter.extensions import db
from chapter.ledger.models import EducationCredit, OneToOne, ReferralSlip, Testimonial, ThankYou
from tests.conftest import People, login_as
from tests.support.pages import hidden_in, plain, send_twice
from tests.support.referral_helpers import home_today, slip_form, thank_form


def _rows(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(db.select(func.count()).select_from(model))


def _keys(app: Flask, model: type) -> list[str | None]:
    with app.app_context():
        return list(db.session.scalars(db.select(model.form_key)))


@pytest.fixture
def member_client(csrf_app: Flask, people: People) -> FlaskClient:
    client = csrf_app.test_client()
    login_as(client, people.member)
    return client


# path, the entry's table, the form's data (given the leader's member id), the flash, where to
FORMS: list[tuple[str, type, Callable[[int], dict[str, str]], str, str]] = [
    (
        "/referrals/new",
        ReferralSlip,
        lambda other: slip_form(other),
        "Referral passed. Thank you!",
        "/referrals/given",
    ),
    (
        "/thanks/new",
        ThankYou,
        lambda other: thank_form(other),
        "Thank-you recorded and credited; the giver is told.",
        "/ledger?tab=received",
    ),
    (
        "/one-to-ones/new",
        OneToOne,
        lambda other: {
            "other_id": str(other),
            "met_on": home_today().isoformat(),
            "place": "The Corner Café",
            "notes": "Roofs and gutters.",
        },
        "One-to-one logged; it shows for both of you.",
        "/ledger?tab=activity",
    ),
    (
        "/education/new",
        EducationCredit,
        lambda other: {
            "earned_on": home_today().isoformat(),
            "topic": "Networking 101",
            "credits": "2",
        },
        "Education credits logged.",
        "/ledger?tab=activity",
    ),
    (
        "/testimonials/new",
        Testimonial,
        lambda other: {
            "receiver_id": str(other),
            "kind": "spoken",
            "given_on": home_today().isoformat(),
            "text": "",
        },
        "Testimonial recorded; they are told.",
        "/ledger?tab=given",
    ),
]


@pytest.mark.parametrize(("path", "model", "data", "flash", "lands_on"), FORMS)
def test_the_same_form_sent_twice_makes_one_entry_and_lands_on_it(
    csrf_app: Flask,
    people: People,
    member_client: FlaskClient,
    path: str,
    model: type,
    data: Callable[[int], dict[str, str]],
    flash: str,
    lands_on: str,
) -> None:
    first, second = send_twice(member_client, path, data(people.leader.member_id))

    assert first.status_code == 302, plain(first)
    assert second.status_code == 302, plain(second)
    assert second.headers["Location"] == first.headers["Location"]
    assert first.headers["Location"].endswith(lands_on)
    assert _rows(csrf_app, model) == 1
    [key] = _keys(csrf_app, model)
    assert key  # the form's key is stored with the entry
    # Both answers flash the same message; neither page was read in between, so the page
    # they land on shows it once per answer.
    assert plain(member_client.get(lands_on)).count(flash) == 2


@pytest.mark.parametrize(("path", "model", "data", "flash", "lands_on"), FORMS)
def test_a_new_rendering_of_the_form_makes_a_new_entry(
    csrf_app: Flask,
    people: People,
    member_client: FlaskClient,
    path: str,
    model: type,
    data: Callable[[int], dict[str, str]],
    flash: str,
    lands_on: str,
) -> None:
    """The key is per rendering: the same details sent from a freshly opened form are a
    second entry on purpose (two slips for the same prospect are allowed)."""
    send_twice(member_client, path, data(people.leader.member_id))
    send_twice(member_client, path, data(people.leader.member_id))

    assert _rows(csrf_app, model) == 2


def test_each_rendering_carries_a_new_key(member_client: FlaskClient) -> None:
    first = hidden_in(member_client.get("/referrals/new"), "form_key")
    second = hidden_in(member_client.get("/referrals/new"), "form_key")

    assert len(first) >= 32
    assert first != second


def test_a_form_sent_without_a_key_still_works(
    csrf_app: Flask, people: People, member_client: FlaskClient
) -> None:
    """Older pages and scripts that send no key are served as before (no idempotency)."""
    page = member_client.get("/referrals/new")
    token = hidden_in(page, "csrf_token")
    data = {**slip_form(people.leader.member_id), "csrf_token": token}

    assert member_client.post("/referrals/new", data=data).status_code == 302
    assert member_client.post("/referrals/new", data=data).status_code == 302
    assert _rows(csrf_app, ReferralSlip) == 2
    assert _keys(csrf_app, ReferralSlip) == [None, None]


def test_a_refused_form_keeps_its_key_and_saves_once_corrected(
    csrf_app: Flask, people: People, member_client: FlaskClient
) -> None:
    page = member_client.get("/referrals/new")
    sent = {
        **slip_form(people.leader.member_id, prospect_phone="", prospect_email=""),
        "csrf_token": hidden_in(page, "csrf_token"),
        "form_key": hidden_in(page, "form_key"),
    }
    refused = member_client.post("/referrals/new", data=sent)
    assert refused.status_code == 422
    assert hidden_in(refused, "form_key") == sent["form_key"]

    corrected = {**sent, "prospect_phone": "+44 20 7946 0300"}
    assert member_client.post("/referrals/new", data=corrected).status_code == 302
    assert member_client.post("/referrals/new", data=corrected).status_code == 302
    assert _keys(csrf_app, ReferralSlip) == [sent["form_key"]]
