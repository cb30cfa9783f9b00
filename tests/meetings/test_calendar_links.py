"""One-tap subscribe links for a calendar feed (issue 13, finding 10)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chapter.meetings.calendar_links import subscribe_links, webcal_of

FEED = "https://chapter.example/calendar/AbC-12_x.ics"


def test_webcal_keeps_everything_but_the_scheme() -> None:
    assert webcal_of(FEED) == "webcal://chapter.example/calendar/AbC-12_x.ics"
    assert (
        webcal_of("http://localhost:5000/calendar/t.ics")
        == "webcal://localhost:5000/calendar/t.ics"
    )


def test_only_web_addresses_have_a_webcal_form() -> None:
    with pytest.raises(ValueError, match="not a web address"):
        webcal_of("ftp://chapter.example/calendar/t.ics")


def test_google_adds_the_webcal_address_by_url() -> None:
    google = subscribe_links(FEED, "Home: my meetings").google
    assert google.startswith("https://calendar.google.com/calendar/r?cid=webcal%3A%2F%2F")
    assert parse_qs(urlsplit(google).query) == {"cid": [webcal_of(FEED)]}


def test_outlook_adds_from_the_web_with_a_name() -> None:
    outlook = subscribe_links(FEED, "Home & Co: my meetings").outlook
    assert outlook.startswith("https://outlook.live.com/calendar/0/addfromweb?")
    assert parse_qs(urlsplit(outlook).query) == {
        "url": [FEED],
        "name": ["Home & Co: my meetings"],
    }


tokens = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", min_size=1
)


@given(tokens, st.text(min_size=1, max_size=60))
def test_every_link_carries_the_feed_exactly(token: str, name: str) -> None:
    address = f"https://chapter.example/calendar/{token}.ics"
    links = subscribe_links(address, name)
    assert links.address == address
    assert links.webcal == f"webcal://chapter.example/calendar/{token}.ics"
    assert parse_qs(urlsplit(links.google).query)["cid"] == [links.webcal]
    query = parse_qs(urlsplit(links.outlook).query, keep_blank_values=True)
    assert query["url"] == [address]
    assert query["name"] == [name]
