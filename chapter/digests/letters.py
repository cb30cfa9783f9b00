"""Turning a digest or reminder into a message: text and HTML from templates, absolute
links to the app (``PUBLIC_URL``), and the one-click unsubscribe headers of RFC 8058."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from flask_mail import Message

from chapter.digests import service
from chapter.digests.rules import MailKind

TEMPLATES = {
    MailKind.DIGEST: "digests/member",
    MailKind.LEADER_DIGEST: "digests/leader",
    MailKind.REMINDER: "digests/reminder",
}


@dataclass(frozen=True)
class Letter:
    """One mail due to one member; ``context`` is what its templates show."""

    kind: MailKind
    member_id: int
    email: str
    period_key: str
    subject: str
    context: dict[str, Any]


def link(endpoint: str, **values: Any) -> str:
    """An absolute address of a page of the app, for mail read outside it: built from the
    ``PUBLIC_URL`` setting (no request is needed, so the CLI and tests build the same)."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme or "https"
    )
    return adapter.build(endpoint, values, force_external=True)


def unsubscribe_link(letter: Letter) -> str:
    token = service.unsubscribe_token(letter.member_id, letter.kind.topic)
    return link("digests.unsubscribe", token=token)


def compose(letter: Letter) -> Message:
    """The multipart (text + HTML) message, with List-Unsubscribe headers."""
    unsubscribe = unsubscribe_link(letter)
    context = {
        **letter.context,
        "link": link,
        "unsubscribe_url": unsubscribe,
        "preferences_url": link("digests.preferences"),
        "topic": letter.kind.topic,
        "subject": letter.subject,
    }
    name = TEMPLATES[letter.kind]
    return Message(
        subject=letter.subject,
        recipients=[letter.email],
        body=render_template(f"{name}.txt", **context),
        html=render_template(f"{name}.html", **context),
        extra_headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
            "X-Chapter-Mail": letter.kind.value,
        },
    )
