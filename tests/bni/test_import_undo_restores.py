"""Undo puts the chapter back as it was before the batch: the members it created are listed
nowhere (kept, left on the day they joined), the meeting it added is cancelled unless
something else uses it, the roster it completed is reopened, and a later import says whom it
would bring back (and its own undo sends them back again). Every change is audited through
the services a leader's own changes use."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func

from chapter.attendance import service as attendance
from chapter.bni import import_writes
from chapter.bni.models import ImportBatch
from chapter.extensions import db
from chapter.meetings.models import Meeting
from chapter.members import service as members
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.platform.audit_models import AuditEvent
from tests.support.import_helpers import (
    MEETING,
    NOW,
    PALMS_UAE,
    PALMS_US_RANGE,
    PALMS_US_WEEK,
    SLIP_HEADER,
    SLIPS_SMALL,
    SLIPS_UAE,
    SLIPS_XLSX,
    WEEK_MEETING,
    add_member,
    chapter_with_leader,
    create_unknown,
    csv_bytes,
    preview,
)

UAE_MONTH = (date(2025, 8, 1), date(2025, 8, 31))
FIXTURE_OPTIONS = {
    PALMS_UAE: {"period": UAE_MONTH},
    PALMS_US_RANGE: {},
    PALMS_US_WEEK: {},
    SLIPS_UAE: {"meeting_on": MEETING},
    SLIPS_SMALL: {"meeting_on": MEETING},
    SLIPS_XLSX: {},
}


@pytest.fixture
def home(in_app):
    return chapter_with_leader()


def imported(chapter, leader, fixture: str, **options) -> ImportBatch:
    plan = create_unknown(preview(chapter, leader, fixture, **options), **options)
    assert plan.ready, plan.refusals
    batch = import_writes.confirm(plan, actor=leader.user, now=NOW)
    db.session.commit()
    return batch


def undone(batch: ImportBatch, leader) -> dict[str, int]:
    counts = import_writes.undo(batch, actor=leader.user, now=NOW)
    db.session.commit()
    return counts


def active_ids(chapter_id: int) -> set[int]:
    return set(
        db.session.scalars(
            db.select(Member.id).where(
                Member.chapter_id == chapter_id, Member.status == MemberStatus.ACTIVE
            )
        )
    )


def held_meetings(chapter_id: int) -> set[date]:
    return set(
        db.session.scalars(
            db.select(Meeting.meets_on).where(
                Meeting.chapter_id == chapter_id, Meeting.is_cancelled.is_(False)
            )
        )
    )


def meeting_count(chapter_id: int) -> int:
    return db.session.scalar(
        db.select(func.count()).select_from(Meeting).where(Meeting.chapter_id == chapter_id)
    )


@pytest.mark.parametrize("fixture", list(FIXTURE_OPTIONS))
def test_import_undo_import_undo_leaves_no_member_active_and_no_meeting_that_was_not_there(
    home, fixture
) -> None:
    chapter, leader = home
    options = FIXTURE_OPTIONS[fixture]
    active_before, held_before = active_ids(chapter.id), held_meetings(chapter.id)

    first = imported(chapter, leader, fixture, **options)
    created = db.session.scalar(
        db.select(func.count()).select_from(Member).where(Member.import_batch_id == first.id)
    )
    assert created > 0
    undone(first, leader)
    assert active_ids(chapter.id) == active_before
    assert held_meetings(chapter.id) == held_before

    again = create_unknown(preview(chapter, leader, fixture, **options), **options)
    assert again.ready, again.refusals
    assert {p.member_id for p in again.reactivates} == {
        m.id
        for m in db.session.scalars(db.select(Member).where(Member.import_batch_id == first.id))
    }  # the preview says whom it brings back: everyone the first one created
    second = import_writes.confirm(again, actor=leader.user, now=NOW)
    db.session.commit()
    assert second is not None
    assert len(active_ids(chapter.id)) == len(active_before) + created  # nobody doubled
    undone(second, leader)

    assert active_ids(chapter.id) == active_before
    assert held_meetings(chapter.id) == held_before
    assert db.session.scalar(db.select(func.count()).select_from(Member)) == created + 1
    assert members.status_counts(chapter.id) == {
        MemberStatus.ACTIVE: 1,
        MemberStatus.ON_LEAVE: 0,
        MemberStatus.LEFT: 0,  # kept in the history, counted nowhere
    }


def test_a_later_import_names_whom_it_brings_back_and_its_undo_sends_them_back(home) -> None:
    """The issue's case: a summary creates 43 members; undone; a Slips Audit of the same
    chapter brought 42 of them back silently, and its undo left them active."""
    chapter, leader = home
    summary = imported(chapter, leader, PALMS_UAE, period=UAE_MONTH)
    created = summary.counts["new"]["members"]
    assert created == 43
    undone(summary, leader)

    plan = preview(chapter, leader, SLIPS_UAE, meeting_on=MEETING)
    returning = {person.name for person in plan.reactivates}
    assert len(returning) == 42  # said on the preview, by name
    plan = create_unknown(plan, meeting_on=MEETING)
    start = db.session.scalar(db.select(func.max(AuditEvent.id)))
    slips = import_writes.confirm(plan, actor=leader.user, now=NOW)
    db.session.commit()
    back = db.session.scalars(
        db.select(AuditEvent).where(AuditEvent.id > start, AuditEvent.action == "member.active")
    ).all()
    assert len(back) == 42  # each through members.change_status, audited
    assert slips.counts["reactivated"] == sorted(event.subject_id for event in back)

    counts = undone(slips, leader)
    assert counts["returned_to_left"] == 42
    assert active_ids(chapter.id) == {leader.id}


def test_members_an_undone_import_created_are_listed_nowhere(home) -> None:
    chapter, leader = home
    batch = imported(chapter, leader, SLIPS_SMALL, meeting_on=MEETING)
    undone(batch, leader)
    only_leader = [leader.id]
    assert [m.id for m in db.session.scalars(members.directory_query(chapter.id))] == only_leader
    assert [m.id for m in db.session.scalars(members.admin_query(chapter.id))] == only_leader
    left = members.admin_query(chapter.id, MemberStatus.LEFT)
    assert db.session.scalars(left).all() == []
    assert members.sponsor_choices(chapter.id) == [(leader.id, leader.full_name)]
    assert [i for i, _ in members.active_choices(chapter.id)] == only_leader
    # the roster of any meeting since lists nobody the import added
    meeting = Meeting(
        chapter_id=chapter.id, meets_on=date(2025, 9, 3), starts_at=NOW, scheduled_on=None
    )
    db.session.add(meeting)
    db.session.flush()
    roster = attendance.load_roster(meeting, chapter, NOW.date())
    assert [line.member.id for line in roster.lines] == only_leader
    # kept, with their history: the voided entries still name them
    kept = db.session.scalars(db.select(Member).where(Member.import_batch_id == batch.id)).all()
    assert len(kept) == 16
    assert {(m.status, m.left_on) for m in kept} == {(MemberStatus.LEFT, MEETING)}


def test_confirm_completes_the_roster_through_the_attendance_service(home) -> None:
    chapter, leader = home
    batch = imported(chapter, leader, PALMS_US_WEEK)
    meeting = db.session.get(Meeting, batch.meeting_id)
    assert meeting.roster_is_completed
    assert (batch.counts["meeting_added"], batch.counts["roster_completed"]) == (True, True)
    event = db.session.scalars(
        db.select(AuditEvent).where(
            AuditEvent.action == "roster.completed", AuditEvent.subject_id == meeting.id
        )
    ).one()
    assert event.actor_id == leader.user_id
    assert event.after == {"members": 34, "visitors": 0, "file": PALMS_US_WEEK}


def test_a_meeting_another_import_uses_stays_and_its_roster_reopens(home) -> None:
    chapter, leader = home
    week = imported(chapter, leader, PALMS_US_WEEK)
    people = [("Bob Bookkeeper", "Carla Contractor"), ("Carla Contractor", "Bob Bookkeeper")]
    slips = csv_bytes(
        SLIP_HEADER,
        [[giver, receiver, "Referral", "Inside", "", "", ""] for giver, receiver in people],
    )
    plan = preview(chapter, leader, data=slips, filename="slips.csv", meeting_on=WEEK_MEETING)
    plan = create_unknown(plan, meeting_on=WEEK_MEETING)
    other = import_writes.confirm(plan, actor=leader.user, now=NOW)
    db.session.commit()
    assert other.meeting_id == week.meeting_id
    assert other.counts["meeting_added"] is False

    page = import_writes.undoing(week)
    assert (page.cancels_meeting, page.reopens_roster, page.attendance) == (False, True, 34)
    counts = undone(week, leader)
    meeting = db.session.get(Meeting, week.meeting_id)
    assert (meeting.is_cancelled, meeting.roster_is_completed) == (False, False)
    assert (counts["meeting_cancelled"], counts["roster_reopened"]) == (0, 1)

    # once nothing else uses it, undoing the other import cancels it (audited)
    undone(other, leader)
    assert db.session.get(Meeting, week.meeting_id).is_cancelled is False  # it did not add it


def test_someone_whose_classification_is_taken_now_stays_left_and_the_preview_says_so(
    home,
) -> None:
    chapter, leader = home
    batch = imported(chapter, leader, SLIPS_SMALL, meeting_on=MEETING)
    one = db.session.scalars(
        db.select(Member).where(Member.import_batch_id == batch.id).order_by(Member.id)
    ).first()
    undone(batch, leader)
    holder = add_member(chapter, "Nina", "Newcomer", classification=one.classification)
    db.session.commit()

    plan = preview(chapter, leader, SLIPS_SMALL, meeting_on=MEETING)
    person = next(p for p in plan.returning if p.member_id == one.id)
    assert person.held_by == holder.full_name
    assert one.id not in {p.member_id for p in plan.reactivates}
    import_writes.confirm(create_unknown(plan, meeting_on=MEETING), actor=leader.user, now=NOW)
    db.session.commit()
    assert db.session.get(Member, one.id).status is MemberStatus.LEFT
