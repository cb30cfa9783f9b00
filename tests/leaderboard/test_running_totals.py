"""The per-chapter running totals kept by every commit equal a recount from the raw rows, after
any sequence of writes (hypothesis): slips and thank-yous in any week, voids, rosters
completed, reopened and cancelled."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapter.attendance.models import Attendance
from chapter.extensions import db
from chapter.leaderboard import weekly_totals
from chapter.leaderboard.models import RUNNING_COLUMNS, ChapterRunningTotal
from chapter.ledger.models import ReferralSlip, ThankYou
from chapter.meetings.models import Meeting
from tests.support import clock
from tests.support.attendance_factories import AttendanceFactory, MeetingFactory
from tests.support.factories import ChapterFactory, MemberFactory
from tests.support.referral_helpers import SlipFactory, ThankYouFactory

FIRST = date(2026, 1, 7)  # a Wednesday
WEEKS = [FIRST + timedelta(weeks=n) for n in range(8)]

write = st.one_of(
    st.tuples(st.just("slip"), st.sampled_from(WEEKS), st.integers(0, 2), st.integers(0, 2)),
    st.tuples(st.just("thanks"), st.sampled_from(WEEKS), st.integers(1, 90_000)),
    st.tuples(st.just("void"), st.integers(0, 50)),
    st.tuples(st.just("complete"), st.sampled_from(WEEKS)),
    st.tuples(st.just("reopen"), st.integers(0, 20)),
    st.tuples(st.just("cancel"), st.integers(0, 20)),
    st.tuples(st.just("move"), st.integers(0, 20), st.sampled_from(WEEKS)),
)


def recount(chapter_id: int) -> dict[date, dict[str, int]]:
    """Given, received, thanked cents, present and meetings held up to each stored week,
    counted from the raw rows."""
    weeks = db.session.scalars(
        sa.select(ChapterRunningTotal.week_on).where(ChapterRunningTotal.chapter_id == chapter_id)
    ).all()
    slips = db.session.execute(
        sa.select(ReferralSlip.week_on).where(
            ReferralSlip.chapter_id == chapter_id, ReferralSlip.voided_at.is_(None)
        )
    ).all()
    thanks = db.session.execute(
        sa.select(ThankYou.week_on, ThankYou.amount_cents).where(
            ThankYou.chapter_id == chapter_id, ThankYou.voided_at.is_(None)
        )
    ).all()
    held = db.session.scalars(
        sa.select(Meeting).where(
            Meeting.chapter_id == chapter_id,
            Meeting.is_cancelled.is_(False),
            Meeting.roster_completed_at.is_not(None),
        )
    ).all()
    present = dict(
        db.session.execute(
            sa.select(Attendance.meeting_id, sa.func.count()).group_by(Attendance.meeting_id)
        ).all()
    )
    found = {}
    for week in weeks:
        found[week] = {
            "given": sum(1 for (w,) in slips if w <= week),
            "tyfcb_credited_cents": sum(c for w, c in thanks if w <= week),
            "held_meetings": sum(1 for m in held if m.meets_on <= week),
            "present": sum(present.get(m.id, 0) for m in held if m.meets_on <= week),
        }
    return found


def stored(chapter_id: int) -> dict[date, dict[str, int]]:
    rows = db.session.scalars(
        sa.select(ChapterRunningTotal).where(ChapterRunningTotal.chapter_id == chapter_id)
    ).all()
    return {
        r.week_on: {
            "given": r.given_inside + r.given_outside,
            "tyfcb_credited_cents": r.tyfcb_credited_cents,
            "held_meetings": r.held_meetings,
            "present": r.present,
        }
        for r in rows
    }


def snapshot(chapter_id: int) -> list[tuple]:
    rows = db.session.scalars(
        sa.select(ChapterRunningTotal)
        .where(ChapterRunningTotal.chapter_id == chapter_id)
        .order_by(ChapterRunningTotal.week_on)
    ).all()
    return [(r.week_on, *(getattr(r, c) for c in RUNNING_COLUMNS)) for r in rows]


def apply(chapter_id: int, members: list[int], step: tuple) -> None:
    kind = step[0]
    meetings = db.session.scalars(
        sa.select(Meeting).where(Meeting.chapter_id == chapter_id).order_by(Meeting.id)
    ).all()
    if kind in ("slip", "thanks"):
        week = step[1]
        at = datetime.combine(week, datetime.min.time(), UTC)
        dated = {"chapter_id": chapter_id, "week_on": week, "meeting_id": None}
        if kind == "slip":
            giver, receiver = members[step[2]], members[(step[2] + 1 + step[3] % 2) % 3]
            SlipFactory(giver_id=giver, receiver_id=receiver, passed_at=at, **dated)
        else:
            ThankYouFactory(
                giver_id=members[0],
                thanker_id=members[1],
                amount_cents=step[2],
                thanked_on=week,
                **dated,
            )
    elif kind == "void":
        live = db.session.scalars(
            sa.select(ReferralSlip)
            .where(ReferralSlip.chapter_id == chapter_id, ReferralSlip.voided_at.is_(None))
            .order_by(ReferralSlip.id)
        ).all()
        if live:
            slip = live[step[1] % len(live)]
            slip.voided_at, slip.void_reason = clock.now(), "test"
    elif kind == "complete":
        if any(step[1] in (m.meets_on, m.scheduled_on) for m in meetings):
            return
        meeting = MeetingFactory(
            chapter_id=chapter_id, meets_on=step[1], roster_completed_at=clock.now()
        )
        for member_id in members:
            AttendanceFactory(meeting_id=meeting.id, member_id=member_id)
    elif meetings:
        meeting = meetings[step[1] % len(meetings)]
        if kind == "reopen":
            meeting.roster_completed_at = None if meeting.roster_completed_at else clock.now()
        elif kind == "cancel":
            meeting.is_cancelled = not meeting.is_cancelled
        elif kind == "move" and not any(m.meets_on == step[2] for m in meetings):
            meeting.meets_on = step[2]
    db.session.commit()


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(write, min_size=1, max_size=12))
def test_running_totals_equal_a_recount_after_random_writes(
    app: Flask, clean_db: None, steps: list[tuple]
) -> None:
    with app.app_context():
        chapter = ChapterFactory(meeting_weekday=2)
        members = [MemberFactory(chapter=chapter).id for _ in range(3)]
        db.session.commit()
        for step in steps:
            apply(chapter.id, members, step)
        assert stored(chapter.id) == recount(chapter.id)
        kept_up = snapshot(chapter.id)
        weekly_totals.rebuild(chapter.id)
        db.session.commit()
        assert snapshot(chapter.id) == kept_up
        db.session.remove()
