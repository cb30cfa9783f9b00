"""No webhook body ever names the member who thanked: whatever the thanker chose (named to
the giver or not), whatever the note says, linked to a slip or not, and whichever events
the chapter's endpoints receive, the bodies hold the credited member and the amount only."""

from __future__ import annotations

import inspect
import json
from datetime import timedelta
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.ledger import referrals, thanks
from chapter.ledger.rules import BusinessType, SlipKind
from chapter.members.models import Member
from chapter.webhooks import payloads, sending
from chapter.webhooks import service as webhooks
from chapter.webhooks.models import WebhookEvent
from chapter.webhooks.rules import EventKind
from tests.webhooks.conftest import (
    NOW,
    THANKER_EMAIL,
    THANKER_NAME,
    TODAY,
    Crew,
    Receiver,
    add_endpoint,
    run,
)


def strings(document: Any) -> list[str]:
    """Every key and value of a JSON document, as text."""
    if isinstance(document, dict):
        return [*map(str, document), *(s for v in document.values() for s in strings(v))]
    if isinstance(document, list):
        return [s for v in document for s in strings(v)]
    return [str(document)]


def member_ids(document: Any) -> set[int]:
    """The ids of every member a document names (objects shaped like payloads.MemberRef)."""
    found: set[int] = set()
    if isinstance(document, dict):
        if set(document) == {"id", "name", "business_name", "classification"}:
            found.add(document["id"])
        for value in document.values():
            found |= member_ids(value)
    elif isinstance(document, list):
        for value in document:
            found |= member_ids(value)
    return found


def assert_names_no_thanker(document: dict[str, Any], thanker_id: int) -> None:
    text = " ".join(strings(document)).lower()
    for word in (*THANKER_NAME, THANKER_EMAIL, "thanker", "bright kitchens"):
        assert word.lower() not in text, (word, document)
    assert thanker_id not in member_ids(document)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    reveal=st.booleans(),
    linked=st.booleans(),
    cents=st.integers(1, 10**9),
    repeat=st.booleans(),
    note=st.sampled_from(["", "Thanks from Thandiwe Quillfeather", "Bright Kitchens says hi"]),
)
def test_no_thank_you_event_names_its_thanker(
    app: Flask, crew: Crew, reveal: bool, linked: bool, cents: int, repeat: bool, note: str
) -> None:
    if not _has_endpoint(app, crew):
        add_endpoint(app, crew, "https://crm.example.org/hooks")
    with app.app_context():
        chapter = db.session.get(Chapter, crew.chapter_id)
        giver = db.session.get(Member, crew.giver_id)
        thanker = db.session.get(Member, crew.thanker_id)
        slip_id = None
        if linked:
            slip_id = referrals.pass_slip(
                giver,
                chapter,
                referrals.SlipDetails(
                    thanker.id, SlipKind.INSIDE, "Prospect", "1", "", "need", 3, True
                ),
                now=NOW,
            ).id
        thank_you = thanks.thank(
            thanker,
            chapter,
            thanks.ThankYouDetails(
                giver.id,
                cents,
                BusinessType.REPEAT if repeat else BusinessType.NEW,
                TODAY,
                slip_id=slip_id,
                reveal_thanker=reveal,
                note=note,
            ),
            today=TODAY,
            now=NOW,
        )
        event = db.session.scalar(
            db.select(WebhookEvent).where(WebhookEvent.kind == EventKind.THANK_YOU_RECORDED)
        )
        outgoing = webhooks.Outgoing(
            0, 1, "", "", event.public_id, event.kind, event.chapter_id, NOW, event.payload
        )
        body = json.loads(sending.body_of(outgoing))
        db.session.rollback()
    assert body["data"]["credited_member"]["id"] == crew.giver_id
    assert body["data"]["thank_you"]["id"] == thank_you.id
    assert body["data"]["thank_you"]["amount"]["cents"] == cents
    assert_names_no_thanker(body, crew.thanker_id)


def _has_endpoint(app: Flask, crew: Crew) -> bool:
    with app.app_context():
        return bool(webhooks.list_endpoints(crew.chapter_id))


def test_the_thank_you_payload_cannot_take_a_thanker() -> None:
    """The one function that builds it has no parameter for one (nor the slip, nor a note)."""
    assert set(inspect.signature(payloads.thank_you_recorded).parameters) == {
        "thank_you_id",
        "credited",
        "amount_cents",
        "currency",
        "business_type",
        "thanked_on",
        "week_on",
    }


def test_of_all_delivered_events_none_names_the_thanker(
    app: Flask, crew: Crew, receiver: Receiver
) -> None:
    """Through the real sender and receiver: the thanker thanks twice, once named to the
    giver and once not; neither body names them."""
    _, secret = add_endpoint(app, crew, receiver.url, (EventKind.THANK_YOU_RECORDED,))
    receiver.secrets.append(secret)
    with app.app_context():
        chapter = db.session.get(Chapter, crew.chapter_id)
        giver = db.session.get(Member, crew.giver_id)
        thanker = db.session.get(Member, crew.thanker_id)
        for reveal in (True, False):
            thanks.thank(
                thanker,
                chapter,
                thanks.ThankYouDetails(giver.id, 500_00, BusinessType.NEW, TODAY, None, reveal),
                today=TODAY,
                now=NOW,
            )
        db.session.commit()
    run(app, NOW + timedelta(seconds=1))
    assert len(receiver.requests) == 2
    assert all(r.verified for r in receiver.requests)
    for received in receiver.requests:
        assert_names_no_thanker(received.document, crew.thanker_id)
        assert b"Quillfeather" not in received.body
