"""The one home of voiding a ledger entry (chapter.ledger.voids.void_entry): it voids once,
refuses a second void and a blank reason, and audits every void with before and after."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chapter.bni.models import OpeningBalance
from chapter.errors import RuleViolation
from chapter.extensions import db
from chapter.ledger import referrals, voids
from chapter.members.roles import Position
from chapter.platform.audit_models import AuditEvent
from tests.support import factories
from tests.support.referral_helpers import (
    EducationFactory,
    OneToOneFactory,
    SlipFactory,
    ThankYouFactory,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def pair(in_app):
    chapter = factories.ChapterFactory()
    leader = factories.MemberFactory(chapter=chapter, position=Position.PRESIDENT)
    member = factories.MemberFactory(chapter=chapter)
    db.session.flush()
    return chapter, leader, member


def make(kind: str, chapter, leader, member):
    """One entry of each kind the ledger voids, written by ``member``."""
    common = {"chapter_id": chapter.id}
    if kind == "slip":
        return SlipFactory(**common, giver_id=member.id, receiver_id=leader.id)
    if kind == "thank-you":
        return ThankYouFactory(**common, giver_id=leader.id, thanker_id=member.id)
    if kind == "one-to-one":
        return OneToOneFactory(**common, logged_by_id=member.id, other_id=leader.id)
    if kind == "education credit":
        return EducationFactory(**common, member_id=member.id)
    balance = OpeningBalance(
        chapter_id=chapter.id,
        member_id=member.id,
        starts_on=date(2025, 10, 1),
        ends_on=date(2026, 2, 25),
    )
    db.session.add(balance)
    db.session.flush()
    return balance


def audit_of(entry) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(
                AuditEvent.subject_type == type(entry).__name__,
                AuditEvent.subject_id == entry.id,
            )
            .order_by(AuditEvent.id)
        )
    )


KINDS = ["slip", "thank-you", "one-to-one", "education credit", "opening balance"]


@pytest.mark.parametrize("kind", KINDS)
def test_void_entry_voids_once_and_audits_before_and_after(pair, kind) -> None:
    chapter, leader, member = pair
    entry = make(kind, chapter, leader, member)

    voids.void_entry(entry, actor=leader.user, reason="  Entered twice  ", now=NOW)

    assert entry.voided_at == NOW
    if kind != "opening balance":  # a balance has no by/why columns: its audit row keeps them
        assert (entry.voided_by_id, entry.void_reason) == (leader.user_id, "Entered twice")
    [event] = audit_of(entry)
    assert event.action == f"{type(entry).__name__.lower()}.voided"
    assert (event.actor_id, event.chapter_id) == (leader.user_id, chapter.id)
    assert event.before == {"voided": False}
    assert event.after == {"voided": True, "reason": "Entered twice"}


@pytest.mark.parametrize("kind", KINDS)
def test_a_second_void_is_refused_and_writes_nothing(pair, kind) -> None:
    chapter, leader, member = pair
    entry = make(kind, chapter, leader, member)
    voids.void_entry(entry, actor=leader.user, reason="Entered twice", now=NOW)

    with pytest.raises(RuleViolation, match=f"This {kind} is already voided"):
        voids.void_entry(entry, actor=member.user, reason="Again", now=NOW + timedelta(hours=1))

    assert entry.voided_at == NOW
    if kind != "opening balance":
        assert (entry.voided_by_id, entry.void_reason) == (leader.user_id, "Entered twice")
    assert len(audit_of(entry)) == 1


def test_a_void_needs_a_reason(pair) -> None:
    chapter, leader, member = pair
    slip = make("slip", chapter, leader, member)

    with pytest.raises(RuleViolation, match="Say why the slip is voided") as refused:
        voids.void_entry(slip, actor=leader.user, reason="   ", now=NOW)

    assert refused.value.field == "reason"
    assert (slip.voided_at, audit_of(slip)) == (None, [])


def test_who_may_void_stays_with_the_member_facing_path(pair) -> None:
    """``void_entry`` writes whoever asks (an import undone by a leader); a member's own void
    goes through ``may_void`` first and then the same home, with the same audit row."""
    chapter, leader, member = pair
    slip = make("slip", chapter, leader, member)
    slip.passed_at = NOW - timedelta(days=8)  # past the giver's seven days

    with pytest.raises(RuleViolation, match="Only its author"):
        referrals.void_slip(slip, member, "Wrong person", now=NOW)
    assert (slip.voided_at, audit_of(slip)) == (None, [])

    referrals.void_slip(slip, leader, "Wrong person", now=NOW)
    [event] = audit_of(slip)
    assert (event.action, event.actor_id) == ("referralslip.voided", leader.user_id)
    assert event.after == {"voided": True, "reason": "Wrong person"}
