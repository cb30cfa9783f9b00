"""Mail that waits for the transaction: queued during a request, sent after the commit.

A rollback discards the queue, and a failing mail server never undoes what was saved.
"""

from __future__ import annotations

from typing import Any

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from chapter.platform import mail

KEY = "chapter_mail_outbox"


def queue(session: Session, to: str, subject: str, body: str) -> None:
    """Send this message once ``session`` commits (only where mail is configured)."""
    if not current_app.config.get("MAIL_SERVER") and not current_app.testing:
        return  # notifications stay on the dashboard; no mail server, no mail
    session.info.setdefault(KEY, []).append((to, subject, body))


def _send_after_commit(session: Session) -> None:
    for to, subject, body in session.info.pop(KEY, []):
        mail.send(to, subject, body)


def _discard(session: Session, *args: Any) -> None:
    session.info.pop(KEY, None)


def install() -> None:
    """Listen on every session (idempotent)."""
    if not event.contains(Session, "after_commit", _send_after_commit):
        event.listen(Session, "after_commit", _send_after_commit)
        event.listen(Session, "after_soft_rollback", _discard)
