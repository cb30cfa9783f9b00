"""Testimonials (service): recorded for another active member, counted for the giver in the
week like other entries, voided once through the one void rule, published only when allowed."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from chapter.errors import NotFound, RuleViolation
from chapter.extensions import db
from chapter.leaderboard.models import WeeklyTotal
from chapter.leaderboard.weekly_totals import aggregate
from chapter.ledger import testimonials, voids
from chapter.ledger.models import Testimonial
from chapter.ledger.rules import TestimonialKind
from chapter.meetings.weeks import periods
from chapter.members.roles import MemberStatus, Position
from chapter.platform.audit_models import AuditEvent
from chapter.platform.notification_models import Notification
from tests.support import factories

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)  # a Monday; the chapter meets on Wednesdays
TODAY = NOW.date()
ALL = periods(TODAY, date(2026, 11, 25))["all"]


@pytest.fixture
def team(in_app):
    chapter = factories.ChapterFactory(
        meeting_weekday=2, meeting_time=time(7), timezone="Europe/London"
    )
    crew = [factories.MemberFactory(chapter=chapter, joined_on=date(2020, 1, 1)) for _ in range(3)]
    crew[0].position = Position.PRESIDENT
    db.session.flush()
    return chapter, crew


def spoken(receiver_id: int, **fields) -> testimonials.TestimonialDetails:
    return testimonials.TestimonialDetails(
        receiver_id=receiver_id,
        kind=fields.pop("kind", TestimonialKind.SPOKEN),
        given_on=fields.pop("given_on", TODAY),
        **fields,
    )


def record(giver, chapter, details):
    return testimonials.record_testimonial(giver, chapter, details, today=TODAY, now=NOW)


def test_a_testimonial_counts_for_the_giver_in_the_next_meeting_week(team) -> None:
    chapter, (_, giver, receiver) = team
    entry = record(giver, chapter, spoken(receiver.id, text="Fixed our roof in a day."))
    db.session.commit()
    assert (entry.week_on, entry.meeting_id is not None) == (date(2026, 11, 25), True)
    summary = db.session.get(WeeklyTotal, (giver.id, date(2026, 11, 25)))
    assert summary.testimonials == 1
    assert db.session.get(WeeklyTotal, (receiver.id, date(2026, 11, 25))) is None
    assert testimonials.count_in(giver.id, ALL) == (1, 0)
    assert testimonials.count_in(receiver.id, ALL) == (0, 1)
    notice = db.session.scalar(db.select(Notification).where(Notification.member_id == receiver.id))
    assert notice.subject_type == "testimonial"
    assert giver.full_name in notice.text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"receiver": "self"}, "receiver_id"),
        ({"given_on": TODAY + timedelta(days=1)}, "given_on"),
        ({"kind": TestimonialKind.WRITTEN}, "text"),
        ({"may_publish": True}, "may_publish"),
    ],
)
def test_refused_testimonials_name_their_field(team, change, field) -> None:
    chapter, (_, giver, receiver) = team
    receiver_id = giver.id if change.pop("receiver", None) == "self" else receiver.id
    with pytest.raises(RuleViolation) as refused:
        record(giver, chapter, spoken(receiver_id, **change))
    assert refused.value.field == field


def test_a_member_who_left_or_of_another_chapter_gets_no_testimonial(team) -> None:
    chapter, (_, giver, receiver) = team
    stranger = factories.MemberFactory(chapter=factories.ChapterFactory())
    receiver.status, receiver.left_on = MemberStatus.LEFT, TODAY
    db.session.flush()
    for other in (receiver, stranger):
        with pytest.raises(RuleViolation):
            record(giver, chapter, spoken(other.id))


def test_void_leaves_the_counts_and_is_audited_once(team) -> None:
    chapter, (leader, giver, receiver) = team
    entry = record(giver, chapter, spoken(receiver.id, text="Great work", may_publish=True))
    db.session.commit()
    assert [t.id for t in testimonials.published_for(receiver.id)] == [entry.id]
    with pytest.raises(RuleViolation):
        testimonials.void_testimonial(entry, receiver, "not mine to void", now=NOW)
    testimonials.void_testimonial(entry, giver, "Wrong member", now=NOW)
    db.session.commit()
    assert (entry.is_voided, entry.void_reason, entry.voided_by_id) == (
        True, "Wrong member", giver.user_id,
    )  # fmt: skip
    assert db.session.get(WeeklyTotal, (giver.id, entry.week_on)) is None
    assert testimonials.count_in(giver.id, ALL) == (0, 0)
    assert testimonials.published_for(receiver.id) == []
    actions = db.session.scalars(
        db.select(AuditEvent.action).where(AuditEvent.subject_id == entry.id)
    ).all()
    assert actions == ["testimonial.voided"]
    with pytest.raises(RuleViolation, match="already voided"):
        voids.void_entry(entry, actor=leader.user, reason="again", now=NOW)


def test_the_giver_may_void_within_seven_days_a_leader_later(team) -> None:
    chapter, (leader, giver, receiver) = team
    entry = record(giver, chapter, spoken(receiver.id))
    db.session.flush()
    later = entry.created_at + timedelta(days=8)
    with pytest.raises(RuleViolation, match="within 7 days"):
        testimonials.void_testimonial(entry, giver, "late", now=later)
    testimonials.void_testimonial(entry, leader, "Recorded twice", now=later)
    assert entry.is_voided


def test_only_the_two_members_and_leaders_reach_a_testimonial(team) -> None:
    chapter, (leader, giver, receiver) = team
    bystander = factories.MemberFactory(chapter=chapter)
    outsider = factories.MemberFactory(chapter=factories.ChapterFactory())
    entry = record(giver, chapter, spoken(receiver.id))
    db.session.flush()
    for member in (leader, giver, receiver):
        assert testimonials.get_visible(member, entry.id) is entry
    for member in (bystander, outsider):
        with pytest.raises(NotFound):
            testimonials.get_visible(member, entry.id)


def test_rebuilding_the_summary_counts_testimonials_as_the_live_refresh_does(team) -> None:
    chapter, (leader, giver, receiver) = team
    for author, other in ((giver, receiver), (giver, leader), (receiver, giver)):
        record(author, chapter, spoken(other.id))
    db.session.commit()
    rebuilt = aggregate(chapter.id)
    stored = {
        (row.member_id, row.week_on): row.testimonials
        for row in db.session.scalars(db.select(WeeklyTotal))
    }
    assert {key: values["testimonials"] for key, values in rebuilt.items()} == stored
    assert stored[(giver.id, date(2026, 11, 25))] == 2
    assert db.session.scalar(db.select(db.func.count()).select_from(Testimonial)) == 3
