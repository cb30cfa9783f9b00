"""Signing a webhook: HMAC-SHA256 over ``<timestamp>.<body>`` with the endpoint's secret.

The receiver recomputes it (the README has the snippet), compares in constant time, and
rejects timestamps older than a few minutes, so a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"  # noqa: S105 - a marker, not a secret
SIGNATURE_VERSION = "v1"
DEFAULT_TOLERANCE_SECONDS = 300

ID_HEADER = "Chapter-Webhook-Id"
EVENT_HEADER = "Chapter-Webhook-Event"
TIMESTAMP_HEADER = "Chapter-Webhook-Timestamp"
SIGNATURE_HEADER = "Chapter-Webhook-Signature"


def new_secret() -> str:
    """A fresh endpoint secret: ``whsec_`` and 43 URL-safe characters (256 bits)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """``v1=<hex>``: HMAC-SHA256, keyed with the whole secret (its UTF-8 bytes), over the
    timestamp in decimal, a dot, and the exact body bytes."""
    message = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{SIGNATURE_VERSION}={digest}"


def headers(
    secret: str, *, event_id: str, event_kind: str, timestamp: int, body: bytes
) -> dict[str, str]:
    """The headers a delivery carries."""
    return {
        "Content-Type": "application/json",
        "User-Agent": "Chapter-Webhooks/1",
        ID_HEADER: event_id,
        EVENT_HEADER: event_kind,
        TIMESTAMP_HEADER: str(timestamp),
        SIGNATURE_HEADER: signature(secret, timestamp, body),
    }


def verify(
    secret: str,
    header: str,
    timestamp: str,
    body: bytes,
    *,
    now: int,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """What a receiver checks: a ``v1`` signature over this body and timestamp, and a
    timestamp within ``tolerance`` seconds of ``now`` (a replay is rejected)."""
    try:
        sent_at = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent_at) > tolerance:
        return False
    expected = signature(secret, sent_at, body)
    return any(hmac.compare_digest(expected, part.strip()) for part in header.split(","))
