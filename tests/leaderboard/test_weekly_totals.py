"""The weekly summary kept up by every commit equals a rebuild from the raw rows."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Flask

from chapter.demo import service as demo
from chapter.extensions import db
from chapter.leaderboard import weekly_totals
from chapter.leaderboard.models import COLUMNS, ChapterWeeklyTotal, WeeklyTotal


def snapshot() -> dict[tuple[str, int, date], tuple[int, ...]]:
    """Both summaries: per member and week, and per chapter and week."""
    members = db.session.scalars(sa.select(WeeklyTotal)).all()
    chapters = db.session.scalars(sa.select(ChapterWeeklyTotal)).all()
    found = {
        ("member", r.member_id, r.week_on): tuple(getattr(r, c) for c in COLUMNS) for r in members
    }
    found.update(
        {
            ("chapter", r.chapter_id, r.week_on): tuple(getattr(r, c) for c in COLUMNS)
            for r in chapters
        }
    )
    return found


def test_incremental_summary_equals_a_rebuild_after_months_of_demo_activity(
    app: Flask, clean_db: None
) -> None:
    with app.app_context():
        demo.load_demo(today=date(2026, 11, 23))  # rosters, slips, thanks, voids, moves
        db.session.commit()
        kept_up = snapshot()
        chapter_id = db.session.scalar(sa.text("SELECT id FROM chapters"))
        given = [v[0] + v[1] for key, v in kept_up.items() if key[0] == "member"]
        assert sum(given) > 50  # slips given
        chapter_given = [v[0] + v[1] for key, v in kept_up.items() if key[0] == "chapter"]
        assert sum(chapter_given) == sum(given)
        weekly_totals.rebuild(chapter_id)
        db.session.commit()
        assert snapshot() == kept_up


def test_a_void_and_a_reopened_roster_leave_the_totals(app: Flask, clean_db: None) -> None:
    from chapter.attendance import service as attendance
    from chapter.auth.models import User
    from chapter.ledger import referrals
    from chapter.ledger.models import ReferralSlip
    from chapter.meetings.models import Meeting

    with app.app_context():
        demo.load_demo(today=date(2026, 11, 23))
        db.session.commit()
        slip = db.session.scalars(sa.select(ReferralSlip).limit(1)).one()
        leader = db.session.scalar(
            sa.select(User).where(User.email == "leader@demo.example")
        ).member
        referrals.void_slip(slip, leader, "entered twice", now=slip.passed_at)
        completed = db.session.scalars(
            sa.select(Meeting).where(Meeting.roster_completed_at.is_not(None)).limit(1)
        ).one()
        attendance.reopen_roster(completed, actor=leader.user)
        db.session.commit()
        kept_up = snapshot()
        weekly_totals.rebuild(leader.chapter_id)
        db.session.commit()
        assert snapshot() == kept_up
        present_that_week = sum(
            values[COLUMNS.index("present")]
            for (_, _, week), values in kept_up.items()
            if week == completed.meets_on
        )
        assert present_that_week == 0  # a reopened roster does not count
