"""Thank-yous for closed business (TYFCB): credited to the giver, private as to who thanked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from chapter.chapters import service as chapters
from chapter.chapters.models import Chapter
from chapter.errors import NotFound, RuleViolation
from chapter.extensions import db
from chapter.ledger import referrals
from chapter.ledger.models import ReferralSlip, ThankYou
from chapter.ledger.money import format_money
from chapter.ledger.rules import BusinessType, entry_date_problem, may_refer, thanker_label
from chapter.meetings import service as meetings
from chapter.members.models import Member
from chapter.platform import notifications
from chapter.webhooks import payloads
from chapter.webhooks import service as webhooks
from chapter.webhooks.rules import EventKind


@dataclass(frozen=True)
class ThankYouDetails:
    giver_id: int
    amount_cents: int
    business_type: BusinessType
    thanked_on: date
    slip_id: int | None = None
    reveal_thanker: bool = True
    note: str = ""


def thank(
    thanker: Member,
    chapter: Chapter,
    details: ThankYouDetails,
    *,
    today: date,
    now: datetime,
    form_key: str | None = None,
) -> ThankYou:
    """Record closed business credited to the giver, who is told the amount (and who thanked
    them only if the thanker allows it). ``form_key``: the sending form's one-time key."""
    if not may_refer(details.giver_id, thanker.id):
        raise RuleViolation("You cannot thank yourself.", field="giver_id")
    giver = referrals.active_colleague(chapter.id, details.giver_id, "giver_id")
    slip_on = None
    if details.slip_id is not None:
        slip = db.session.get(ReferralSlip, details.slip_id)
        if (
            slip is None
            or slip.receiver_id != thanker.id
            or slip.giver_id != giver.id
            or slip.is_voided
        ):
            raise RuleViolation("Choose a slip that this member passed to you.", field="slip_id")
        slip_on = chapters.today_in(chapter, slip.passed_at)
    if problem := entry_date_problem(details.thanked_on, today, not_before=slip_on):
        raise RuleViolation(problem, field="thanked_on")
    week = meetings.week_for_entry(chapter, now)
    thank_you = ThankYou(
        chapter_id=chapter.id,
        giver_id=giver.id,
        thanker_id=thanker.id,
        meeting_id=week.meeting_id,
        week_on=week.week_on,
        slip_id=details.slip_id,
        amount_cents=details.amount_cents,
        business_type=details.business_type,
        thanked_on=details.thanked_on,
        reveal_thanker=details.reveal_thanker,
        note=details.note.strip(),
        form_key=form_key,
    )
    db.session.add(thank_you)
    db.session.flush()
    amount = format_money(details.amount_cents, chapter.currency)
    who = thanker_label(giver.id, thank_you, {thanker.id: thanker.full_name})
    notifications.notify(
        giver, f"{who} thanked you for closed business: {amount}.", "thank_you", thank_you.id
    )
    webhooks.record_event(
        chapter.id,
        EventKind.THANK_YOU_RECORDED,
        payloads.thank_you_recorded(  # never the thanker: who thanked is private
            thank_you_id=thank_you.id,
            credited=webhooks.member_ref(giver),
            amount_cents=thank_you.amount_cents,
            currency=chapter.currency,
            business_type=thank_you.business_type.value,
            thanked_on=thank_you.thanked_on,
            week_on=thank_you.week_on,
        ),
        now=now,
    )
    return thank_you


def get_own(member: Member, thank_you_id: int) -> ThankYou:
    """A thank-you the member wrote (only the thanker may void or see its details)."""
    thank_you = db.session.get(ThankYou, thank_you_id)
    if thank_you is None or thank_you.thanker_id != member.id:
        raise NotFound("There is no such thank-you.")
    return thank_you


def void_thank_you(thank_you: ThankYou, actor: Member, reason: str, *, now: datetime) -> None:
    """The thanker voids their thank-you within seven days (it leaves every total).

    Leaders may not: they must never learn who thanked whom.
    """
    referrals.void(
        thank_you,
        actor,
        reason,
        what="thank-you",
        author_id=thank_you.thanker_id,
        created_at=thank_you.created_at,
        now=now,
        leaders_may=False,
    )


def slip_choices(thanker_id: int) -> list[tuple[int, str]]:
    """Slips passed to the thanker (not voided), newest first, to link a thank-you to."""
    rows = db.session.execute(
        db.select(ReferralSlip.id, ReferralSlip.prospect_name, ReferralSlip.week_on)
        .where(ReferralSlip.receiver_id == thanker_id, ReferralSlip.voided_at.is_(None))
        .order_by(ReferralSlip.passed_at.desc())
        .limit(200)
    )
    return [(row.id, f"{row.prospect_name} (week of {row.week_on:%d %b %Y})") for row in rows]
