"""A real HTTP receiver in the test process (http.server in a thread) that checks every
delivery's signature the way the README tells integrators to, and a small chapter whose
people have names no other text contains (so "the body names the thanker" is a plain
substring test)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as clock_time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import time_machine
from flask import Flask

from chapter.extensions import db
from chapter.members.roles import Position
from chapter.webhooks import service as webhooks
from chapter.webhooks.models import WebhookDelivery
from chapter.webhooks.rules import SUBSCRIBABLE, EventKind
from tests.support import clock, factories
from tests.support.attendance_factories import MeetingFactory

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # a Monday
TODAY = NOW.date()
LAST_MEETING = date(2026, 11, 18)  # the Wednesday before


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    verified: bool  # signature right and timestamp within five minutes of the receiver's clock

    @property
    def document(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Receiver:
    """What the server received; ``answers`` are the status codes of the next requests
    (200 once they run out); ``secrets`` the endpoint secrets it accepts."""

    url: str = ""
    secrets: list[str] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, headers: dict[str, str], body: bytes) -> bool:
        """The README's verification, written out independently of chapter.webhooks."""
        timestamp = headers.get("Chapter-Webhook-Timestamp", "")
        signature = headers.get("Chapter-Webhook-Signature", "")
        if not timestamp.isdigit() or abs(clock.now().timestamp() - int(timestamp)) > 300:
            return False
        for secret in self.secrets:
            digest = hmac.new(
                secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
            ).hexdigest()
            if hmac.compare_digest(signature, f"v1={digest}"):
                return True
        return False

    def kinds(self) -> list[str]:
        return [r.document["type"] for r in self.requests]

    def of(self, kind: EventKind) -> list[dict[str, Any]]:
        return [r.document for r in self.requests if r.document["type"] == kind.value]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = dict(self.headers.items())
            with state.lock:
                status = state.answers.pop(0) if state.answers else 200
                state.requests.append(Received(headers, body, state.check(headers, body)))
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            self.wfile.write(b"ok" if status < 300 else f"receiver says {status}".encode())

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/chapter"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@dataclass(frozen=True)
class Crew:
    chapter_id: int
    leader_id: int  # a member id; the leader's user id is leader_user_id
    leader_user_id: int
    giver_id: int
    thanker_id: int
    meeting_id: int


THANKER_NAME = ("Thandiwe", "Quillfeather")
THANKER_EMAIL = "thandiwe.quillfeather@thanker.example"


@pytest.fixture
def crew(app: Flask, clean_db: None) -> Crew:
    """A chapter (UTC, Wednesdays) with a leader, a giver of business and a thanker, and
    last Wednesday's meeting (roster open)."""
    with app.app_context():
        chapter = factories.ChapterFactory(
            name="Riverside", meeting_weekday=2, meeting_time=clock_time(7), currency="GBP"
        )
        leader = factories.MemberFactory(
            chapter=chapter,
            position=Position.PRESIDENT,
            user__first_name="Lena",
            user__last_name="Okonkwo",
            business_name="Okonkwo Law",
        )
        giver = factories.MemberFactory(
            chapter=chapter,
            user__first_name="Gideon",
            user__last_name="Farthingale",
            business_name="Farthingale Roofing",
        )
        thanker = factories.MemberFactory(
            chapter=chapter,
            user__first_name=THANKER_NAME[0],
            user__last_name=THANKER_NAME[1],
            user__email=THANKER_EMAIL,
            business_name="Bright Kitchens",
            classification="Kitchen fitter",
        )
        meeting = MeetingFactory(chapter_id=chapter.id, meets_on=LAST_MEETING)
        db.session.commit()
        return Crew(chapter.id, leader.id, leader.user_id, giver.id, thanker.id, meeting.id)


def add_endpoint(
    app: Flask, crew: Crew, url: str, events: tuple[EventKind, ...] = SUBSCRIBABLE
) -> tuple[int, str]:
    """Register ``url`` for the crew's chapter; returns its id and secret."""
    from chapter.auth.models import User

    with app.app_context():
        endpoint = webhooks.add_endpoint(
            crew.chapter_id,
            webhooks.EndpointDetails(url, "CRM", events),
            actor=db.session.get(User, crew.leader_user_id),
            allow_local_http=True,
        )
        db.session.commit()
        return endpoint.id, endpoint.secret


def run(app: Flask, at: datetime) -> str:
    """`flask chapter send-due-webhooks` at ``at``."""
    with time_machine.travel(at, tick=False):
        result = app.test_cli_runner().invoke(args=["chapter", "send-due-webhooks"])
    assert result.exit_code == 0, result.output
    return result.output


def deliveries(app: Flask) -> list[WebhookDelivery]:
    with app.app_context():
        rows = list(db.session.scalars(db.select(WebhookDelivery).order_by(WebhookDelivery.id)))
        db.session.expunge_all()
        return rows
