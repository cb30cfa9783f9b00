"""`flask chapter send-due-webhooks`: deliver the events that are due, signed, once each.

Like the mail (chapter/digests/sending.py): each delivery is claimed (a compare-and-set
lease, committed) before the HTTP request and its outcome recorded (committed) after the
answer, so two runs, on one host or several, never send the same attempt twice. A receiver
that fails (no connection, a timeout, an answer other than 2xx) gets the event again after
a growing pause (1, 2, 4 ... minutes, at most 6 hours); after MAX_ATTEMPTS the delivery has
failed and the leader sees it in the endpoint's log, where they can re-send it. A run that
died while sending is taken over when its lease ends (so a receiver may, rarely, get an event
twice: it recognises it by the Chapter-Webhook-Id header).
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import requests

from chapter.db import utcnow
from chapter.webhooks import payloads, service, signing
from chapter.webhooks.models import WebhookEvent
from chapter.webhooks.rules import LOCAL_HOSTS, DeliveryState, address_problem, url_problem

LEASE = timedelta(minutes=5)  # far longer than one attempt's timeouts
EXCERPT_BYTES = 2048


@dataclass(frozen=True)
class Settings:
    connect_timeout: float = 3.0
    read_timeout: float = 5.0
    allow_local_http: bool = False
    batch: int = 500  # deliveries per run at most; the next run goes on


@dataclass
class Report:
    outcomes: dict[DeliveryState, int] = field(
        default_factory=lambda: dict.fromkeys(DeliveryState, 0)
    )
    skipped: int = 0  # claimed by another run meanwhile, or its endpoint unreachable now

    def summary(self) -> str:
        delivered = self.outcomes[DeliveryState.DELIVERED]
        retry = self.outcomes[DeliveryState.PENDING]
        failed = self.outcomes[DeliveryState.FAILED]
        text = (
            f"Delivered {delivered} webhook(s); {retry} to retry later; {failed} failed for good."
        )
        if self.skipped:
            text += f" {self.skipped} left for the next run."
        return text


def body_of(outgoing: service.Outgoing) -> bytes:
    """The exact bytes sent (and signed): the event's envelope as compact JSON."""
    document = payloads.envelope(
        event_id=outgoing.event_public_id,
        kind=outgoing.kind.value,
        chapter_id=outgoing.chapter_id,
        created_at=outgoing.created_at,
        data=outgoing.payload,
    )
    return json.dumps(document, separators=(",", ":"), sort_keys=True).encode()


def pretty_body(event: WebhookEvent) -> str:
    """What a delivery of ``event`` carries, indented for the leader's page."""
    document = payloads.envelope(
        event_id=event.public_id,
        kind=event.kind.value,
        chapter_id=event.chapter_id,
        created_at=event.created_at,
        data=event.payload,
    )
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False)


def send_due_webhooks(
    *,
    commit: Callable[[], None],
    settings: Settings,
    clock: Callable[[], datetime] = utcnow,
) -> Report:
    """Attempt every due delivery once; returns what happened. An endpoint that could not
    be reached (no connection, a timeout) is not tried again in this run: its other
    deliveries wait for the next run instead of each waiting out the timeout."""
    report = Report()
    unreachable: set[int] = set()
    with requests.Session() as http:
        for delivery_id, endpoint_id in service.due(clock(), settings.batch):
            if endpoint_id in unreachable:
                report.skipped += 1
                continue
            outgoing = service.claim(delivery_id, now=clock(), lease=LEASE)
            commit()
            if outgoing is None:
                report.skipped += 1
                continue
            answer = attempt(http, outgoing, settings, now=clock())
            if answer.status_code is None:
                unreachable.add(endpoint_id)
            state = service.record_answer(outgoing, answer, now=clock())
            commit()
            report.outcomes[state] += 1
    return report


def attempt(
    http: requests.Session, outgoing: service.Outgoing, settings: Settings, *, now: datetime
) -> service.Answer:
    """One signed POST; never raises for the receiver's failures."""
    if problem := url_problem(outgoing.url, allow_local_http=settings.allow_local_http):
        return service.Answer(None, error=f"Not sent: {problem}")
    if problem := resolves_to_problem(outgoing.url, allow_local_http=settings.allow_local_http):
        return service.Answer(None, error=f"Not sent: {problem}")
    body = body_of(outgoing)
    headers = signing.headers(
        outgoing.secret,
        event_id=outgoing.event_public_id,
        event_kind=outgoing.kind.value,
        timestamp=int(now.timestamp()),
        body=body,
    )
    try:
        with http.post(
            outgoing.url,
            data=body,
            headers=headers,
            timeout=(settings.connect_timeout, settings.read_timeout),
            allow_redirects=False,
            stream=True,
        ) as response:
            excerpt = response.raw.read(EXCERPT_BYTES, decode_content=True)
            return service.Answer(response.status_code, excerpt.decode("utf-8", "replace"))
    except requests.Timeout:
        return service.Answer(None, error="No answer in time (timeout).")
    except requests.ConnectionError:
        return service.Answer(None, error="Could not connect to the endpoint.")
    except requests.RequestException as error:  # never the URL: it may carry a token
        return service.Answer(None, error=f"Request failed ({type(error).__name__}).")


def resolves_to_problem(url: str, *, allow_local_http: bool) -> str | None:
    """What the URL's host name resolves to, checked by ``rules.address_problem`` (a name
    that leads to this server's own network is refused). The connection resolves the name
    again: a DNS answer that changes in between (rebinding) is not caught here."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if allow_local_http and host in LOCAL_HOSTS:
        return None
    try:
        found = socket.getaddrinfo(host, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return None  # the connection fails the same way and says so
    return address_problem(str(info[4][0]) for info in found)
