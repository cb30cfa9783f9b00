"""Errors the services raise, and the pages that show them (and HTTP errors) to people."""

from __future__ import annotations

import math
import time

from flask import Flask, Response, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from chapter.api import problems
from chapter.extensions import db, limiter


class ChapterError(Exception):
    """Base of the errors a service raises for a person to read."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class RuleViolation(ChapterError):
    """The request breaks a rule of the domain (shown next to its field, HTTP 422)."""

    status = 422


class Conflict(ChapterError):
    """Someone else changed the thing since the actor loaded it (HTTP 409)."""

    status = 409


class NotFound(ChapterError):
    """The thing does not exist, or is not in the actor's chapter (HTTP 404)."""

    status = 404


class NotAllowed(ChapterError):
    """The actor's role does not allow this (HTTP 403)."""

    status = 403


TITLES = {
    400: "Bad request",
    403: "Not allowed",
    404: "Page not found",
    409: "Changed meanwhile",
    405: "Method not allowed",
    413: "File too large",
    422: "Cannot do that",
    429: "Too many attempts",
    500: "Something went wrong",
}

MESSAGES = {
    400: "The request could not be understood. Please go back and try again.",
    403: "Your role in the chapter does not allow this page.",
    404: "There is nothing here, or it belongs to another chapter.",
    405: "This address does not accept that kind of request.",
    413: "The file is larger than this site accepts.",
    429: "Too many attempts in a short time. Please wait a minute and try again.",
    500: "The error has been logged. Please try again in a moment.",
}


def render_error(status: int, message: str | None = None) -> tuple[str, int]:
    """The friendly error page for ``status``.

    The request failed, so what it wrote is discarded first: nothing a service flushed before
    raising can be committed later, and the page (its navigation reads the user) works even
    after a failed flush.
    """
    db.session.rollback()
    title = TITLES.get(status, "Error")
    text = message or MESSAGES.get(status, title)
    return render_template("errors/error.html", status=status, title=title, message=text), status


def retry_message() -> str | None:
    """When a throttled person may try again, in whole minutes (rounded up), from the reset
    time of the limit the request broke (the same moment as the Retry-After header);
    None when no limit was broken or its storage cannot say."""
    limit = limiter.current_limit
    if limit is None or not limit.breached:
        return None
    try:
        seconds = int(limit.reset_at - time.time())  # as Flask-Limiter sets Retry-After
    except Exception:  # the counters' storage is unreachable: say no time
        return None
    minutes = max(1, math.ceil(seconds / 60))
    return (
        "Too many attempts in a short time. Please try again in "
        f"{minutes} minute{'' if minutes == 1 else 's'}."
    )


def register_error_handlers(app: Flask) -> None:
    """Render domain errors and HTTP errors as pages, never a traceback."""

    @app.errorhandler(ChapterError)
    def domain_error(error: ChapterError) -> tuple[str, int]:
        return render_error(error.status, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(400, "The form expired or was not sent by this site. Please retry.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | Response:
        if problems.is_api_request():  # an unknown API address or method: JSON, never HTML
            db.session.rollback()
            return problems.from_http_exception(error)
        status = error.code or 500
        custom = error.description != type(error).description  # abort(400, description=...)
        message = error.description if custom else MESSAGES.get(status)
        if status == 429:  # Flask-Limiter's description is the limit itself ("5 per 1 minute")
            message = retry_message() or MESSAGES[429]
        return render_error(status, message)

    @app.errorhandler(500)
    def server_error(error: Exception) -> tuple[str, int] | Response:
        if problems.is_api_request():
            db.session.rollback()
            return problems.problem(500)
        return render_error(500)
