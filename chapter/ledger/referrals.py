"""Referral slips: passing, the receiver's inbox and status, voiding.

A slip goes from an active member to another active member of the same chapter, counts
toward the week of the next meeting not yet completed, and is never deleted (only voided).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func

from chapter.chapters.models import Chapter
from chapter.errors import NotFound, RuleViolation
from chapter.extensions import db
from chapter.ledger import voids
from chapter.ledger.models import ReferralSlip
from chapter.ledger.rules import SlipKind, SlipStatus, may_refer, may_void
from chapter.meetings import service as meetings
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.platform import notifications
from chapter.webhooks import payloads
from chapter.webhooks import service as webhooks
from chapter.webhooks.rules import EventKind


@dataclass(frozen=True)
class SlipDetails:
    receiver_id: int
    kind: SlipKind
    prospect_name: str
    prospect_phone: str
    prospect_email: str
    need: str
    warmth: int
    may_contact: bool


def active_colleague(chapter_id: int, member_id: int, field: str) -> Member:
    """An active member of the chapter (RuleViolation at ``field`` otherwise)."""
    member = db.session.scalar(
        db.select(Member).where(
            Member.id == member_id,
            Member.chapter_id == chapter_id,
            Member.status == MemberStatus.ACTIVE,
        )
    )
    if member is None:
        raise RuleViolation("Choose an active member of your chapter.", field=field)
    return member


CONTACT_REQUIRED = (
    "Give the prospect's phone or the prospect's e-mail: at least one of the two is required."
)


def pass_slip(
    giver: Member,
    chapter: Chapter,
    details: SlipDetails,
    *,
    now: datetime,
    form_key: str | None = None,
) -> ReferralSlip:
    """Pass a referral slip; the receiver is told (dashboard, and mail after the commit).

    ``form_key``: the one-time key of the form that sent it (unique: a form sent twice
    passes one slip; ``chapter.forms.saved_once``).
    """
    if not giver.is_active:
        raise RuleViolation("Only active members pass referrals.")
    if not may_refer(giver.id, details.receiver_id):
        raise RuleViolation("You cannot refer business to yourself.", field="receiver_id")
    receiver = active_colleague(chapter.id, details.receiver_id, "receiver_id")
    if not (details.prospect_phone.strip() or details.prospect_email.strip()):
        raise RuleViolation(CONTACT_REQUIRED, field="prospect_phone")
    if details.kind is SlipKind.OUTSIDE and not details.may_contact:
        raise RuleViolation(
            "An outside referral needs the prospect's agreement to be contacted.",
            field="may_contact",
        )
    week = meetings.week_for_entry(chapter, now)
    slip = ReferralSlip(
        chapter_id=chapter.id,
        giver_id=giver.id,
        receiver_id=receiver.id,
        meeting_id=week.meeting_id,
        week_on=week.week_on,
        passed_at=now,
        kind=details.kind,
        prospect_name=details.prospect_name.strip(),
        prospect_phone=details.prospect_phone.strip(),
        prospect_email=details.prospect_email.strip().lower(),
        need=details.need.strip(),
        warmth=details.warmth,
        may_contact=details.may_contact or details.kind is SlipKind.INSIDE,
        form_key=form_key,
    )
    db.session.add(slip)
    db.session.flush()
    notifications.notify(
        receiver, f"{giver.full_name} passed you a referral: {slip.prospect_name}.", "slip", slip.id
    )
    webhooks.record_event(
        chapter.id,
        EventKind.SLIP_PASSED,
        payloads.slip_passed(
            slip_id=slip.id,
            giver=webhooks.member_ref(giver),
            receiver=webhooks.member_ref(receiver),
            kind=slip.kind.value,
            warmth=slip.warmth,
            week_on=slip.week_on,
            passed_at=now,
        ),
        now=now,
    )
    return slip


def get_visible(member: Member, slip_id: int) -> ReferralSlip:
    """A slip its giver or receiver may read, or any slip of the chapter for a leader."""
    slip = db.session.get(ReferralSlip, slip_id)
    if slip is None or slip.chapter_id != member.chapter_id:
        raise NotFound("There is no such referral slip.")
    if member.id not in (slip.giver_id, slip.receiver_id) and not member.is_leader:
        raise NotFound("There is no such referral slip.")
    return slip


def inbox_query(member_id: int) -> Select[tuple[ReferralSlip]]:
    """Slips passed to the member, newest first (voided ones included, shown struck through)."""
    return (
        db.select(ReferralSlip)
        .where(ReferralSlip.receiver_id == member_id)
        .order_by(ReferralSlip.passed_at.desc(), ReferralSlip.id.desc())
    )


def given_query(member_id: int) -> Select[tuple[ReferralSlip]]:
    """Slips the member passed, newest first."""
    return (
        db.select(ReferralSlip)
        .where(ReferralSlip.giver_id == member_id)
        .order_by(ReferralSlip.passed_at.desc(), ReferralSlip.id.desc())
    )


def new_count(member_id: int) -> int:
    """Slips waiting for the receiver to act on (status new, not voided)."""
    return (
        db.session.scalar(
            db.select(func.count())
            .select_from(ReferralSlip)
            .where(
                ReferralSlip.receiver_id == member_id,
                ReferralSlip.status == SlipStatus.NEW,
                ReferralSlip.import_key.is_(None),  # imported history: nothing to act on
                ReferralSlip.voided_at.is_(None),
            )
        )
        or 0
    )


def update_status(
    slip: ReferralSlip, receiver: Member, status: SlipStatus, note: str, *, now: datetime
) -> None:
    """The receiver moves a slip on (contacted, closed won, closed lost); the giver is told."""
    if slip.receiver_id != receiver.id:
        raise RuleViolation("Only the member who received the slip changes its status.")
    if slip.is_voided:
        raise RuleViolation("This slip was voided.")
    if status is SlipStatus.NEW:
        raise RuleViolation("Choose contacted, closed won or closed lost.", field="status")
    slip.status = status
    slip.status_note = note.strip()
    slip.status_changed_at = now
    db.session.flush()
    giver = db.session.get(Member, slip.giver_id)
    assert giver is not None  # noqa: S101 - foreign key
    notifications.notify(
        giver,
        f"{receiver.full_name} marked your referral {slip.prospect_name} "
        f"as {status.label.lower()}.",
        "slip",
        slip.id,
    )
    webhooks.record_event(
        slip.chapter_id,
        EventKind.SLIP_STATUS_CHANGED,
        payloads.slip_status_changed(
            slip_id=slip.id,
            giver=webhooks.member_ref(giver),
            receiver=webhooks.member_ref(receiver),
            status=status.value,
            changed_at=now,
        ),
        now=now,
    )


def void_slip(slip: ReferralSlip, actor: Member, reason: str, *, now: datetime) -> None:
    """Void a slip: the giver within seven days, a leader at any time; always with a reason.

    The slip stays, struck through, and leaves every total. The void is audited.
    """
    void(
        slip,
        actor,
        reason,
        what="slip",
        author_id=slip.giver_id,
        created_at=slip.passed_at,
        now=now,
    )


def void(
    entry: voids.LedgerEntry,
    actor: Member,
    reason: str,
    *,
    what: str,
    author_id: int | None,
    created_at: datetime,
    now: datetime,
    leaders_may: bool = True,
) -> None:
    """A member's correction: its author within seven days (or a leader at any time, where
    ``leaders_may``), always with a reason; the entry stays, voided and audited
    (``voids.void_entry``)."""
    voids.refuse_if_voided(entry)
    if not may_void(
        is_leader=leaders_may and actor.is_leader,
        is_author=author_id == actor.id,
        created_at=created_at,
        now=now,
    ):
        who = (
            "its author (within 7 days) or a leader"
            if leaders_may
            else "its author, within 7 days,"
        )
        raise RuleViolation(f"Only {who} can void this {what}.")
    voids.void_entry(entry, actor=actor.user, reason=reason, now=now)
