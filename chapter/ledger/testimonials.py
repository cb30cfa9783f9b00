"""Testimonials: a member speaks or writes for another member's business.

A testimonial goes from an active member to another active member of the same chapter,
counts for the giver in the week of the next meeting not yet completed (like slips), shows
in both members' ledgers, and is never deleted, only voided. Its text is the receiver's to
publish on their profile only where the giver allowed it (``may_publish``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, case, func

from chapter.chapters.models import Chapter
from chapter.errors import NotFound, RuleViolation
from chapter.extensions import db
from chapter.ledger import referrals
from chapter.ledger.models import Testimonial
from chapter.ledger.rules import TestimonialKind, entry_date_problem, may_refer
from chapter.meetings import service as meetings
from chapter.meetings.weeks import Period
from chapter.members.models import Member
from chapter.platform import notifications


@dataclass(frozen=True)
class TestimonialDetails:
    __test__ = False  # pytest: a "Test..." name that is not a test

    receiver_id: int
    kind: TestimonialKind
    given_on: date
    text: str = ""
    may_publish: bool = False


def record_testimonial(
    giver: Member,
    chapter: Chapter,
    details: TestimonialDetails,
    *,
    today: date,
    now: datetime,
    form_key: str | None = None,
) -> Testimonial:
    """Record a testimonial ``giver`` gave for another active member; the receiver is told.

    Nobody gives themselves a testimonial; the date is not in the future; a written
    testimonial has its text; only text can be published. ``form_key``: the sending form's
    one-time key.
    """
    if not giver.is_active:
        raise RuleViolation("Only active members give testimonials.")
    if not may_refer(giver.id, details.receiver_id):
        raise RuleViolation("A testimonial is for another member.", field="receiver_id")
    receiver = referrals.active_colleague(chapter.id, details.receiver_id, "receiver_id")
    if problem := entry_date_problem(details.given_on, today):
        raise RuleViolation(problem, field="given_on")
    text = details.text.strip()
    if details.kind is TestimonialKind.WRITTEN and not text:
        raise RuleViolation("A written testimonial needs its text.", field="text")
    if details.may_publish and not text:
        raise RuleViolation("Only a testimonial with text can be published.", field="may_publish")
    week = meetings.week_for_entry(chapter, now)
    entry = Testimonial(
        chapter_id=chapter.id,
        giver_id=giver.id,
        receiver_id=receiver.id,
        meeting_id=week.meeting_id,
        week_on=week.week_on,
        given_on=details.given_on,
        kind=details.kind,
        text=text,
        may_publish=details.may_publish,
        form_key=form_key,
    )
    db.session.add(entry)
    db.session.flush()
    notifications.notify(
        receiver,
        f"{giver.full_name} recorded a testimonial for you ({details.given_on:%d %b %Y}).",
        "testimonial",
        entry.id,
    )
    return entry


def get_visible(member: Member, testimonial_id: int) -> Testimonial:
    """A testimonial its giver or receiver may act on, or any of the chapter's for a leader."""
    entry = db.session.get(Testimonial, testimonial_id)
    if entry is None or entry.chapter_id != member.chapter_id:
        raise NotFound("There is no such testimonial.")
    if member.id not in (entry.giver_id, entry.receiver_id) and not member.is_leader:
        raise NotFound("There is no such testimonial.")
    return entry


def void_testimonial(entry: Testimonial, actor: Member, reason: str, *, now: datetime) -> None:
    """Void a testimonial: its giver within seven days, a leader at any time, with a reason.

    It stays, struck through, leaves every count and is no longer published. Audited.
    """
    referrals.void(
        entry,
        actor,
        reason,
        what="testimonial",
        author_id=entry.giver_id,
        created_at=entry.created_at,
        now=now,
    )


def _in_period(query: Select, period: Period) -> Select:
    query = query.where(Testimonial.week_on <= period.end)
    if period.start is not None:
        query = query.where(Testimonial.week_on >= period.start)
    return query.order_by(Testimonial.week_on.desc(), Testimonial.id.desc())


def given_by(member_id: int, period: Period) -> Select[tuple[Testimonial]]:
    """Testimonials the member gave in the period, newest week first (voided ones included)."""
    return _in_period(db.select(Testimonial).where(Testimonial.giver_id == member_id), period)


def received_by(member_id: int, period: Period) -> Select[tuple[Testimonial]]:
    """Testimonials given for the member in the period, newest week first."""
    return _in_period(db.select(Testimonial).where(Testimonial.receiver_id == member_id), period)


def count_in(member_id: int, period: Period) -> tuple[int, int]:
    """(given, received) non-voided testimonials of the member in the period: one query."""
    query = db.select(
        func.count(case((Testimonial.giver_id == member_id, 1))),
        func.count(case((Testimonial.receiver_id == member_id, 1))),
    ).where(
        (Testimonial.giver_id == member_id) | (Testimonial.receiver_id == member_id),
        Testimonial.voided_at.is_(None),
        Testimonial.week_on <= period.end,
    )
    if period.start is not None:
        query = query.where(Testimonial.week_on >= period.start)
    given, received = db.session.execute(query).one()
    return int(given), int(received)


def published_for(member_id: int, limit: int = 20) -> list[Testimonial]:
    """Testimonials the member may show on their profile: text, allowed, not voided."""
    return list(
        db.session.scalars(
            db.select(Testimonial)
            .where(
                Testimonial.receiver_id == member_id,
                Testimonial.may_publish.is_(True),
                Testimonial.voided_at.is_(None),
                Testimonial.text != "",
            )
            .order_by(Testimonial.given_on.desc(), Testimonial.id.desc())
            .limit(limit)
        )
    )
