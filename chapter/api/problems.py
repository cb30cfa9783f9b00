"""Errors as RFC 9457 problem details (application/problem+json), never HTML."""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

import marshmallow as ma
from flask import Response, json, request
from werkzeug.exceptions import HTTPException

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"

DETAILS = {
    400: "The request could not be read.",
    401: "Send a personal access token: Authorization: Bearer <token>.",
    403: "Your token or your role in the chapter does not allow this.",
    404: "There is nothing here, or it belongs to another chapter.",
    405: "This address does not accept that method.",
    409: "Someone changed this meanwhile; load it again and retry.",
    413: "The request is larger than this API accepts.",
    415: "Send JSON (Content-Type: application/json).",
    422: "The request breaks a rule; see errors.",
    429: "Too many requests for this token; wait a minute and retry.",
    500: "Something went wrong on our side; it has been logged.",
}


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, with ``errors``: messages by field."""

    type = ma.fields.String(metadata={"description": "A URI naming the problem type"})
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    instance = ma.fields.String()
    errors = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Messages by field name (dotted for nested fields)"},
    )


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def flatten(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """webargs/marshmallow messages ({"json": {"field": ["msg"]}}) as {"field": ["msg"]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(messages, Mapping):
        for key, value in messages.items():
            if not prefix and key in {"json", "query", "path", "headers", "form"}:
                name = ""
            else:
                name = f"{prefix}.{key}" if prefix else str(key)
            for field, texts in flatten(value, name).items():
                flat.setdefault(field, []).extend(texts)
    elif isinstance(messages, list | tuple):
        texts = [m for m in messages if isinstance(m, str)]
        if texts:
            flat[prefix or "_schema"] = texts
        for item in messages:
            if not isinstance(item, str):
                for field, more in flatten(item, prefix).items():
                    flat.setdefault(field, []).extend(more)
    elif messages is not None:
        flat[prefix or "_schema"] = [str(messages)]
    return flat


def problem(
    status: int,
    detail: str | None = None,
    *,
    errors: Mapping[str, list[str]] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    try:
        title = HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail or DETAILS.get(status, title),
        "instance": request.path,
    }
    if errors:
        body["errors"] = dict(errors)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers.setdefault("WWW-Authenticate", 'Bearer realm="chapter"')
    return response


def from_http_exception(error: HTTPException) -> Response:
    """A werkzeug/webargs/Flask-Limiter error as a problem: its field errors, its headers."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    errors = flatten(data.get("messages") or data.get("errors")) if data else {}
    custom = error.description != type(error).description
    detail = data.get("message") or (error.description if custom else None)
    if status == 429:
        detail = None
    headers = dict(data.get("headers") or {})
    if status == 405 and error.get_headers():
        headers.update({k: v for k, v in error.get_headers() if k.lower() == "allow"})
    if status == 422 and not detail and errors:
        detail = "Some fields are not valid; see errors."
    return problem(status, detail, errors=errors, headers=headers)
