"""Log-in accounts: password hashing, authentication, signed single-use links.

Reset and invitation links are signed with the secret key and carry a fingerprint of the
password hash they were issued against, so setting a password makes every earlier link
invalid (single use) without storing tokens: any process can check them.
"""

from __future__ import annotations

import contextlib
import hashlib
from functools import cache

import argon2
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from chapter.auth.models import User
from chapter.errors import RuleViolation
from chapter.extensions import db
from chapter.members.identity import normalise_email
from chapter.members.roles import can_log_in

RESET = "password-reset"
INVITATION = "invitation"
MIN_PASSWORD_LENGTH = 10


@cache
def _hasher(profile: str) -> argon2.PasswordHasher:
    return argon2.PasswordHasher.from_parameters(getattr(argon2.profiles, profile))


def password_hasher() -> argon2.PasswordHasher:
    """The argon2id hasher for the configured profile (cheapest in tests only)."""
    return _hasher(current_app.config["ARGON2_PROFILE"])


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return password_hasher().hash(password)


def find_by_email(email: str) -> User | None:
    """The user with this e-mail, compared case-insensitively."""
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def email_taken(email: str, *, except_user_id: int | None = None) -> bool:
    """Whether another account already uses this e-mail."""
    query = db.select(User.id).where(User.email == normalise_email(email))
    if except_user_id is not None:
        query = query.where(User.id != except_user_id)
    return db.session.scalar(query) is not None


def may_log_in(user: User) -> bool:
    """Whether this account may log in now (a member who left may not)."""
    member = user.member
    return can_log_in(
        member.status if member is not None else None, is_platform_admin=user.is_platform_admin
    )


def authenticate(email: str, password: str) -> User | None:
    """The user whose e-mail and password match and who may log in, else None.

    An unknown e-mail still costs one hash verification, so timing does not reveal which
    addresses have accounts.
    """
    user = find_by_email(email)
    hasher = password_hasher()
    if user is None or user.password_hash is None:
        with contextlib.suppress(argon2.exceptions.VerificationError):
            hasher.verify(_dummy_hash(current_app.config["ARGON2_PROFILE"]), password)
        return None
    try:
        hasher.verify(user.password_hash, password)
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        return None
    if not may_log_in(user):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return user


@cache
def _dummy_hash(profile: str) -> str:
    return _hasher(profile).hash("not-a-real-password")


def check_new_password(password: str, *, field: str = "password") -> None:
    """A new password must be at least MIN_PASSWORD_LENGTH characters long."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise RuleViolation(
            f"Use at least {MIN_PASSWORD_LENGTH} characters for your password.", field=field
        )


def set_password(user: User, password: str) -> None:
    """Set a new password; every earlier reset or invitation link stops working."""
    check_new_password(password)
    user.password_hash = hash_password(password)
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    """Change one's own password after proving the current one."""
    try:
        valid = user.password_hash is not None and password_hasher().verify(
            user.password_hash, current
        )
    except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
        valid = False
    if not valid:
        raise RuleViolation("That is not your current password.", field="current_password")
    check_new_password(new, field="new_password")
    set_password(user, new)


def _serializer(purpose: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=f"chapter.{purpose}")  # type: ignore[arg-type]


def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "no-password").encode()).hexdigest()[:16]


def make_token(user: User, purpose: str) -> str:
    """A signed token for ``purpose`` (reset or invitation), valid until the password changes."""
    return _serializer(purpose).dumps({"user": user.id, "fp": _fingerprint(user)})


def user_for_token(token: str, purpose: str) -> User:
    """The user a valid, unexpired, unused token was issued to; RuleViolation otherwise."""
    max_age = current_app.config[
        "INVITATION_MAX_AGE" if purpose == INVITATION else "PASSWORD_RESET_MAX_AGE"
    ]
    try:
        payload = _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise RuleViolation("This link has expired. Please ask for a new one.") from error
    except BadSignature as error:
        raise RuleViolation("This link is not valid.") from error
    user = db.session.get(User, payload.get("user"))
    if user is None or payload.get("fp") != _fingerprint(user) or not may_log_in(user):
        raise RuleViolation("This link has already been used or is no longer valid.")
    return user


def invitation_token(user: User) -> str:
    """A token for an invitation link; refused once the person has set a password."""
    if user.password_hash is not None:
        raise RuleViolation(
            f"{user.full_name} already has a password; they can use “Forgot password”."
        )
    if not may_log_in(user):
        raise RuleViolation(f"{user.full_name} cannot log in (they left the chapter).")
    return make_token(user, INVITATION)


def add_account(
    email: str, first_name: str, last_name: str, *, is_platform_admin: bool = False
) -> User:
    """A log-in account that belongs to no chapter (a platform admin), without a password yet."""
    if email_taken(email):
        raise RuleViolation("Another account already uses this e-mail address.", field="email")
    user = User(
        email=normalise_email(email),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        is_platform_admin=is_platform_admin,
    )
    db.session.add(user)
    db.session.flush()
    return user
