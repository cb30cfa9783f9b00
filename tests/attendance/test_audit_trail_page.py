"""A meeting's audit trail reads as sentences ("Leila Haddad: Absent → Substitute (Tom Ray)"),
in the chapter's time zone, with readable action names, the raw record behind a toggle, and
a fixed number of queries however long the trail is."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from flask import Flask
from flask.testing import FlaskClient

from chapter.extensions import db
from chapter.platform.audit_models import AuditEvent
from tests.conftest import People, count_queries, login_as
from tests.support.attendance_factories import (
    add_member,
    full_name,
    held_meeting,
    past_wednesdays,
    roster_form,
    visible,
)


def save(client: FlaskClient, meeting_id: int, version: int, rows: list[dict[str, object]]):
    response = client.post(f"/meetings/{meeting_id}/roster", data=roster_form(version, rows))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def entries(response) -> list[str]:
    """The text of each entry of the trail, raw record toggles left out."""
    page = re.sub(r"<details.*?</details>", "", response.get_data(as_text=True), flags=re.S)
    items = page.split("</ol>")[0].split('<li class="list-group-item">')[1:]
    return [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]


def test_the_trail_reads_as_sentences_in_the_chapters_time_zone(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)
    login_as(client, people.leader)
    member = people.member.member_id
    save(client, meeting_id, 0, [{"member_id": member, "status": "A"}])
    save(
        client,
        meeting_id,
        1,
        [{"member_id": member, "status": "S", "substitute_name": "Tom Ray", "note": "Away"}],
    )
    with app.app_context():
        first, second = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
        first.created_at = datetime(2026, 7, 1, 6, 42, tzinfo=UTC)  # 07:42 in London (BST)
        second.created_at = datetime(2026, 12, 2, 6, 50, tzinfo=UTC)  # 06:50 in London (GMT)
        db.session.commit()

    response = client.get(f"/meetings/{meeting_id}/audit")
    assert response.status_code == 200
    name, leader = full_name(app, member), full_name(app, people.leader.member_id)
    assert entries(response) == [
        f"Roster saved as a draft 1 Jul 2026, 07:42 · {leader} {name}: Absent",
        f"Roster saved as a draft 2 Dec 2026, 06:50 · {leader} "
        f"{name}: Absent → Substitute (Tom Ray), note “Away”",
    ]
    page = visible(response)
    assert "Times are Europe/London time." in page
    # The codes and the raw JSON are still there for a leader, behind a toggle ...
    details = re.findall(r"<details.*?</details>", response.get_data(as_text=True), re.S)
    assert len(details) == 2
    assert "<summary>Raw record</summary>" in details[1]
    assert "roster.saved" in details[1]
    assert f"&#34;{member}&#34;" in details[1] or f'"{member}"' in details[1]
    # ... and nowhere else.
    outside = "".join(entries(response))
    assert "roster.saved" not in outside
    assert "substitute_id" not in outside


def test_the_trail_resolves_names_in_a_fixed_number_of_queries(
    app: Flask, client: FlaskClient, people: People
) -> None:
    meeting_id = held_meeting(app, people.leader.chapter_id, past_wednesdays(1)[0], completed=False)
    login_as(client, people.leader)
    path = f"/meetings/{meeting_id}/audit"
    crew = [people.member.member_id]
    save(client, meeting_id, 0, [{"member_id": crew[0], "status": "S", "substitute_name": "S0"}])
    client.get(path)  # warm up
    with count_queries(app) as short:
        response = client.get(path)
    assert len(entries(response)) == 1
    crew += [add_member(app, people.leader.chapter_id).member_id for _ in range(8)]
    for version in range(1, 9):
        rows = [
            {"member_id": m, "status": "S", "substitute_name": f"Sub {version}-{i}"}
            for i, m in enumerate(crew)
        ]
        save(client, meeting_id, version, rows)
    with count_queries(app) as long:
        response = client.get(path)
    assert len(entries(response)) == 9
    assert "Sub 8-8" in visible(response)
    assert len(long) == len(short), "\n".join(long)
