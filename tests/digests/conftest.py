"""A real SMTP server in the test process (aiosmtpd), and the app that sends to it."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from flask import Flask

from chapter import create_app
from chapter.extensions import db

PUBLIC_URL = "http://chapter.test"


class Inbox:
    """What the SMTP server received; ``refuse`` makes it answer 451 (try again later)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope) -> str:
        if self.refuse:
            return "451 4.3.0 Mail server busy, try again later"
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)  # type: ignore[arg-type]
        )
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def kinds(self) -> list[str]:
        return sorted(m["X-Chapter-Mail"] for m in self.messages)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


@pytest.fixture
def mail_app(app: Flask, clean_db: None, smtp: tuple[Inbox, int]) -> Iterator[Flask]:
    """The application on the test database, sending real mail to the in-process server,
    with CSRF protection on."""
    sending = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp[1],
        MAIL_SUPPRESS_SEND=False,
        PUBLIC_URL=PUBLIC_URL,
        WTF_CSRF_ENABLED=True,  # the one-click unsubscribe must work without a token
    )
    yield sending
    with sending.app_context():
        db.session.remove()
        db.engine.dispose()
