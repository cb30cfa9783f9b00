"""Subscribing to the private calendar feeds (issue 13, finding 10): the address exists from
the first view, one-tap links for Apple/webcal, Google and Outlook, a copy button that
JavaScript only enhances, and a reset that says "the old one no longer works" only when there
was an old one."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from chapter.extensions import db
from chapter.meetings import calendar_feeds
from chapter.members.models import Member
from tests.conftest import People, login_as
from tests.support.attendance_factories import visible
from tests.support.rotation_helpers import (
    add_meetings,
    add_slot,
    chapter_token,
    feed_url,
    followed,
    member_token,
    wednesdays,
)


def links(response) -> list[str]:
    return [
        html.unescape(h) for h in re.findall(r'href="([^"]+)"', response.get_data(as_text=True))
    ]


def test_the_first_view_makes_my_address_and_offers_one_tap_subscribe_links(
    app: Flask, client: FlaskClient, people: People
) -> None:
    day = wednesdays(1)[0]
    add_slot(app, add_meetings(app, people.member.chapter_id, [day])[day], people.member.member_id)
    assert member_token(app, people.member.member_id) is None
    login_as(client, people.member)
    response = client.get("/rotation/")
    token = member_token(app, people.member.member_id)
    assert token
    address = f"http://localhost/calendar/{token}.ics"
    assert feed_url(response, "/calendar/") == f"/calendar/{token}.ics"
    hrefs = links(response)
    assert f"webcal://localhost/calendar/{token}.ics" in hrefs
    [google] = [h for h in hrefs if h.startswith("https://calendar.google.com/")]
    assert parse_qs(urlsplit(google).query) == {"cid": [f"webcal://localhost/calendar/{token}.ics"]}
    [outlook] = [h for h in hrefs if h.startswith("https://outlook.live.com/calendar/0/addfromweb")]
    assert parse_qs(urlsplit(outlook).query) == {
        "url": [address],
        "name": ["Home Chapter: my meetings"],
    }
    page = visible(response)
    for label in ("Apple Calendar", "Google Calendar", "Outlook.com", "Reset my calendar address"):
        assert label in page
    assert "Create my calendar address" not in page
    assert app.test_client().get(f"/calendar/{token}.ics").status_code == 200  # it works


def test_viewing_again_keeps_the_same_address(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    first = feed_url(client.get("/rotation/"), "/calendar/")
    assert feed_url(client.get("/rotation/"), "/calendar/") == first


def test_members_get_no_chapter_feed_leaders_get_both_on_first_view(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    client.get("/rotation/")
    assert chapter_token(app, people.member.chapter_id) is None
    login_as(client, people.leader)
    response = client.get("/rotation/")
    token = chapter_token(app, people.leader.chapter_id)
    assert feed_url(response, "/calendar/chapter/") == f"/calendar/chapter/{token}.ics"
    assert f"webcal://localhost/calendar/chapter/{token}.ics" in links(response)


def test_the_copy_button_is_an_enhancement_of_selectable_text(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    page = client.get("/rotation/").get_data(as_text=True)
    field = re.search(r'<input[^>]*id="member-feed"[^>]*>', page).group(0)
    assert "readonly" in field
    assert 'value="http://localhost/calendar/' in field
    assert re.search(r'<label[^>]*for="member-feed"', page)  # a labelled field
    button = re.search(r'<button[^>]*data-copy="member-feed"[^>]*>', page).group(0)
    assert " hidden" in button  # shown by the script only where copying works
    assert re.search(r'<script src="/static/copy\.js" defer></script>', page)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)  # no inline script
    assert " onclick=" not in page


def test_reset_says_the_old_address_stops_working_only_when_there_was_one(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.member)
    response = client.post("/rotation/feed/reset")  # never looked: nothing old to revoke
    page = followed(client, response)
    assert "Your calendar address is ready." in page
    assert "no longer works" not in page
    old = member_token(app, people.member.member_id)
    response = client.post("/rotation/feed/reset")
    assert "Your calendar address is new; the old one no longer works." in followed(
        client, response
    )
    assert app.test_client().get(f"/calendar/{old}.ics").status_code == 404


def test_chapter_reset_wording_follows_the_same_rule(
    app: Flask, client: FlaskClient, people: People
) -> None:
    login_as(client, people.leader)
    page = followed(client, client.post("/rotation/chapter-feed/reset"))
    assert "The chapter's calendar address is ready." in page
    assert "no longer works" not in page
    page = followed(client, client.post("/rotation/chapter-feed/reset"))
    assert "The chapter's calendar address is new; the old one no longer works." in page


def test_making_the_address_never_replaces_one_made_meanwhile(in_app, people: People) -> None:
    """Two first views at once: the second one's conditional write finds the first one's
    address and shows that instead of overwriting it."""
    member = db.session.get(Member, people.member.member_id)
    assert member.calendar_token is None  # loaded before the other request wrote
    db.session.execute(
        db.update(Member)
        .where(Member.id == member.id)
        .values(calendar_token="made-by-the-other-request")
        .execution_options(synchronize_session=False, chapter_touched=True)  # a stand-in write
    )
    assert calendar_feeds.ensure_member_token(member) == "made-by-the-other-request"
    assert calendar_feeds.ensure_member_token(member) == "made-by-the-other-request"
