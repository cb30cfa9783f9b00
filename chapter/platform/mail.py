"""Outgoing e-mail: through SMTP when MAIL_SERVER is set, otherwise written to the log.

Callers send after their transaction has committed, so a mail failure never loses data.
"""

from __future__ import annotations

from flask import current_app
from flask_mail import Message, email_dispatched

from chapter.extensions import mail


def send(to: str, subject: str, body: str) -> None:
    """Send a plain-text message; without MAIL_SERVER, log it so a developer can follow links."""
    message = Message(subject=subject, recipients=[to], body=body)
    if current_app.config.get("MAIL_SERVER"):
        try:
            mail.send(message)
        except OSError:
            current_app.logger.exception("could not send mail %r", subject)
        return
    if current_app.config.get("MAIL_LOG_BODY", True):
        current_app.logger.warning(
            "mail not sent (no MAIL_SERVER): To: %s\nSubject: %s\n\n%s", to, subject, body
        )
    else:  # production: links in messages are secrets, never logged
        current_app.logger.error("mail not sent: set CHAPTER_MAIL_SERVER (subject %r)", subject)
    email_dispatched.send(current_app._get_current_object(), message=message)  # type: ignore[attr-defined]
