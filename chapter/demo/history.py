"""A few months of realistic attendance for the demo chapter, recorded through the services."""

from __future__ import annotations

import random
from datetime import date, timedelta

from chapter.attendance import guests
from chapter.attendance import service as attendance
from chapter.attendance.rules import Palms
from chapter.chapters.models import Chapter
from chapter.db import utcnow
from chapter.demo import ledger as demo_ledger
from chapter.extensions import db
from chapter.meetings import service as meetings
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.platform.notification_models import Notification
from chapter.rotation import service as rotation
from chapter.rotation.states import Outcome

WEEKS = 16
LETTERS = (
    [Palms.PRESENT] * 40
    + [Palms.LATE] * 3
    + [Palms.ABSENT] * 2
    + [Palms.MEDICAL]
    + [Palms.SUBSTITUTE] * 2
)
SUBSTITUTES = (
    ("Lena Vogel", "Vogel Bookkeeping"),
    ("Omar Farouk", "Farouk Events"),
    ("Beatriz Lima", "Lima Florist"),
    ("Tom Becker", "Becker Bikes"),
)
VISITORS = (
    ("Nadia Petrova", "Petrova Architects"),
    ("George Mills", "Mills Removals"),
    ("Ayo Balogun", "Balogun Solar"),
    ("Clara Jensen", "Jensen Pet Care"),
    ("Victor Hugo Alves", "Alves Joinery"),
)


def load(chapter: Chapter, roster: list[Member], leader: Member, today: date) -> None:
    """Past meetings with completed rosters (one cancelled for a holiday), substitutes,
    visitors, and one member at the absence limit; the last roster still open; and
    announcements for the next meeting."""
    rng = random.Random(7)
    start = today - timedelta(weeks=WEEKS)
    meetings.ensure_slots(chapter, start, WEEKS)
    past = db.session.scalars(
        db.select(Meeting)
        .where(Meeting.chapter_id == chapter.id, Meeting.meets_on < today)
        .order_by(Meeting.meets_on)
    ).all()
    habitual_absentee = roster[7]
    # The most recent meeting's roster is left for the leader to fill in.
    for index, meeting in enumerate(past[:-1]):
        if index == 5:
            meetings.cancel(meeting, "Bank holiday", actor=leader.user, today=meeting.meets_on)
            continue
        entries = []
        for member in roster:
            if member.joined_on > meeting.meets_on:
                continue  # not a member yet: not on that roster
            letter = rng.choice(LETTERS)
            if member is habitual_absentee and index >= len(past) - 8 and index % 2 == 0:
                letter = Palms.ABSENT
            substitute = None
            if letter is Palms.SUBSTITUTE:
                name, business = rng.choice(SUBSTITUTES)
                email = f"{name.split()[0].lower()}@substitute.example"
                substitute = guests.GuestDetails(name, business, email)
            entries.append(attendance.RosterEntry(member.id, letter, substitute=substitute))
        visitors = []
        if index % 2 == 1:
            name, business = VISITORS[(index // 2) % len(VISITORS)]
            visitors.append(
                attendance.VisitorEntry(
                    guests.GuestDetails(
                        name, business, f"{name.split()[0].lower()}@visitor.example"
                    ),
                    invited_by_id=rng.choice(entries).member_id,
                )
            )
        rotation.regenerate(chapter, actor=None, today=meeting.meets_on)
        for presentation in rotation.presentations_for([meeting.id])[meeting.id]:
            outcome = Outcome.NO_SHOW if index == 9 else Outcome.PRESENTED
            rotation.record_outcome(
                presentation,
                outcome,
                chapter_id=chapter.id,
                actor=leader.user,
                today=meeting.meets_on,
            )
        demo_ledger.play_week(chapter, [m for m in roster if m.is_active], meeting, rng)
        attendance.save_roster(
            meeting,
            chapter,
            entries,
            visitors,
            version=meeting.roster_version,
            actor=leader.user,
            today=meeting.meets_on,
        )
        attendance.complete_roster(meeting, chapter, actor=leader.user, today=meeting.meets_on)
    # The open week has a few slips too; older news is already read.
    db.session.execute(db.update(Notification).values(read_at=utcnow()))
    demo_ledger.play_week(chapter, [m for m in roster if m.is_active], past[-1], rng)
    rotation.regenerate(chapter, actor=None, today=today)
    upcoming = meetings.next_meeting(chapter.id, today)
    if upcoming is not None:
        attendance.announce(
            upcoming,
            roster[3],
            Palms.SUBSTITUTE,
            substitute=guests.GuestDetails(
                "Lena Vogel", "Vogel Bookkeeping", "lena@substitute.example"
            ),
            note="Away at a trade fair",
            today=today,
        )
        attendance.announce(
            upcoming, roster[12], Palms.MEDICAL, substitute=None, note="Minor surgery", today=today
        )
