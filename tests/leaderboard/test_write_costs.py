"""What a write costs: the roster's save-and-complete and a slip's POST run a fixed number of
queries whatever the chapter's size and history, load the roster once, and a draft roster
(which counts nowhere yet) does not recompute the week's summaries."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from chapter.attendance.rules import Palms
from chapter.extensions import db
from chapter.members.models import Member
from tests.conftest import People, count_queries, login_as
from tests.support.attendance_factories import chapter_today, roster_form
from tests.support.leaderboard_helpers import Week, add_members, record_week, wednesdays_before
from tests.support.referral_helpers import slip_form

SUMMARIES = ("weekly_totals", "chapter_weekly_totals", "chapter_running_totals")


def roster_post(
    app: Flask,
    client: FlaskClient,
    people: People,
    members: int,
    weeks_ago: int = 1,
    **buttons: str,
) -> list[str]:
    """A leader saves (and completes, with ``complete=...``) a past week's roster with every
    member present, after adding ``members`` members; the statements of that POST."""
    chapter_id = people.leader.chapter_id
    add_members(app, chapter_id, members)
    with app.app_context():
        extra = db.session.scalars(
            db.select(Member.id).where(
                Member.chapter_id == chapter_id,
                Member.id.not_in([people.leader.member_id, people.member.member_id]),
            )
        ).all()
    day = wednesdays_before(chapter_today(), weeks_ago)[-1]
    meeting_id = record_week(app, chapter_id, day, completed=False)
    everyone = [people.leader.member_id, people.member.member_id, *extra]
    rows = [{"member_id": member_id, "status": "P"} for member_id in everyone]
    login_as(client, people.leader)
    with count_queries(app) as statements:
        response = client.post(
            f"/meetings/{meeting_id}/roster", data=roster_form(0, rows, **buttons)
        )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return statements


def test_save_and_complete_loads_the_roster_once(
    app: Flask, client: FlaskClient, people: People
) -> None:
    statements = roster_post(app, client, people, 3, complete="Save and complete roster")
    attendance_reads = [
        s for s in statements if s.lstrip().startswith("SELECT attendance.id") and "meeting_id" in s
    ]
    assert len(attendance_reads) == 1


def test_save_and_complete_runs_the_same_queries_with_5_or_20_members(
    app: Flask, client: FlaskClient, people: People
) -> None:
    few = roster_post(app, client, people, 3, complete="Save and complete roster")
    assert any("chapter_running_totals" in s for s in few)  # the week is counted at once
    more = roster_post(app, client, people, 15, 2, complete="Save and complete roster")

    # On PostgreSQL the new attendance rows go in one batched INSERT; SQLite's driver cannot
    # return the ids of a batch in order, so there SQLAlchemy inserts them one by one.
    def besides_inserts(statements: list[str]) -> int:
        return sum(1 for s in statements if not s.startswith("INSERT INTO attendance"))

    assert besides_inserts(more) == besides_inserts(few)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            assert len(more) == len(few)


def test_a_draft_roster_save_does_not_recompute_the_summaries(
    app: Flask, client: FlaskClient, people: People
) -> None:
    statements = roster_post(app, client, people, 3)
    assert not [s for s in statements if any(table in s for table in SUMMARIES)]


def test_a_slip_runs_the_same_queries_with_2_or_30_weeks_of_history(
    app: Flask, client: FlaskClient, people: People
) -> None:
    chapter_id = people.leader.chapter_id
    ids = [people.leader.member_id, people.member.member_id]
    weeks = wednesdays_before(chapter_today(), 30)
    for day in weeks[:2]:
        record_week(app, chapter_id, day, Week(letters=dict.fromkeys(ids, Palms.PRESENT)))
    login_as(client, people.member)
    client.post("/referrals/new", data=slip_form(people.leader.member_id))  # plans the meetings
    with count_queries(app) as short:
        assert (
            client.post("/referrals/new", data=slip_form(people.leader.member_id)).status_code
            == 302
        )
    for day in weeks[2:]:
        record_week(app, chapter_id, day, Week(slips=[(ids[0], ids[1])] * 3))
    with count_queries(app) as long:
        assert (
            client.post("/referrals/new", data=slip_form(people.leader.member_id)).status_code
            == 302
        )
    assert len(long) == len(short)


def chapter_version(app: Flask, chapter_id: int) -> int:
    chapters = db.metadata.tables["chapters"]
    with app.app_context():
        return db.session.scalar(
            db.select(chapters.c.data_version).where(chapters.c.id == chapter_id)
        )


def test_a_slip_writes_its_chapter_row_once(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """The weekly summary takes the chapter's row and raises its data version in one
    statement; the page cache's commit hook does not write it again, and the region's stale
    mark is left to the window recount (which marks the chapter stale itself)."""
    chapter_id = people.member.chapter_id
    login_as(client, people.member)
    client.get("/leaderboard/")
    client.post("/referrals/new", data=slip_form(people.leader.member_id))  # plans the meetings
    before = chapter_version(app, chapter_id)
    with count_queries(app) as statements:
        assert (
            client.post("/referrals/new", data=slip_form(people.leader.member_id)).status_code
            == 302
        )
    assert len([s for s in statements if s.startswith("UPDATE chapters ")]) == 1
    assert not [s for s in statements if s.startswith("SELECT chapters.id")]  # no lock apart
    assert not [s for s in statements if s.startswith("UPDATE chapter_window_totals")]
    assert chapter_version(app, chapter_id) == before + 1


def test_a_draft_roster_raises_the_chapters_version_without_the_summary(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """A write the summary does not count (a draft roster) still raises the version, by the
    page cache's own commit hook."""
    chapter_id = people.leader.chapter_id
    before = chapter_version(app, chapter_id)
    statements = roster_post(app, client, people, 3)
    assert len([s for s in statements if s.startswith("UPDATE chapters ")]) == 1
    assert chapter_version(app, chapter_id) > before


