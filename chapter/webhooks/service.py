"""Webhooks as use cases: recording an event (the one function every feature calls), the
chapter's endpoints, their delivery log, re-sending and test events, and the claims the
sender takes.

``record_event`` writes the event and one delivery per subscribed endpoint into the
caller's transaction: a change that rolls back leaves no event, a committed one is sent by
the next `flask chapter send-due-webhooks`. Services flush, never commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import Select, func, or_, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from chapter.auth.models import User
from chapter.db import utcnow
from chapter.errors import NotFound, RuleViolation
from chapter.extensions import db
from chapter.platform import audit
from chapter.webhooks import payloads
from chapter.webhooks.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from chapter.webhooks.rules import (
    SUBSCRIBABLE,
    DeliveryState,
    EventKind,
    gives_up,
    is_success,
    retry_delay,
    url_problem,
)
from chapter.webhooks.signing import new_secret

EXCERPT_LENGTH = 500


class Named(Protocol):
    """What events need of a member (a chapter.members Member has it)."""

    id: int
    business_name: str
    classification: str

    @property
    def full_name(self) -> str: ...


def member_ref(member: Named) -> payloads.MemberRef:
    """A member as events name them."""
    return payloads.MemberRef(
        member.id, member.full_name, member.business_name, member.classification
    )


def record_event(
    chapter_id: int, kind: EventKind, payload: dict[str, Any], *, now: datetime | None = None
) -> WebhookEvent | None:
    """Queue ``kind`` for every active endpoint of the chapter that subscribes to it, in the
    caller's transaction; None (nothing written) when no endpoint wants it.

    ``payload`` comes from the event's function in ``chapter.webhooks.payloads``."""
    endpoints = [
        endpoint
        for endpoint in db.session.scalars(
            db.select(WebhookEndpoint).where(
                WebhookEndpoint.chapter_id == chapter_id, WebhookEndpoint.disabled_at.is_(None)
            )
        )
        if endpoint.subscribes_to(kind)
    ]
    if not endpoints:
        return None
    return _queue(chapter_id, kind, payload, endpoints, now=now or utcnow())


def _queue(
    chapter_id: int,
    kind: EventKind,
    payload: dict[str, Any],
    endpoints: Sequence[WebhookEndpoint],
    *,
    now: datetime,
) -> WebhookEvent:
    event = WebhookEvent(
        public_id=str(uuid.uuid4()),
        chapter_id=chapter_id,
        kind=kind,
        payload=payload,
        created_at=now,
    )
    db.session.add(event)
    db.session.flush()
    for endpoint in endpoints:
        db.session.add(
            WebhookDelivery(event_id=event.id, endpoint_id=endpoint.id, next_attempt_at=now)
        )
    db.session.flush()
    return event


# The chapter's endpoints (leaders' pages)


@dataclass(frozen=True)
class EndpointDetails:
    url: str
    description: str
    events: tuple[EventKind, ...]


def add_endpoint(
    chapter_id: int, details: EndpointDetails, *, actor: User, allow_local_http: bool
) -> WebhookEndpoint:
    """Register an endpoint with a fresh secret (audited; the secret is not in the audit)."""
    url = details.url.strip()
    if problem := url_problem(url, allow_local_http=allow_local_http):
        raise RuleViolation(problem, field="url")
    events = [kind.value for kind in SUBSCRIBABLE if kind in details.events]
    if not events:
        raise RuleViolation("Choose at least one event.", field="events")
    endpoint = WebhookEndpoint(
        chapter_id=chapter_id,
        url=url,
        description=details.description.strip(),
        secret=new_secret(),
        events=events,
        created_by_id=actor.id,
    )
    db.session.add(endpoint)
    db.session.flush()
    audit.record(
        actor,
        "webhook.added",
        endpoint,
        chapter_id=chapter_id,
        after={"url": endpoint.url, "events": events},
    )
    return endpoint


def disable_endpoint(endpoint: WebhookEndpoint, *, actor: User, now: datetime) -> int:
    """Disable an endpoint for good (it is kept with its log): nothing more is sent to it,
    and its waiting deliveries stop. Returns how many stopped."""
    if not endpoint.is_active:
        raise RuleViolation("This endpoint is disabled already.")
    endpoint.disabled_at = now
    endpoint.disabled_by_id = actor.id
    stopped = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.endpoint_id == endpoint.id,
            WebhookDelivery.state == DeliveryState.PENDING,
        )
        .values(state=DeliveryState.STOPPED, claimed_until=None)
    ).rowcount
    db.session.flush()
    audit.record(
        actor,
        "webhook.disabled",
        endpoint,
        chapter_id=endpoint.chapter_id,
        before={"url": endpoint.url},
        after={"stopped_deliveries": stopped},
    )
    return stopped


