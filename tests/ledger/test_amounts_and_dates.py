"""Amounts as people type them and ledger dates within a window, on the pages (issue #13,
finding 7); the slip form says phone or e-mail is required before it is sent (finding 8);
radio groups have a legend and date inputs the app's date format (findings 6 and 12)."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from chapter.extensions import db
from chapter.ledger.models import ThankYou
from chapter.ledger.rules import a_year_before
from tests.conftest import People, login_as
from tests.support import clock
from tests.support.referral_helpers import (
    HOME_ZONE,
    SlipFactory,
    counts,
    field_errors,
    home_today,
    slip_form,
    text,
    thank_form,
)


def thank(client: FlaskClient, people: People, **overrides: str):
    login_as(client, people.leader)
    return client.post("/thanks/new", data=thank_form(people.member.member_id, **overrides))


def stored_cents(app: Flask) -> list[int]:
    with app.app_context():
        return list(db.session.scalars(db.select(ThankYou.amount_cents).order_by(ThankYou.id)))


# --- amounts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "cents"),
    [("1,000.50", 100050), ("1.000,50", 100050), ("USD 1,000.50", 100050), ("1 000,5", 100050)],
)
def test_an_amount_with_thousands_separators_is_thanked_as_typed(
    app: Flask, client: FlaskClient, people: People, typed: str, cents: int
) -> None:
    response = thank(client, people, amount=typed)
    assert response.status_code == 302, text(response)
    assert stored_cents(app) == [cents]


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "The amount must be above zero."),
        ("-50", "The amount must be above zero."),
        ("abc", "Enter the amount as a number, like 1,250.50."),
        ("12.345,678", "At most two decimals (cents)."),
        ("", "Enter the amount of closed business."),
        ("100000001", "The amount is too large: at most 100,000,000.00."),
    ],
)
def test_a_bad_amount_gets_one_clear_message(
    app: Flask, client: FlaskClient, people: People, typed: str, message: str
) -> None:
    before = counts(app)
    response = thank(client, people, amount=typed)
    assert response.status_code == 422
    assert field_errors(response, "amount") == [message]
    assert f'value="{html.escape(typed)}"' in response.get_data(as_text=True)  # kept as typed
    assert counts(app) == before


# --- dates within a window --------------------------------------------------------------------


def test_a_thank_you_closed_in_1999_is_refused_and_not_counted(
    app: Flask, client: FlaskClient, people: People
) -> None:
    before = counts(app)
    response = thank(client, people, thanked_on="1999-01-01")
    assert response.status_code == 422
    oldest = a_year_before(home_today())
    assert field_errors(response, "thanked_on") == [
        f"Choose a date in the last year: {oldest.day} {oldest:%b %Y} or later."
    ]
    assert counts(app) == before


def test_a_thank_you_a_year_back_is_taken_a_day_more_is_not(
    app: Flask, client: FlaskClient, people: People
) -> None:
    oldest = a_year_before(home_today())
    too_old = thank(client, people, thanked_on=(oldest - timedelta(days=1)).isoformat())
    assert too_old.status_code == 422
    assert thank(client, people, thanked_on=oldest.isoformat()).status_code == 302
    assert len(stored_cents(app)) == 1


def test_business_closed_before_the_slip_was_passed_is_refused(
    app: Flask, client: FlaskClient, people: People
) -> None:
    passed = clock.now() - timedelta(days=10)
    with app.app_context():
        slip = SlipFactory(
            chapter_id=people.member.chapter_id,
            giver_id=people.member.member_id,
            receiver_id=people.leader.member_id,
            passed_at=passed,
        )
        db.session.commit()
        slip_id = slip.id
    passed_on = passed.astimezone(HOME_ZONE).date()
    before_slip = (passed_on - timedelta(days=1)).isoformat()
    response = thank(client, people, slip_id=str(slip_id), thanked_on=before_slip)
    assert response.status_code == 422
    assert field_errors(response, "thanked_on") == [
        f"The referral was passed on {passed_on.day} {passed_on:%b %Y}: "
        "the business closed on that day or later."
    ]
    ok = thank(client, people, slip_id=str(slip_id), thanked_on=passed_on.isoformat())
    assert ok.status_code == 302, text(ok)


@pytest.mark.parametrize(
    ("url", "data", "field"),
    [
        ("/one-to-ones/new", {"place": "Café", "notes": ""}, "met_on"),
        ("/education/new", {"topic": "Networking", "credits": "1"}, "earned_on"),
    ],
)
def test_one_to_ones_and_education_from_1999_are_refused(
    app: Flask, client: FlaskClient, people: People, url: str, data: dict[str, str], field: str
) -> None:
    before = counts(app)
    login_as(client, people.member)
    if field == "met_on":
        data = {**data, "other_id": str(people.leader.member_id)}
    response = client.post(url, data={**data, field: "1999-01-01"})
    assert response.status_code == 422
    assert field_errors(response, field)[0].startswith("Choose a date in the last year:")
    assert counts(app) == before


# --- what the forms say before they are sent --------------------------------------------------


def fieldset_legends(page: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", " ", legend).split())
        for legend in re.findall(r"<fieldset[^>]*>\s*<legend[^>]*>(.*?)</legend>", page, re.S)
    ]


def test_the_slip_form_marks_phone_or_email_as_required_and_groups_its_radios(
    client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    page = client.get("/referrals/new").get_data(as_text=True)
    legends = fieldset_legends(page)
    assert "How to reach the prospect phone or e-mail required" in legends
    assert "How warm (1 = cold, 5 = ready to buy)" in legends
    assert "Type" in legends
    contact = page.split('class="prospect-contact"', 1)[1].split("</fieldset>", 1)[0]
    assert 'name="prospect_phone"' in contact
    assert 'name="prospect_email"' in contact
    assert "Give at least one of the two" in contact
    warmth = page.split("How warm (1 = cold", 1)[1].split("</fieldset>", 1)[0]
    radios = re.findall(r"<input[^>]*>", warmth)
    assert len([r for r in radios if 'name="warmth"' in r and 'type="radio"' in r]) == 5


def test_a_slip_without_phone_or_email_names_both_fields(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    response = client.post(
        "/referrals/new",
        data=slip_form(people.leader.member_id, prospect_phone="", prospect_email=""),
    )
    assert response.status_code == 422
    [message] = field_errors(response, "prospect_phone")
    assert "prospect's phone" in message
    assert "prospect's e-mail" in message


def test_date_inputs_show_the_apps_date_format(client: FlaskClient, people: People) -> None:
    login_as(client, people.member)
    today = home_today()
    for url, name in [("/thanks/new", "thanked_on"), ("/one-to-ones/new", "met_on")]:
        page = client.get(url).get_data(as_text=True)
        hint_id = f"{name}-format"
        assert re.search(rf'<input[^>]*aria-describedby="{hint_id}"[^>]*name="{name}"', page)
        hint = re.search(rf'id="{hint_id}">(.*?)</div>', page, re.S)
        assert hint, page
        assert hint.group(1).strip() == f"The app writes dates like {today.day} {today:%b %Y}"
