"""A week of realistic referral activity for the demo chapter, through the services."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.ledger import activities, referrals, testimonials, thanks
from chapter.ledger.models import ReferralSlip
from chapter.ledger.money import to_cents
from chapter.ledger.rules import BusinessType, SlipKind, SlipStatus, TestimonialKind
from chapter.meetings.models import Meeting
from chapter.members.models import Member

PROSPECTS = (
    ("Harriet Cole", "needs a will after selling her shop"),
    ("Ben Okoro", "is buying his first flat"),
    ("Lucia Ferri", "wants a new website for her restaurant"),
    ("Ravi Shah", "has a leaking roof on his warehouse"),
    ("Emma Lund", "is hiring three engineers"),
    ("Paolo Russo", "needs insurance for a new café"),
    ("Sara Novak", "plans a staff away-day for 40 people"),
    ("Tim Baker", "wants solar panels and a new fuse box"),
    ("Ines Duarte", "is moving her office across town"),
    ("Jack Morgan", "needs a photographer for a product launch"),
)
TOPICS = (
    "Feature presentation workshop",
    "Referral skills training",
    "Networking 101",
    "Member success programme",
)


def play_week(chapter: Chapter, roster: list[Member], meeting: Meeting, rng: random.Random) -> None:
    """Slips passed at the meeting, some earlier slips moved on and thanked, one-to-ones."""
    present = [m for m in roster if m.joined_on <= meeting.meets_on]
    at_meeting = meeting.starts_at + timedelta(minutes=20)
    # Some members give a lot, some little: the leaderboard and traffic lights show a spread.
    keenness = [1 + (member.id * 7919) % 6 for member in present]
    for _ in range(rng.randint(16, 30)):
        giver = rng.choices(present, keenness)[0]
        receiver = rng.choice([m for m in present if m is not giver])
        name, need = rng.choice(PROSPECTS)
        kind = rng.choice([SlipKind.INSIDE, SlipKind.OUTSIDE, SlipKind.OUTSIDE])
        referrals.pass_slip(
            giver,
            chapter,
            referrals.SlipDetails(
                receiver_id=receiver.id,
                kind=kind,
                prospect_name=name,
                prospect_phone=f"+44 7700 900{rng.randint(100, 999)}",
                prospect_email=f"{name.split()[0].lower()}@prospect.example",
                need=need.capitalize() + ".",
                warmth=rng.randint(2, 5),
                may_contact=True,
            ),
            now=at_meeting,
        )
    _move_slips_on(chapter, meeting, rng, at_meeting)
    for _ in range(rng.randint(4, 12)):
        one = rng.choices(present, keenness)[0]
        other = rng.choice([m for m in present if m is not one])
        activities.log_one_to_one(
            one,
            chapter,
            other.id,
            meeting.meets_on - timedelta(days=rng.randint(1, 5)),
            rng.choice(["Café Nero", "Their office", "Video call", "The Riverside Hotel"]),
            "Learned about their best customers.",
            today=meeting.meets_on,
            now=at_meeting,
        )
    for learner in rng.choices(present, keenness, k=rng.randint(1, 3)):
        activities.log_education(
            learner,
            chapter,
            meeting.meets_on - timedelta(days=2),
            rng.choice(TOPICS),
            1,
            today=meeting.meets_on,
            now=at_meeting,
        )
    _testimonials(chapter, meeting, present, at_meeting)


TESTIMONIAL_TEXTS = (
    "Sorted our office move in a weekend and kept every client call going.",
    "Our accounts finally make sense; she explained each line to us.",
    "Fast, tidy and on budget. I send everyone to them now.",
)


def _testimonials(chapter: Chapter, meeting: Meeting, present: list[Member], now: datetime) -> None:
    """A testimonial or two most weeks (their own random stream, so the rest of the demo's
    history stays as it was before testimonials existed)."""
    rng = random.Random(meeting.meets_on.toordinal())
    for _ in range(rng.choice([0, 1, 1, 2])):
        giver, receiver = rng.sample(present, 2)
        written = rng.random() < 0.5
        testimonials.record_testimonial(
            giver,
            chapter,
            testimonials.TestimonialDetails(
                receiver_id=receiver.id,
                kind=TestimonialKind.WRITTEN if written else TestimonialKind.SPOKEN,
                given_on=meeting.meets_on,
                text=rng.choice(TESTIMONIAL_TEXTS) if written else "",
                may_publish=written and rng.random() < 0.7,
            ),
            today=meeting.meets_on,
            now=now,
        )


def _move_slips_on(chapter: Chapter, meeting: Meeting, rng: random.Random, now: datetime) -> None:
    older = db.session.scalars(
        db.select(ReferralSlip).where(
            ReferralSlip.chapter_id == chapter.id,
            ReferralSlip.status.in_([SlipStatus.NEW, SlipStatus.CONTACTED]),
            ReferralSlip.week_on < meeting.meets_on,
        )
    ).all()
    for slip in older:
        roll = rng.random()
        if roll > 0.5:
            continue
        receiver = db.session.get(Member, slip.receiver_id)
        status = (
            SlipStatus.CONTACTED
            if slip.status is SlipStatus.NEW and roll < 0.25
            else SlipStatus.CLOSED_WON
            if roll < 0.42
            else SlipStatus.CLOSED_LOST
        )
        referrals.update_status(slip, receiver, status, "", now=now)  # type: ignore[arg-type]
        if status is SlipStatus.CLOSED_WON and receiver is not None and receiver.is_active:
            amount = Decimal(rng.choice([250, 480, 900, 1500, 2750, 4200, 8000]))
            thanks.thank(
                receiver,
                chapter,
                thanks.ThankYouDetails(
                    giver_id=slip.giver_id,
                    amount_cents=to_cents(amount),
                    business_type=rng.choice(list(BusinessType)),
                    thanked_on=meeting.meets_on,
                    slip_id=slip.id,
                    reveal_thanker=rng.random() < 0.8,
                ),
                today=meeting.meets_on,
                now=now,
            )
