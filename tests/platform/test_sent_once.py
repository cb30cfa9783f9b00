"""``chapter.forms.saved_once``: the one place a create form's one-time key is looked up. A key
already stored answers with its row; two requests racing with one key make one row (the
unique column refuses the second, which rolls back and finds the first's row)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa
from flask import Flask

from chapter.extensions import db
from chapter.forms import OnceForm, made_before, saved_once
from chapter.ledger import referrals
from chapter.ledger.models import ReferralSlip
from chapter.ledger.rules import SlipKind
from tests.support import factories

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
KEY = "k" * 43


@pytest.fixture
def pair(in_app):
    chapter = factories.ChapterFactory(
        meeting_weekday=2, meeting_time=time(7), timezone="Europe/London"
    )
    giver, receiver = (
        factories.MemberFactory(chapter=chapter, joined_on=date(2020, 1, 1)) for _ in range(2)
    )
    db.session.commit()
    return chapter, giver, receiver


@pytest.fixture
def form(app: Flask, in_app) -> Iterator[OnceForm]:
    """A create form posted with ``KEY``, in a request that shares the test's session."""
    with app.test_request_context(method="POST", data={"form_key": KEY}):
        yield OnceForm()


def details(receiver_id: int) -> referrals.SlipDetails:
    return referrals.SlipDetails(
        receiver_id=receiver_id,
        kind=SlipKind.INSIDE,
        prospect_name="Pat",
        prospect_phone="1",
        prospect_email="",
        need="x",
        warmth=3,
        may_contact=True,
    )


def slip_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(ReferralSlip))


def test_the_first_sending_creates_the_row_with_its_key(pair, form: OnceForm) -> None:
    chapter, giver, receiver = pair

    done = saved_once(
        form,
        ReferralSlip.form_key,
        lambda key: referrals.pass_slip(
            giver, chapter, details(receiver.id), now=NOW, form_key=key
        ),
    )

    assert done is not None
    assert not done.again
    assert done.result.form_key == KEY
    assert made_before(ReferralSlip.form_key, KEY) == done.result


def test_a_stored_key_answers_with_its_row_and_runs_nothing(pair, form: OnceForm) -> None:
    chapter, giver, receiver = pair
    first = referrals.pass_slip(giver, chapter, details(receiver.id), now=NOW, form_key=KEY)
    db.session.commit()
    ran: list[str | None] = []

    done = saved_once(form, ReferralSlip.form_key, lambda key: ran.append(key))

    assert done is not None
    assert done.again
    assert done.result.id == first.id
    assert ran == []


def test_a_race_with_the_same_key_lands_on_the_row_the_other_request_made(
    pair, form: OnceForm
) -> None:
    """Both requests look the key up before either has committed. Here the other request
    commits its slip (on its own connection) between our look-up and our insert; our insert
    is refused by the unique column, rolled back, and the answer is the other's slip."""
    chapter, giver, receiver = pair
    theirs = referrals.pass_slip(giver, chapter, details(receiver.id), now=NOW)
    db.session.commit()
    theirs_id = theirs.id

    def ours(key: str | None) -> ReferralSlip:
        with db.engine.begin() as other_request:  # commits the other request's slip now
            other_request.execute(
                sa.update(ReferralSlip).where(ReferralSlip.id == theirs_id).values(form_key=key)
            )
        return referrals.pass_slip(giver, chapter, details(receiver.id), now=NOW, form_key=key)

    done = saved_once(form, ReferralSlip.form_key, ours)

    assert done is not None
    assert done.again
    assert done.result.id == theirs_id
    assert slip_count() == 1


def test_a_refusal_without_an_earlier_row_shows_on_the_form(pair, form: OnceForm) -> None:
    chapter, giver, _ = pair

    done = saved_once(
        form,
        ReferralSlip.form_key,
        lambda key: referrals.pass_slip(giver, chapter, details(giver.id), now=NOW, form_key=key),
    )

    assert done is None
    assert form.form_errors == ["You cannot refer business to yourself."]  # no such field here
    assert slip_count() == 0


def test_an_unexpected_error_without_an_earlier_row_propagates(form: OnceForm) -> None:
    def broken(key: str | None) -> None:
        raise KeyError("a bug")

    with pytest.raises(KeyError):
        saved_once(form, ReferralSlip.form_key, broken)


def test_a_key_that_is_too_long_counts_as_none(app: Flask, in_app) -> None:
    with app.test_request_context(method="POST", data={"form_key": "x" * 65}):
        assert OnceForm().once_key() is None
    with app.test_request_context(method="POST", data={}):
        assert OnceForm().once_key() is None
