"""Webhook rules: the event kinds, which endpoint URLs are acceptable, and the retry schedule.

Pure functions: values in, values out (no Flask, no database)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from datetime import timedelta
from enum import StrEnum
from urllib.parse import urlsplit

URL_MAX_LENGTH = 500
MAX_ATTEMPTS = 12  # over about 20 hours; then it has failed for good (the leader may re-send)
FIRST_RETRY = timedelta(minutes=1)
LONGEST_RETRY = timedelta(hours=6)
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})


class EventKind(StrEnum):
    SLIP_PASSED = "slip.passed"
    SLIP_STATUS_CHANGED = "slip.status_changed"
    THANK_YOU_RECORDED = "thank_you.recorded"
    ONE_TO_ONE_LOGGED = "one_to_one.logged"
    VISITOR_RECORDED = "visitor.recorded"
    MEMBER_JOINED = "member.joined"
    MEMBER_LEFT = "member.left"
    ROSTER_COMPLETED = "roster.completed"
    TEST = "webhook.test"  # "Send a test event": to one endpoint, never subscribed to

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    EventKind.SLIP_PASSED: "Referral slip passed",
    EventKind.SLIP_STATUS_CHANGED: "Referral slip status changed",
    EventKind.THANK_YOU_RECORDED: (
        "Thank-you for closed business recorded (amount, never the thanker)"
    ),
    EventKind.ONE_TO_ONE_LOGGED: "One-to-one logged",
    EventKind.VISITOR_RECORDED: "Visitor recorded",
    EventKind.MEMBER_JOINED: "Member joined",
    EventKind.MEMBER_LEFT: "Member left",
    EventKind.ROSTER_COMPLETED: "Roster completed",
    EventKind.TEST: "Test event",
}
SUBSCRIBABLE = tuple(kind for kind in EventKind if kind is not EventKind.TEST)


class DeliveryState(StrEnum):
    PENDING = "pending"  # waiting for its first or next attempt
    DELIVERED = "delivered"  # the receiver answered 2xx
    FAILED = "failed"  # MAX_ATTEMPTS tried without a 2xx: given up
    STOPPED = "stopped"  # the endpoint was disabled before it was delivered

    @property
    def label(self) -> str:
        return {
            DeliveryState.PENDING: "Waiting",
            DeliveryState.DELIVERED: "Delivered",
            DeliveryState.FAILED: "Failed (gave up)",
            DeliveryState.STOPPED: "Not sent (endpoint disabled)",
        }[self]


def url_problem(url: str, *, allow_local_http: bool) -> str | None:
    """Why ``url`` cannot receive webhooks, or None when it can.

    HTTPS with a host name or a public address; no user name or password in the URL; no
    loopback or private addresses (the sender must not be turned against the server's own
    network), except ``http://localhost`` / ``http://127.0.0.1`` when ``allow_local_http``
    (development and tests).
    """
    if len(url) > URL_MAX_LENGTH:
        return f"Use at most {URL_MAX_LENGTH} characters."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "Enter a whole URL, e.g. https://crm.example.org/hooks/chapter."
    del port  # read only to reject a malformed port
    host = (parts.hostname or "").lower()
    if not host or parts.scheme not in ("https", "http"):
        return "Enter a whole URL, e.g. https://crm.example.org/hooks/chapter."
    if parts.username is not None or parts.password is not None:
        return "Leave the user name and password out of the URL."
    if parts.fragment:
        return "Leave the #fragment out of the URL."
    if host in LOCAL_HOSTS:
        if allow_local_http:
            return None
        return "Use a public HTTPS address, not this machine."
    if parts.scheme != "https":
        return "Use an https:// address: events are sent encrypted only."
    if host.endswith((".localhost", ".local", ".internal")):
        return "Use a public HTTPS address, not a local network name."
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None  # a host name
    if not address.is_global:
        return "Use a public HTTPS address, not a private or reserved one."
    return None


def address_problem(addresses: Iterable[str]) -> str | None:
    """Why a host whose name resolved to ``addresses`` must not be sent to, or None.

    The URL check above sees only the name; a public-looking name can lead to this server's
    own network (a private, loopback or link-local address), so the sender checks what the
    name resolves to right before it connects. No address at all is left to the connection,
    which fails and says so."""
    for text in addresses:
        try:
            address = ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone
        except ValueError:
            return "The endpoint's name leads to an address that is not an IP address."
        if not address.is_global:
            return "The endpoint's name leads to a private or reserved address."
    return None


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed attempts: 1 minute, doubling each time
    (1, 2, 4, 8 ... minutes), never more than 6 hours."""
    if attempts < 1:
        return timedelta(0)
    return min(FIRST_RETRY * 2 ** min(attempts - 1, 20), LONGEST_RETRY)


def gives_up(attempts: int) -> bool:
    """After MAX_ATTEMPTS failed attempts a delivery is not retried any more."""
    return attempts >= MAX_ATTEMPTS


def is_success(status_code: int) -> bool:
    """Only a 2xx answer delivers an event (a redirect is not followed: it fails)."""
    return 200 <= status_code < 300
