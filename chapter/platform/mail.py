"""Outgoing e-mail: through SMTP when MAIL_SERVER is set, otherwise written to the log.

Callers send after their transaction has committed, so a mail failure never loses data.
"""

from __future__ import annotations

import contextlib
import smtplib

from flask import current_app
from flask_mail import Connection, Message, email_dispatched

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


class MailFailure(Exception):
    """The SMTP server could not be reached or refused the message."""


class Outgoing:
    """Sends many messages over one SMTP connection, opened at the first message; without
    MAIL_SERVER each message is written to the log instead (development).

    Unlike ``send``, a failure raises MailFailure, so a caller that records what it sent
    (scheduled mail) can leave the message for a later run. Use as a context manager.
    """

    def __init__(self) -> None:
        self._connection: Connection | None = None

    def __enter__(self) -> Outgoing:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send(self, message: Message) -> None:
        if not current_app.config.get("MAIL_SERVER"):
            _log(message)
            return
        try:
            if self._connection is None:
                self._connection = mail.connect().__enter__()
            self._connection.send(message)
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise MailFailure(f"{type(error).__name__}: {error}"[:200]) from error

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and connection.host is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                connection.host.quit()


def _log(message: Message) -> None:
    if current_app.config.get("MAIL_LOG_BODY", True):
        current_app.logger.warning(
            "mail not sent (no MAIL_SERVER): To: %s\nSubject: %s\n\n%s",
            ", ".join(message.recipients),
            message.subject,
            message.body,
        )
    else:  # production: links in messages are secrets, never logged
        current_app.logger.error(
            "mail not sent: set CHAPTER_MAIL_SERVER (subject %r)", message.subject
        )
    email_dispatched.send(current_app._get_current_object(), message=message)  # type: ignore[attr-defined]
