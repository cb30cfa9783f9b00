"""Testimonials from BNI Connect: the Indian layout's T column (blank spacer columns, T after
CEU) is read, reconciled in the preview, and stored on each member's opening balance, where
the leaderboard's 6-month and all-time figures count it; a file without T stores 0."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func

from chapter.bni import import_writes
from chapter.bni.models import OpeningBalance
from chapter.extensions import db
from chapter.leaderboard import service as leaderboard
from tests.support.import_helpers import (
    NOW,
    PALMS_US_RANGE,
    chapter_with_leader,
    create_unknown,
    preview,
    report,
)

PALMS_IN = "palms-summary_withheaders_in_2025-04-01_to_2025-09-30.xls"
IN_RANGE = (date(2025, 4, 1), date(2025, 9, 30))


@pytest.fixture
def home(in_app):
    return chapter_with_leader()


def test_the_indian_layout_summary_stores_t_on_each_opening_balance(home) -> None:
    chapter, leader = home
    summary = report(PALMS_IN)
    assert (summary.has_testimonials, summary.problems) == (True, [])
    assert (summary.starts_on, summary.ends_on) == IN_RANGE
    assert summary.total is not None
    in_file = summary.total.counts["t"]
    assert in_file == sum(line.counts["t"] for line in summary.lines) == 59
    plan = create_unknown(preview(chapter, leader, PALMS_IN))
    t_line = next(r for r in plan.reconciliation if r.label == "T")
    assert (t_line.in_file, t_line.to_import, t_line.matches) == (59, 59, True)
    import_writes.confirm(plan, actor=leader.user, now=NOW)
    db.session.commit()

    stored = db.session.scalar(db.select(func.sum(OpeningBalance.testimonials)))
    assert stored == in_file
    by_name = {b.member_id: b.testimonials for b in db.session.scalars(db.select(OpeningBalance))}
    assert sorted(by_name.values()) == sorted(line.counts["t"] for line in summary.lines)
    sums = leaderboard.sums(chapter.id, None, IN_RANGE[1], balances=True)
    assert sum(row["testimonials"] for row in sums.values()) == 59


def test_a_summary_without_t_stores_no_testimonials(home) -> None:
    chapter, leader = home
    assert report(PALMS_US_RANGE).has_testimonials is False
    plan = create_unknown(preview(chapter, leader, PALMS_US_RANGE))
    assert not any(r.label == "T" for r in plan.reconciliation)
    import_writes.confirm(plan, actor=leader.user, now=NOW)
    db.session.commit()
    assert db.session.scalar(db.select(func.sum(OpeningBalance.testimonials))) == 0
