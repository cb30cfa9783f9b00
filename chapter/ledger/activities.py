"""One-to-ones and education credits."""

from __future__ import annotations

from datetime import date, datetime

from chapter.chapters.models import Chapter
from chapter.errors import NotFound, RuleViolation
from chapter.extensions import db
from chapter.ledger import referrals
from chapter.ledger.models import EducationCredit, OneToOne
from chapter.ledger.rules import entry_date_problem, may_refer
from chapter.meetings import service as meetings
from chapter.members.models import Member
from chapter.platform import notifications
from chapter.webhooks import payloads
from chapter.webhooks import service as webhooks
from chapter.webhooks.rules import EventKind


def log_one_to_one(
    member: Member,
    chapter: Chapter,
    other_id: int,
    met_on: date,
    place: str,
    notes: str,
    *,
    today: date,
    now: datetime,
    form_key: str | None = None,
) -> OneToOne:
    """Log a one-to-one with another active member; it appears for both, who is told.
    ``form_key``: the sending form's one-time key."""
    if not may_refer(member.id, other_id):
        raise RuleViolation("A one-to-one is with another member.", field="other_id")
    other = referrals.active_colleague(chapter.id, other_id, "other_id")
    if problem := entry_date_problem(met_on, today):
        raise RuleViolation(problem, field="met_on")
    week = meetings.week_for_entry(chapter, now)
    entry = OneToOne(
        chapter_id=chapter.id,
        logged_by_id=member.id,
        other_id=other.id,
        met_on=met_on,
        place=place.strip(),
        notes=notes.strip(),
        meeting_id=week.meeting_id,
        week_on=week.week_on,
        form_key=form_key,
    )
    db.session.add(entry)
    db.session.flush()
    notifications.notify(
        other,
        f"{member.full_name} logged a one-to-one with you on {met_on:%d %b %Y}.",
        "one_to_one",
        entry.id,
    )
    webhooks.record_event(
        chapter.id,
        EventKind.ONE_TO_ONE_LOGGED,
        payloads.one_to_one_logged(
            one_to_one_id=entry.id,
            logged_by=webhooks.member_ref(member),
            other=webhooks.member_ref(other),
            met_on=met_on,
            week_on=entry.week_on,
        ),
        now=now,
    )
    return entry


def get_one_to_one(member: Member, entry_id: int) -> OneToOne:
    """A one-to-one the member took part in (or any of the chapter's, for a leader)."""
    entry = db.session.get(OneToOne, entry_id)
    if entry is None or entry.chapter_id != member.chapter_id:
        raise NotFound("There is no such one-to-one.")
    if member.id not in (entry.logged_by_id, entry.other_id) and not member.is_leader:
        raise NotFound("There is no such one-to-one.")
    return entry


def dispute(entry: OneToOne, member: Member, reason: str, *, now: datetime) -> None:
    """The other member says the entry is wrong; it stays, marked disputed, for a leader."""
    if entry.other_id != member.id:
        raise RuleViolation("Only the other member of a one-to-one can dispute it.")
    if entry.disputed_at is not None:
        raise RuleViolation("You already disputed this one-to-one.")
    if not reason.strip():
        raise RuleViolation("Say what is wrong.", field="reason")
    entry.disputed_at = now
    entry.dispute_reason = reason.strip()
    db.session.flush()


def void_one_to_one(entry: OneToOne, actor: Member, reason: str, *, now: datetime) -> None:
    """The member who logged it (within 7 days) or a leader voids a one-to-one."""
    referrals.void(
        entry,
        actor,
        reason,
        what="one-to-one",
        author_id=entry.logged_by_id,
        created_at=entry.created_at,
        now=now,
    )


def log_education(
    member: Member,
    chapter: Chapter,
    earned_on: date,
    topic: str,
    credits: int,
    *,
    today: date,
    now: datetime,
    form_key: str | None = None,
) -> EducationCredit:
    """Log education (CEU) credits: when, and what was learned. ``form_key``: the sending
    form's one-time key."""
    if problem := entry_date_problem(earned_on, today):
        raise RuleViolation(problem, field="earned_on")
    if not 1 <= credits <= 20:
        raise RuleViolation("Between 1 and 20 credits.", field="credits")
    week = meetings.week_for_entry(chapter, now)
    entry = EducationCredit(
        chapter_id=chapter.id,
        member_id=member.id,
        earned_on=earned_on,
        topic=topic.strip(),
        credits=credits,
        meeting_id=week.meeting_id,
        week_on=week.week_on,
        form_key=form_key,
    )
    db.session.add(entry)
    db.session.flush()
    return entry