def test_save_and_complete_reads_its_meeting_once(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """The roster's meeting is read by the route (and its form key looked up): the version
    claim writes the key with the version and reads nothing back, the page cache finds the
    meeting's chapter in the session, the redirect needs no reload."""
    statements = roster_post(app, client, people, 3, complete="Save and complete roster")
    by_id = [
        s for s in statements if s.startswith("SELECT meetings.id") and "WHERE meetings.id =" in s
    ]
    assert len(by_id) == 1
    assert not [s for s in statements if s.startswith("SELECT meetings.chapter_id")]
    assert len([s for s in statements if s.startswith("UPDATE meetings")]) == 2  # claim, complete


def test_save_and_complete_reads_only_what_a_save_needs(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """A save redirects, so nothing only a page shows is read: no member names for the
    visitors' "invited by" list, no six months of absences; the one-time form key is checked
    on the roster's own meeting, and the summary's hook takes that meeting from the session."""
    statements = roster_post(app, client, people, 3, complete="Save and complete roster")
    assert not [s for s in statements if s.startswith("SELECT members.id, users.first_name")]
    assert not [
        s for s in statements if s.startswith("SELECT attendance.member_id, meetings.meets_on")
    ]
    assert not [s for s in statements if "meetings.roster_form_key =" in s]
    hook_reads = [
        s
        for s in statements
        if s.startswith("SELECT meetings.id, meetings.chapter_id, meetings.meets_on, meetings.ro")
    ]
    assert not hook_reads


def test_the_summary_is_summed_in_the_database(
    app: Flask, client: FlaskClient, people: People
) -> None:
    """A completed week is written by one INSERT ... SELECT (no aggregate rows read back),
    and its running totals are summed from one read."""
    statements = roster_post(app, client, people, 3, complete="Save and complete roster")
    weekly = [s for s in statements if s.startswith("INSERT INTO weekly_totals")]
    assert len(weekly) == 1
    assert "SELECT" in weekly[0]
    assert not [s for s in statements if s.startswith("SELECT referral_slips.giver_id")]
    running_reads = [
        s for s in statements if s.startswith("SELECT") and "chapter_running_totals" in s
    ]
    assert len(running_reads) == 1