def reveal_secret(endpoint: WebhookEndpoint, *, actor: User) -> str:
    """The endpoint's secret, for a leader who asked to see it (audited: who and when)."""
    audit.record(actor, "webhook.secret_shown", endpoint, chapter_id=endpoint.chapter_id)
    return endpoint.secret


def get_endpoint(chapter_id: int, endpoint_id: int) -> WebhookEndpoint:
    """One of the chapter's endpoints (another chapter's is NotFound)."""
    endpoint = db.session.get(WebhookEndpoint, endpoint_id)
    if endpoint is None or endpoint.chapter_id != chapter_id:
        raise NotFound("There is no such webhook endpoint in your chapter.")
    return endpoint


@dataclass(frozen=True)
class EndpointRow:
    endpoint: WebhookEndpoint
    counts: dict[DeliveryState, int]


def list_endpoints(chapter_id: int) -> list[EndpointRow]:
    """The chapter's endpoints, active first, each with its deliveries counted by state (two
    queries, however many endpoints and deliveries)."""
    endpoints = list(
        db.session.scalars(
            db.select(WebhookEndpoint)
            .where(WebhookEndpoint.chapter_id == chapter_id)
            .order_by(WebhookEndpoint.disabled_at.is_not(None), WebhookEndpoint.id)
        )
    )
    counts: dict[int, dict[DeliveryState, int]] = {
        e.id: dict.fromkeys(DeliveryState, 0) for e in endpoints
    }
    if endpoints:
        rows = db.session.execute(
            db.select(WebhookDelivery.endpoint_id, WebhookDelivery.state, func.count())
            .where(WebhookDelivery.endpoint_id.in_(counts))
            .group_by(WebhookDelivery.endpoint_id, WebhookDelivery.state)
        )
        for endpoint_id, state, number in rows:
            counts[endpoint_id][state] = number
    return [EndpointRow(e, counts[e.id]) for e in endpoints]


def deliveries_query(endpoint_id: int) -> Select[tuple[WebhookDelivery]]:
    """An endpoint's delivery log, newest first, with each delivery's event loaded."""
    return (
        db.select(WebhookDelivery)
        .join(WebhookDelivery.event)
        .options(contains_eager(WebhookDelivery.event))
        .where(WebhookDelivery.endpoint_id == endpoint_id)
        .order_by(WebhookDelivery.id.desc())
    )


def get_delivery(endpoint: WebhookEndpoint, delivery_id: int) -> WebhookDelivery:
    """One delivery of the endpoint's log, with its event."""
    delivery = db.session.scalar(
        deliveries_query(endpoint.id).where(WebhookDelivery.id == delivery_id)
    )
    if delivery is None:
        raise NotFound("There is no such delivery of this endpoint.")
    return delivery


def resend(delivery: WebhookDelivery, *, actor: User, now: datetime) -> WebhookDelivery:
    """Send a delivery's event to its endpoint again, as a new delivery in the log (the
    receiver sees the same Chapter-Webhook-Id). Refused while one is still waiting."""
    endpoint = db.session.get(WebhookEndpoint, delivery.endpoint_id)
    assert endpoint is not None  # noqa: S101 - foreign key
    if not endpoint.is_active:
        raise RuleViolation("This endpoint is disabled: nothing is sent to it.")
    waiting = db.session.scalar(
        db.select(func.count()).where(
            WebhookDelivery.event_id == delivery.event_id,
            WebhookDelivery.endpoint_id == delivery.endpoint_id,
            WebhookDelivery.state == DeliveryState.PENDING,
        )
    )
    if waiting:
        raise RuleViolation("This event is already waiting to be sent to this endpoint.")
    last_round = db.session.scalar(
        db.select(func.max(WebhookDelivery.round)).where(
            WebhookDelivery.event_id == delivery.event_id,
            WebhookDelivery.endpoint_id == delivery.endpoint_id,
        )
    )
    again = WebhookDelivery(
        event_id=delivery.event_id,
        endpoint_id=delivery.endpoint_id,
        round=(last_round or 0) + 1,
        next_attempt_at=now,
        resent_by_id=actor.id,
    )
    try:
        with db.session.begin_nested():
            db.session.add(again)
    except IntegrityError as error:  # a second click at the same moment
        raise RuleViolation("This event is already waiting to be sent to this endpoint.") from error
    audit.record(
        actor,
        "webhook.resent",
        endpoint,
        chapter_id=endpoint.chapter_id,
        after={"delivery_id": again.id, "of": delivery.id},
    )
    return again


