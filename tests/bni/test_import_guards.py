"""What stops or trims an import so that nothing is counted twice and nothing crashes: dates
that were no meeting, the same history twice, a slip to oneself, a row a leader voided."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func

from chapter.bni import import_writes
from chapter.bni.models import ImportBatch, OpeningBalance
from chapter.errors import RuleViolation
from chapter.extensions import db
from chapter.ledger import referrals
from chapter.ledger.models import ReferralSlip
from chapter.meetings.models import Meeting
from tests.support.import_helpers import (
    MEETING,
    NOW,
    PALMS_US_RANGE,
    PALMS_US_WEEK,
    RANGE,
    SLIP_HEADER,
    SLIPS_SMALL,
    add_member,
    chapter_with_leader,
    create_unknown,
    csv_bytes,
    preview,
)


@pytest.fixture
def home(in_app):
    return chapter_with_leader()


def confirmed(plan, leader) -> ImportBatch:
    batch = import_writes.confirm(plan, actor=leader.user, now=NOW)
    db.session.commit()
    return batch


def one_referral(giver: str, receiver: str) -> bytes:
    return csv_bytes(SLIP_HEADER, [[giver, receiver, "Referral", "Inside", "", "", ""]])


def test_a_meeting_in_the_future_blocks_the_import(home) -> None:
    chapter, leader = home
    plan = create_unknown(preview(chapter, leader, SLIPS_SMALL), meeting_on=date(2062, 11, 22))
    assert any("in the future" in blocker for blocker in plan.blockers)
    assert not plan.ready
    with pytest.raises(RuleViolation, match="in the future"):
        import_writes.confirm(plan, actor=leader.user, now=NOW)


def test_a_cancelled_meeting_blocks_the_import(home) -> None:
    chapter, leader = home
    db.session.add(
        Meeting(
            chapter_id=chapter.id,
            meets_on=MEETING,
            scheduled_on=MEETING,
            starts_at=NOW.replace(year=2025, month=8, day=27),
            is_cancelled=True,
        )
    )
    db.session.flush()
    plan = create_unknown(preview(chapter, leader, SLIPS_SMALL), meeting_on=MEETING)
    assert any("was cancelled" in blocker for blocker in plan.blockers)


def test_a_date_the_chapter_does_not_meet_on_is_said_not_refused(home) -> None:
    chapter, leader = home
    saturday = date(2025, 8, 30)
    plan = create_unknown(preview(chapter, leader, SLIPS_SMALL), meeting_on=saturday)
    assert not plan.blockers
    assert any("has no meeting on Saturday" in note for note in plan.notes)


def test_the_same_file_for_another_meeting_is_refused(home) -> None:
    chapter, leader = home
    confirmed(create_unknown(preview(chapter, leader, SLIPS_SMALL), meeting_on=MEETING), leader)
    again = preview(chapter, leader, SLIPS_SMALL, meeting_on=date(2025, 9, 3))
    assert any("count it twice" in blocker for blocker in again.blockers)
    same = preview(chapter, leader, SLIPS_SMALL)  # no date given: the first import's is used
    assert (same.meeting_on, same.blockers, sum(same.new.values())) == (MEETING, [], 0)


def test_a_range_over_weeks_the_chapter_already_has_is_refused(home) -> None:
    chapter, leader = home
    week = create_unknown(preview(chapter, leader, PALMS_US_WEEK))  # 25 Feb 2026
    confirmed(week, leader)
    plan = create_unknown(preview(chapter, leader, PALMS_US_RANGE))  # 1 Oct 2025 - 25 Feb 2026
    assert any("would count them twice" in blocker for blocker in plan.blockers)


def test_a_meeting_inside_an_opening_balance_is_refused(home) -> None:
    chapter, leader = home
    confirmed(create_unknown(preview(chapter, leader, PALMS_US_RANGE)), leader)
    assert db.session.scalar(db.select(func.count()).select_from(OpeningBalance)) == 38
    week = create_unknown(preview(chapter, leader, PALMS_US_WEEK))
    assert any("already counts" in blocker for blocker in week.blockers)
    again = preview(chapter, leader, PALMS_US_RANGE)  # the same balance is no overlap
    assert again.blockers == []
    assert (again.report.starts_on, again.report.ends_on) == RANGE


def test_two_names_mapped_to_one_member_skip_the_slip_instead_of_failing(home) -> None:
    chapter, leader = home
    bob = add_member(chapter, "Bob", "Jones")
    data = one_referral("Bob Jones", "Robert Jones")
    plan = preview(
        chapter,
        leader,
        data=data,
        filename="s.csv",
        meeting_on=MEETING,
        choices={"robert jones": str(bob.id)},
    )
    assert plan.ready
    assert plan.new["slips"] == 0
    assert any("same member" in problem.message for problem in plan.skipped)


def test_a_slip_a_leader_voided_is_not_brought_back_by_importing_again(home) -> None:
    chapter, leader = home
    add_member(chapter, "Ann", "Lee")
    add_member(chapter, "Ben", "Ray")
    data = one_referral("Ann Lee", "Ben Ray")
    confirmed(preview(chapter, leader, data=data, filename="s.csv", meeting_on=MEETING), leader)
    slip = db.session.scalars(db.select(ReferralSlip)).one()
    referrals.void_slip(slip, leader, "Entered twice in BNI Connect", now=NOW)
    db.session.commit()
    again = preview(chapter, leader, data=data, filename="s.csv", meeting_on=MEETING)
    assert (again.new["slips"], again.existing["slips"]) == (0, 1)


def test_an_import_does_not_complete_a_roster_the_chapter_keeps_open(home) -> None:
    chapter, leader = home
    add_member(chapter, "Ann", "Lee")
    add_member(chapter, "Ben", "Ray")
    meeting = Meeting(
        chapter_id=chapter.id,
        meets_on=MEETING,
        scheduled_on=MEETING,
        starts_at=NOW.replace(year=2025, month=8, day=27, hour=7),
    )
    db.session.add(meeting)
    db.session.flush()
    data = one_referral("Ann Lee", "Ben Ray")
    confirmed(preview(chapter, leader, data=data, filename="s.csv", meeting_on=MEETING), leader)
    assert db.session.get(Meeting, meeting.id).roster_completed_at is None


def test_a_meeting_the_import_adds_is_held_and_completed_by_the_leader(home) -> None:
    chapter, leader = home
    add_member(chapter, "Ann", "Lee")
    add_member(chapter, "Ben", "Ray")
    data = one_referral("Ann Lee", "Ben Ray")
    batch = confirmed(
        preview(chapter, leader, data=data, filename="s.csv", meeting_on=MEETING), leader
    )
    meeting = db.session.get(Meeting, batch.meeting_id)
    assert meeting.roster_completed_at is not None
    assert meeting.roster_completed_by_id == leader.user_id
    assert meeting.starts_at.astimezone(ZoneInfo(chapter.timezone)).time() == chapter.meeting_time


def titled(title: str) -> bytes:
    rows = [["Ann Lee", "Ben Ray", "Referral", "Inside", "", "", ""]]
    return csv_bytes([title], [[], SLIP_HEADER, *rows])


def test_a_us_title_date_is_read_as_the_meeting_the_chapter_had(home) -> None:
    chapter, leader = home
    add_member(chapter, "Ann", "Lee")
    add_member(chapter, "Ben", "Ray")
    november = date(2026, 11, 4)  # a Wednesday; 11 April 2026 was a Saturday
    db.session.add(
        Meeting(
            chapter_id=chapter.id,
            meets_on=november,
            scheduled_on=november,
            starts_at=NOW.replace(month=11, day=4, hour=7),
        )
    )
    db.session.flush()
    plan = preview(chapter, leader, data=titled("Slips Audit Report for 11/04/2026"))
    assert plan.meeting_on == november
    assert plan.ready


def test_an_unreadable_title_date_is_a_problem_not_a_crash(home) -> None:
    chapter, leader = home
    plan = preview(chapter, leader, data=titled("Slips Audit Report for 31/31/2026"))
    assert plan.needs_meeting
    assert any("is not a date" in problem.message for problem in plan.skipped)


def test_confirm_refuses_exactly_what_the_preview_listed_first(home) -> None:
    chapter, leader = home
    confirmed(create_unknown(preview(chapter, leader, PALMS_US_RANGE)), leader)
    week = create_unknown(preview(chapter, leader, PALMS_US_WEEK))
    message, _ = week.refusals[0]
    assert "already counts 25 Feb 2026" in message
    assert not week.ready
    before = db.session.scalar(db.select(func.count()).select_from(ImportBatch))
    with pytest.raises(RuleViolation) as refused:
        import_writes.confirm(week, actor=leader.user, now=NOW)
    assert refused.value.message == message
    db.session.rollback()
    assert db.session.scalar(db.select(func.count()).select_from(ImportBatch)) == before
