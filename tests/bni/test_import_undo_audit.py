"""Undoing an import goes through the services a leader's manual changes use: each row it
voids and each member it marks as left gets its own audit record, under the same action names
as a manual void (``referrals.void_slip``) or status change (``members.change_status``)."""

from __future__ import annotations

import pytest

from chapter.bni import import_writes
from chapter.bni.models import ImportBatch, OpeningBalance
from chapter.extensions import db
from chapter.ledger import referrals
from chapter.ledger.models import EducationCredit, OneToOne, ReferralSlip, ThankYou
from chapter.members import service as members
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.platform.audit_models import AuditEvent
from tests.support.import_helpers import (
    MEETING,
    NOW,
    PALMS_US_RANGE,
    SLIPS_SMALL,
    add_member,
    chapter_with_leader,
    create_unknown,
    preview,
)

VOIDED = (ReferralSlip, ThankYou, OneToOne, EducationCredit, OpeningBalance)


@pytest.fixture
def home(in_app):
    return chapter_with_leader()


def confirmed(plan, leader) -> ImportBatch:
    batch = import_writes.confirm(plan, actor=leader.user, now=NOW)
    db.session.commit()
    return batch


def events_since(first_id: int) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            db.select(AuditEvent).where(AuditEvent.id > first_id).order_by(AuditEvent.id)
        )
    )


def last_event_id() -> int:
    return db.session.scalar(db.select(db.func.max(AuditEvent.id))) or 0


def manual_actions(chapter, leader) -> tuple[str, str]:
    """The action names a leader's own void of a slip and marking a member as left record."""
    anna, carl = add_member(chapter, "Anna", "Manual"), add_member(chapter, "Carl", "Manual")
    slip = ReferralSlip(
        chapter_id=chapter.id,
        giver_id=anna.id,
        receiver_id=carl.id,
        week_on=NOW.date(),
        passed_at=NOW,
        kind="inside",
        prospect_name="Someone",
        warmth=3,
    )
    db.session.add(slip)
    db.session.flush()
    start = last_event_id()
    referrals.void_slip(slip, leader, "Typed twice", now=NOW)
    members.change_status(anna, MemberStatus.LEFT, actor=leader.user, today=NOW.date())
    void, left = (event.action for event in events_since(start))
    return void, left


@pytest.mark.parametrize(
    ("fixture", "options"),
    [(SLIPS_SMALL, {"meeting_on": MEETING}), (PALMS_US_RANGE, {})],
    ids=["slips-audit", "summary-over-a-range"],
)
def test_undo_audits_each_voided_row_and_each_member_marked_left(home, fixture, options) -> None:
    chapter, leader = home
    slip_voided, member_left = manual_actions(chapter, leader)
    db.session.commit()
    batch = confirmed(create_unknown(preview(chapter, leader, fixture), **options), leader)
    rows = {
        (model.__name__, row.id)
        for model in VOIDED
        for row in db.session.scalars(db.select(model).where(model.import_batch_id == batch.id))
    }
    created = db.session.scalars(db.select(Member).where(Member.import_batch_id == batch.id)).all()
    assert rows
    assert created
    start = last_event_id()

    counts = import_writes.undo(batch, actor=leader.user, now=NOW)
    db.session.commit()

    events = events_since(start)
    assert all(event.actor_id == leader.user_id for event in events)
    assert all(event.chapter_id == chapter.id for event in events)
    voided = [event for event in events if event.action.endswith(".voided")]
    assert {(event.subject_type, event.subject_id) for event in voided} == rows
    assert len(voided) == len(rows) == sum(counts[model.__tablename__] for model in VOIDED)
    for event in voided:
        assert event.action == f"{event.subject_type.lower()}.voided"
        if event.subject_type == "ReferralSlip":
            assert event.action == slip_voided  # the name a leader's own void records
        assert event.before == {"voided": False}
        assert event.after == {"voided": True, "reason": f"Import {batch.id} undone"}

    left = [event for event in events if event.subject_type == "Member"]
    assert {event.action for event in left} == {member_left}  # "member.left", as by hand
    assert sorted(event.subject_id for event in left) == sorted(m.id for m in created)
    assert len(left) == counts["members_marked_left"] == len(created)
    for event in left:
        assert (event.before["status"], event.after["status"]) == ("active", "left")
        # they leave on the day they joined, so no roster of the meantime lists them
        assert event.after["left_on"] == event.after["joined_on"]

    others = [e.action for e in events if e not in voided and e not in left]
    if batch.counts["meeting_added"]:  # the meeting only the import knew of goes too
        assert others == ["roster.reopened", "meeting.cancelled", "import.undone"]
    else:
        assert others == ["import.undone"]