def send_test_event(endpoint: WebhookEndpoint, *, actor: User, now: datetime) -> WebhookEvent:
    """Queue a test event for this one endpoint (whatever it subscribes to)."""
    if not endpoint.is_active:
        raise RuleViolation("This endpoint is disabled: nothing is sent to it.")
    payload = payloads.ping(endpoint_id=endpoint.id, sent_by=actor.full_name, created_at=now)
    return _queue(endpoint.chapter_id, EventKind.TEST, payload, [endpoint], now=now)


# Claims of the sender (chapter/webhooks/sending.py)


@dataclass(frozen=True)
class Outgoing:
    """What one attempt needs: the delivery, its endpoint's URL and secret, its event."""

    delivery_id: int
    attempts: int  # including this one
    url: str
    secret: str
    event_public_id: str
    kind: EventKind
    chapter_id: int
    created_at: datetime
    payload: dict[str, Any]


def due(now: datetime, limit: int) -> list[tuple[int, int]]:
    """(delivery id, endpoint id) of the deliveries whose (next) attempt is due, oldest
    first."""
    return [
        (row.id, row.endpoint_id)
        for row in db.session.execute(
            db.select(WebhookDelivery.id, WebhookDelivery.endpoint_id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.state == DeliveryState.PENDING,
                WebhookDelivery.next_attempt_at <= now,
                or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until <= now),
                WebhookEndpoint.disabled_at.is_(None),
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
        )
    ]


def claim(delivery_id: int, *, now: datetime, lease: timedelta) -> Outgoing | None:
    """Take the delivery for one attempt (a compare-and-set update: of two runs, one wins);
    None when it is not due any more or another run holds it. The caller commits before
    sending, so other runs see the claim; a run that died is taken over after ``lease``."""
    taken = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.state == DeliveryState.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until <= now),
        )
        .values(
            claimed_until=now + lease,
            attempts=WebhookDelivery.attempts + 1,
            last_attempt_at=now,
        )
        .returning(WebhookDelivery.attempts)
    ).scalar()
    if taken is None:
        return None
    row = db.session.execute(
        db.select(WebhookDelivery.endpoint_id, WebhookEndpoint, WebhookEvent)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.id == delivery_id)
    ).one()
    endpoint, event = row[1], row[2]
    return Outgoing(
        delivery_id,
        taken,
        endpoint.url,
        endpoint.secret,
        event.public_id,
        event.kind,
        event.chapter_id,
        event.created_at,
        event.payload,
    )


@dataclass(frozen=True)
class Answer:
    """How an attempt ended: the receiver's status and body excerpt, or why there was none."""

    status_code: int | None
    excerpt: str = ""
    error: str = ""

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and is_success(self.status_code)


def record_answer(outgoing: Outgoing, answer: Answer, *, now: datetime) -> DeliveryState:
    """Write the attempt's outcome and release the claim: delivered, or retried after the
    backoff, or failed for good after the last attempt. (A delivery stopped meanwhile, its
    endpoint disabled during the request, keeps its state and gets the answer.)"""
    values: dict[str, Any] = {
        "status_code": answer.status_code,
        "response_excerpt": answer.excerpt[:EXCERPT_LENGTH],
        "error": answer.error[:200],
        "claimed_until": None,
    }
    if answer.delivered:
        state = DeliveryState.DELIVERED
        values["delivered_at"] = now
    elif gives_up(outgoing.attempts):
        state = DeliveryState.FAILED
    else:
        state = DeliveryState.PENDING
        values["next_attempt_at"] = now + retry_delay(outgoing.attempts)
    changed = db.session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == outgoing.delivery_id,
            WebhookDelivery.state == DeliveryState.PENDING,
        )
        .values(state=state, **values)
    ).rowcount
    if not changed:
        db.session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id == outgoing.delivery_id)
            .values(**{k: v for k, v in values.items() if k != "next_attempt_at"})
        )
        return DeliveryState.STOPPED
    return state
