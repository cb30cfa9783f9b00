"""Token rules: the secret's shape, its hash, and whether a token may do a request."""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "chp_"
SHOWN = 12  # characters of the token kept in clear: "chp_" and 8 of the secret
MAX_NAME = 80


def new_secret() -> str:
    """A fresh token: ``chp_`` and 43 URL-safe characters (256 random bits)."""
    return PREFIX + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """What is stored: the SHA-256 of the whole token (a token has full entropy, so no salt
    or slow hash is needed, and a lookup is one indexed equality)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def visible_prefix(secret: str) -> str:
    return secret[:SHOWN]


def looks_like_token(value: str) -> bool:
    """Cheap shape check before any database lookup."""
    return value.startswith(PREFIX) and 20 <= len(value) <= 200


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    value = value.strip()
    return value if looks_like_token(value) else None


def may_use(*, scope: str, method: str) -> bool:
    """A read token may only read (GET, HEAD, OPTIONS); a write token may do both."""
    return scope == "write" or method.upper() in {"GET", "HEAD", "OPTIONS"}
