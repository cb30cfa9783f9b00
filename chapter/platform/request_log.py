"""One JSON line per request: time, request id, method, route, status, duration, chapter and
member. Never the query string, form data, tokens, prospects' details or amounts."""

from __future__ import annotations

import json
import logging
import sys
import time
import uuid

from flask import Flask, Response, g, request
from flask_login import current_user

from chapter.platform import request_identity

log = logging.getLogger("chapter.requests")
HEADER = "X-Request-ID"


def _request_id() -> str:
    incoming = request.headers.get(HEADER, "")
    # Accept a proxy's id only if it looks like one (no log injection).
    if 8 <= len(incoming) <= 64 and all(c.isalnum() or c in "-_" for c in incoming):
        return incoming
    return uuid.uuid4().hex


def install(app: Flask) -> None:
    if not log.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def start() -> None:
        g.request_started = time.perf_counter()
        g.request_id = _request_id()

    @app.after_request
    def finish(response: Response) -> Response:
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers[HEADER] = request_id
        if app.config.get("REQUEST_LOG", True):
            chapter_id, member_id = request_identity.identified() or _identity()
            log.info(
                json.dumps(
                    {
                        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                        "request_id": request_id,
                        "method": request.method,
                        "route": request.url_rule.rule if request.url_rule else None,
                        "status": response.status_code,
                        "duration_ms": round(
                            (time.perf_counter() - g.get("request_started", time.perf_counter()))
                            * 1000,
                            1,
                        ),
                        "chapter_id": chapter_id,
                        "member_id": member_id,
                    }
                )
            )
        return response


def _identity() -> tuple[int | None, int | None]:
    """The ids of a user the log-in check has not loaded yet (it names them as it loads:
    ``request_identity``)."""
    member = getattr(current_user, "member", None) if current_user else None
    return (None, None) if member is None else (member.chapter_id, member.id)
