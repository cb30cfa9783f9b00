"""One-tap subscribe links for a calendar feed: what each calendar app expects to be given.

A feed address is ``https://host/calendar/<token>.ics``. Apple Calendar (and most desktop
apps) subscribe from the same address with the ``webcal://`` scheme; Google Calendar's "add by
URL" takes it as ``cid``; Outlook on the web's "add from web" takes ``url`` and ``name``.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

GOOGLE_ADD = "https://calendar.google.com/calendar/r"
OUTLOOK_ADD = "https://outlook.live.com/calendar/0/addfromweb"


@dataclass(frozen=True)
class SubscribeLinks:
    address: str  # the feed itself (https), to copy into any other app
    webcal: str  # Apple Calendar, Thunderbird, Outlook desktop
    google: str
    outlook: str


def webcal_of(address: str) -> str:
    """The feed address with the ``webcal`` scheme (http and https alike)."""
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"not a web address: {address!r}")
    return urlunsplit(("webcal", *parts[1:]))


def subscribe_links(address: str, name: str) -> SubscribeLinks:
    """The links that subscribe a calendar app to the feed at ``address``, named ``name``."""
    webcal = webcal_of(address)
    return SubscribeLinks(
        address=address,
        webcal=webcal,
        google=f"{GOOGLE_ADD}?{urlencode({'cid': webcal}, quote_via=quote)}",
        outlook=f"{OUTLOOK_ADD}?{urlencode({'url': address, 'name': name}, quote_via=quote)}",
    )
