"""Personal access tokens: create (the secret is returned once), list, revoke, resolve."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from chapter.api.models import ApiToken, Scope
from chapter.api.rules import MAX_NAME, hash_secret, new_secret, visible_prefix
from chapter.auth.models import User
from chapter.errors import NotFound, RuleViolation
from chapter.extensions import db
from chapter.platform import audit

# last_used_at is written at most once a minute per token: a busy client does not turn every
# read into a write.
TOUCH_EVERY = timedelta(minutes=1)


def _chapter_of(user: User) -> int | None:
    return user.member.chapter_id if user.member is not None else None


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def create(user: User, name: str, scope: str, *, now: datetime) -> NewToken:
    name = (name or "").strip()
    if not name:
        raise RuleViolation("Give the token a name.", field="name")
    if len(name) > MAX_NAME:
        raise RuleViolation(f"At most {MAX_NAME} characters.", field="name")
    if scope not in {s.value for s in Scope}:
        raise RuleViolation("Choose read or write.", field="scope")
    secret = new_secret()
    token = ApiToken(
        user_id=user.id,
        name=name,
        prefix=visible_prefix(secret),
        secret_hash=hash_secret(secret),
        scope=scope,
        created_at=now,
        updated_at=now,
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        user,
        "api_token.created",
        token,
        chapter_id=_chapter_of(user),
        after={"name": name, "scope": scope},
    )
    return NewToken(token, secret)


def of_user(user_id: int) -> list[ApiToken]:
    """The user's tokens, newest first, revoked ones included (they are never deleted)."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user_id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def get_own(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("No such token.")
    return token


def revoke(user: User, token: ApiToken, *, now: datetime) -> None:
    if token.user_id != user.id:
        raise NotFound("No such token.")
    if token.revoked_at is not None:
        raise RuleViolation("The token is already revoked.")
    token.revoked_at = now
    db.session.flush()
    audit.record(
        user, "api_token.revoked", token, chapter_id=_chapter_of(user), after={"name": token.name}
    )


def resolve(secret: str, *, now: datetime) -> ApiToken | None:
    """The active token for ``secret`` (None when unknown or revoked); notes its use."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.secret_hash == hash_secret(secret)))
    if token is None or token.revoked_at is not None:
        return None
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        token.last_used_at = now
        db.session.commit()
    return token
