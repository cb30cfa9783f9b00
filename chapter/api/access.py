"""Who is asking: the bearer token of the request, its member and chapter, and their rights.

The API reads ONLY the Authorization header, never the session cookie: a browser's session
cannot write through the API, so the API blueprint needs no CSRF token (chapter.api.setup
exempts it). Leader rights are checked per request from the member's current position.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TypeVar

from flask import abort, g, request

from chapter.api import bp, tokens
from chapter.api.models import ApiToken
from chapter.api.rules import bearer_token, hash_secret, may_use
from chapter.auth.models import User
from chapter.chapters import service as chapters
from chapter.chapters.models import Chapter
from chapter.db import utcnow
from chapter.extensions import db
from chapter.members.models import Member
from chapter.members.roles import MemberStatus

T = TypeVar("T")


@dataclass(frozen=True)
class Caller:
    token: ApiToken
    user: User
    member: Member
    chapter: Chapter


def rate_key() -> str:
    """Flask-Limiter's key for API requests: the token (hashed), else the address."""
    secret = bearer_token(request.headers.get("Authorization"))
    if secret is not None:
        return "api-token:" + hash_secret(secret)[:32]
    return "api-anon:" + (request.remote_addr or "unknown")


def authenticate() -> None:
    """before_request of the API: a valid, unrevoked token of a current member (401
    otherwise; 403 for a person without a chapter, or a read token that asks to write)."""
    secret = bearer_token(request.headers.get("Authorization"))
    token = tokens.resolve(secret, now=utcnow()) if secret else None
    if token is None:
        abort(401)
    user = db.session.get(User, token.user_id)
    member = user.member if user is not None else None
    if user is None or member is None or member.status is MemberStatus.LEFT:
        abort(403, description="Only members of a chapter use the API.")
    if not may_use(scope=token.scope, method=request.method):
        abort(403, description="This token may only read; create a write token to change data.")
    g.api_caller = Caller(token, user, member, chapters.get_chapter(member.chapter_id))


def caller() -> Caller:
    return g.api_caller  # type: ignore[no-any-return]


def leader() -> Caller:
    """The caller, who must hold a leader position now (403 otherwise)."""
    found = caller()
    if not found.member.is_leader:
        abort(403, description="Only the chapter's leaders may do this.")
    return found


ALWAYS = (401, 403, 429)


def documented(*codes: int) -> Callable[[T], T]:
    """Document the problem responses an operation answers with (401, 403, 429 always)."""

    def decorate(view: T) -> T:
        for code in (*ALWAYS, *codes):
            view = bp.alt_response(code, response=HTTPStatus(code).name)(view)
        return view

    return decorate


def committed(action: Callable[[], T]) -> T:
    """Run one service call as the request's transaction: commit after, roll back on error."""
    try:
        result = action()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return result
