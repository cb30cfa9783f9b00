"""A refused roster save is never silent: an error summary at the top names every row that
needs attention and links to it, those rows render open, everything typed is kept; a saved
draft says when it was saved, in the chapter's time zone."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from chapter.attendance.guest_models import Guest
from chapter.extensions import db
from chapter.platform.audit_models import AuditEvent
from tests.conftest import People, login_as
from tests.support.attendance_factories import (
    HOME_ZONE,
    checked_letters,
    count_of,
    full_name,
    held_meeting,
    input_value,
    meeting_state,
    past_wednesdays,
    roster_form,
    stored_letters,
    visible,
)


def summary_links(response) -> list[tuple[str, str]]:
    """(href, link text) of each link in the error summary, in order."""
    page = response.get_data(as_text=True)
    match = re.search(r'<div class="alert alert-danger error-summary[^>]*>(.*?)</div>', page, re.S)
    assert match, "the page has no error summary"
    return [
        (href, html.unescape(re.sub(r"<[^>]+>", "", label)))
        for href, label in re.findall(r'<a class="alert-link" href="([^"]+)">(.*?)</a>', match[1])
    ]


def summary_tag(response) -> str:
    tag = re.search(r'<div class="alert alert-danger error-summary[^>]*>', response.get_data(True))
    assert tag, "the page has no error summary"
    return tag.group(0)


def fieldset_of(response, member_id: int) -> str:
    tag = re.search(rf'<fieldset [^>]*id="member-{member_id}"[^>]*>', response.get_data(True))
    assert tag, f"member {member_id} has no row"
    return tag.group(0)


def draft_meeting(app: Flask, people: People) -> int:
    return held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)


def test_a_refused_save_lists_every_row_that_needs_attention_and_keeps_what_was_typed(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = draft_meeting(app, people)
    login_as(client, people.leader)
    rows = [
        {
            "member_id": people.leader.member_id,
            "status": "S",
            "substitute_name": "Sam Stand-in",
            "substitute_email": "sam-at-nowhere",
        },
        {"member_id": people.member.member_id, "status": "S", "substitute_business": "Ray Ltd"},
    ]
    visitors = [{"name": ""}, {"name": "", "email": "only@visitor.example"}, {"name": ""}]
    response = client.post(f"/meetings/{meeting_id}/roster", data=roster_form(0, rows, visitors))

    assert response.status_code == 422
    page = visible(response)
    assert "3 rows need attention" in page
    leader, member = (
        full_name(app, people.leader.member_id),
        full_name(app, people.member.member_id),
    )
    assert summary_links(response) == [
        ("#rows-0-substitute_email", f"{leader}: Invalid email address."),
        (
            "#rows-1-substitute_name",
            f"{member}: Enter the substitute's name (or choose another letter).",
        ),
        ("#visitors-1-name", "New visitor 2: Enter the visitor's name."),
    ]
    # Where the focus goes without a script, and with one (static/roster.js).
    assert 'tabindex="-1"' in summary_tag(response)
    assert 'id="error-summary"' in summary_tag(response)
    assert "<title>Error: Roster" in response.get_data(as_text=True)
    assert "roster-row-invalid" in fieldset_of(response, people.leader.member_id)
    assert "roster-row-invalid" in fieldset_of(response, people.member.member_id)
    # Everything typed is still there.
    assert checked_letters(response) == {
        people.leader.member_id: "S",
        people.member.member_id: "S",
    }
    assert input_value(response, "rows-0-substitute_name") == "Sam Stand-in"
    assert input_value(response, "rows-0-substitute_email") == "sam-at-nowhere"
    assert input_value(response, "rows-1-substitute_business") == "Ray Ltd"
    assert input_value(response, "visitors-1-email") == "only@visitor.example"
    # ... and nothing is saved.
    assert stored_letters(app, meeting_id) == {}
    assert count_of(app, Guest) == 0
    assert meeting_state(app, meeting_id)["version"] == 0


def test_one_row_in_error_says_one_row_needs_attention(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = draft_meeting(app, people)
    login_as(client, people.leader)
    rows = [{"member_id": people.member.member_id, "status": "S"}]
    response = client.post(f"/meetings/{meeting_id}/roster", data=roster_form(0, rows))
    assert response.status_code == 422
    assert "1 row needs attention" in visible(response)
    assert [href for href, _ in summary_links(response)] == ["#rows-0-substitute_name"]


def test_a_row_whose_error_is_in_a_collapsed_part_renders_open(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = draft_meeting(app, people)
    login_as(client, people.leader)
    rows = [{"member_id": people.member.member_id, "status": "P", "note": "n" * 201}]
    response = client.post(f"/meetings/{meeting_id}/roster", data=roster_form(0, rows))
    assert response.status_code == 422
    assert [href for href, _ in summary_links(response)] == ["#rows-0-note"]
    page = response.get_data(as_text=True)
    details = page[: page.index('id="rows-0-note"')].rsplit("<details", 1)[1]
    assert details.startswith(' class="mt-2" open>'), details[:40]


def test_a_good_save_shows_no_error_summary(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = draft_meeting(app, people)
    login_as(client, people.leader)
    rows = [{"member_id": people.member.member_id, "status": "P"}]
    response = client.post(f"/meetings/{meeting_id}/roster", data=roster_form(0, rows))
    assert response.status_code == 302
    page = client.get(response.headers["Location"])
    assert "need attention" not in visible(page)
    assert "error-summary" not in page.get_data(as_text=True)


def test_a_saved_draft_says_when_it_was_saved_in_the_chapters_time_zone(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = draft_meeting(app, people)
    login_as(client, people.leader)
    assert "Saved at" not in visible(client.get(f"/meetings/{meeting_id}/roster"))
    rows = [{"member_id": people.member.member_id, "status": "P"}]
    response = client.post(f"/meetings/{meeting_id}/roster", data=roster_form(0, rows))
    page = visible(client.get(response.headers["Location"]))
    with app.app_context():
        event = db.session.scalars(db.select(AuditEvent)).one()
        saved_at = event.created_at.astimezone(HOME_ZONE)
        # A save on another day names the day too; 06:42 UTC in July is 07:42 in London.
        event.created_at = datetime(2026, 7, 1, 6, 42, tzinfo=UTC)
        db.session.commit()
    leader = full_name(app, people.leader.member_id)
    assert f"Saved at {saved_at:%H:%M} by {leader}." in page
    page = visible(client.get(f"/meetings/{meeting_id}/roster"))
    assert f"Saved on 1 Jul 2026 at 07:42 by {leader}." in page
