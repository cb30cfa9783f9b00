"""Two commits in one chapter and week at once both land and leave the summaries equal to a
recount (PostgreSQL: SQLite has one writer at a time). Before the chapter lock in
chapter.leaderboard.weekly_totals, both deleted and re-inserted the same summary rows and
the second failed on a duplicate key (seen under `make load`)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from chapter.extensions import db
from chapter.leaderboard.models import ChapterWeeklyTotal, WeeklyTotal
from chapter.ledger.models import ReferralSlip
from tests.support import clock
from tests.support.factories import ChapterFactory, MemberFactory
from tests.support.referral_helpers import SlipFactory


def test_two_slips_to_one_receiver_committed_at_once_both_count(app: Flask, clean_db: None) -> None:
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite lets one writer in at a time")
        chapter = ChapterFactory()
        givers = [MemberFactory(chapter=chapter).id for _ in range(2)]
        receiver = MemberFactory(chapter=chapter).id
        db.session.commit()
        chapter_id = chapter.id
    week = clock.now().date() - timedelta(days=3)
    both_flushed = threading.Barrier(2, timeout=30)
    failures: list[BaseException] = []

    def pass_slip(giver: int) -> None:
        with app.app_context():
            try:
                SlipFactory(
                    chapter_id=chapter_id,
                    giver_id=giver,
                    receiver_id=receiver,
                    week_on=week,
                    passed_at=datetime.combine(week, datetime.min.time(), UTC),
                )
                db.session.flush()
                both_flushed.wait()  # neither has committed: their summary work overlaps
                db.session.commit()
            except BaseException as error:
                failures.append(error)
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=pass_slip, args=(giver,)) for giver in givers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    with app.app_context():
        slips = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(ReferralSlip)
            .where(ReferralSlip.chapter_id == chapter_id)
        )
        received = db.session.scalar(
            sa.select(WeeklyTotal.received_inside + WeeklyTotal.received_outside).where(
                WeeklyTotal.member_id == receiver, WeeklyTotal.week_on == week
            )
        )
        summed = db.session.scalar(
            sa.select(ChapterWeeklyTotal.given_inside + ChapterWeeklyTotal.given_outside).where(
                ChapterWeeklyTotal.chapter_id == chapter_id, ChapterWeeklyTotal.week_on == week
            )
        )
    assert (slips, received, summed) == (2, 2, 2)
