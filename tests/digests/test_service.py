"""The sent-mail ledger's claims, preferences, unsubscribe tokens, and what a digest says."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask

from chapter.digests import content, service
from chapter.digests.models import MailDelivery
from chapter.digests.rules import CLAIM_LEASE, MailKind, Topic
from chapter.errors import NotFound
from chapter.extensions import db
from chapter.ledger.rules import SlipStatus
from chapter.members.models import Member
from tests.conftest import count_queries
from tests.support import factories
from tests.support.attendance_factories import MeetingFactory
from tests.support.referral_helpers import OneToOneFactory, SlipFactory, ThankYouFactory

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
WEEK = date(2026, 11, 18)


def test_a_mail_is_claimed_once(in_app: object) -> None:
    member = factories.MemberFactory()
    first = service.claim(member.id, MailKind.DIGEST, "2026-11-18", now=NOW)
    assert first is not None
    assert service.claim(member.id, MailKind.DIGEST, "2026-11-18", now=NOW) is None
    assert service.claim(member.id, MailKind.REMINDER, "2026-11-18", now=NOW) is not None
    assert service.sent_to(MailKind.DIGEST, "2026-11-18", [member.id], now=NOW) == {member.id}


def test_a_released_claim_is_taken_again_and_a_sent_one_never(in_app: object) -> None:
    member = factories.MemberFactory()
    delivery = service.claim(member.id, MailKind.DIGEST, "k", now=NOW)
    service.release(delivery, "451 busy")
    assert service.sent_to(MailKind.DIGEST, "k", [member.id], now=NOW) == set()
    assert service.claim(member.id, MailKind.DIGEST, "k", now=NOW) == delivery
    service.mark_sent(delivery, now=NOW)
    later = NOW + CLAIM_LEASE * 10
    assert service.claim(member.id, MailKind.DIGEST, "k", now=later) is None
    row = db.session.get(MailDelivery, delivery)
    db.session.refresh(row)
    assert (row.attempts, row.sent_at, row.last_error) == (2, NOW, "")


def test_a_claim_of_a_run_that_died_is_taken_over_after_the_lease(in_app: object) -> None:
    member = factories.MemberFactory()
    service.claim(member.id, MailKind.DIGEST, "k", now=NOW)
    assert service.claim(member.id, MailKind.DIGEST, "k", now=NOW + CLAIM_LEASE / 2) is None
    assert service.claim(member.id, MailKind.DIGEST, "k", now=NOW + CLAIM_LEASE) is not None


def test_preferences_follow_the_chapter_default_until_the_member_chooses(in_app: object) -> None:
    member = factories.MemberFactory()
    chapter_id = member.chapter_id
    actor = factories.UserFactory()
    assert service.receives(member.id, Topic.DIGEST, chapter_id)
    service.update_chapter_defaults(
        chapter_id, service.ChapterDefaults(False, True, 7), actor=actor
    )
    assert not service.receives(member.id, Topic.DIGEST, chapter_id)
    assert service.recipients(chapter_id, Topic.DIGEST, False) == []
    service.update_choices(member, service.Choices(True, None))
    assert service.receives(member.id, Topic.DIGEST, chapter_id)
    assert service.recipients(chapter_id, Topic.DIGEST, False) == [member]


def test_recipients_are_active_members_with_a_password(in_app: object) -> None:
    chapter = factories.ChapterFactory()
    member = factories.MemberFactory(chapter=chapter)
    factories.MemberFactory(chapter=chapter, user__password_hash=None)  # invited, not joined
    factories.MemberFactory(chapter=chapter, status="on_leave")
    assert service.recipients(chapter.id, Topic.REMINDERS, True) == [member]


def test_an_unsubscribe_link_names_one_member_and_one_topic(in_app: object) -> None:
    member = factories.MemberFactory()
    token = service.unsubscribe_token(member.id, Topic.REMINDERS)
    assert service.read_unsubscribe_token(token) == (member, Topic.REMINDERS)
    service.unsubscribe(member, Topic.REMINDERS)
    assert service.choices_of(member.id) == service.Choices(None, False)
    with pytest.raises(NotFound):
        service.read_unsubscribe_token(token[:-2] + "xx")
    other = service.unsubscribe_token(member.id + 1000, Topic.DIGEST)
    with pytest.raises(NotFound):
        service.read_unsubscribe_token(other)


def _chapter_with_week(size: int) -> tuple[object, list[Member]]:
    chapter = factories.ChapterFactory(timezone="Europe/London", meeting_weekday=2)
    people = [factories.MemberFactory(chapter=chapter) for _ in range(size)]
    MeetingFactory(chapter_id=chapter.id, meets_on=WEEK)
    MeetingFactory(chapter_id=chapter.id, meets_on=WEEK + timedelta(weeks=1))
    for giver, receiver in zip(people, people[1:] + people[:1], strict=True):
        SlipFactory(chapter_id=chapter.id, giver_id=giver.id, receiver_id=receiver.id, week_on=WEEK)
        ThankYouFactory(
            chapter_id=chapter.id,
            giver_id=giver.id,
            thanker_id=receiver.id,
            week_on=WEEK,
            reveal_thanker=False,
        )
        OneToOneFactory(
            chapter_id=chapter.id, logged_by_id=giver.id, other_id=receiver.id, week_on=WEEK
        )
    db.session.flush()
    return chapter, people


def test_a_digest_hides_a_private_thanker_and_other_chapters(in_app: object) -> None:
    chapter, (ann, bob, cy) = _chapter_with_week(3)
    ThankYouFactory(chapter_id=chapter.id, giver_id=ann.id, thanker_id=cy.id, week_on=WEEK)
    elsewhere, strangers = _chapter_with_week(2)
    SlipFactory(
        chapter_id=chapter.id,
        giver_id=bob.id,
        receiver_id=ann.id,
        week_on=WEEK,
        status=SlipStatus.CONTACTED,
        status_changed_at=NOW - timedelta(days=20),
    )
    db.session.flush()

    week, digests = content.member_digests(chapter, WEEK, [ann, bob], now=NOW, today=NOW.date())

    mine = {d.member_id: d for d in digests}[ann.id]
    assert sorted(t.thanker for t in mine.thanks) == ["A member (private)", cy.full_name]
    assert sorted(s.other for s in mine.received) == sorted([bob.full_name, cy.full_name])
    assert [s.other for s in mine.follow_ups] == [bob.full_name]
    assert sorted(mine.one_to_ones) == sorted([bob.full_name, cy.full_name])
    assert mine.standing is not None
    assert mine.standing.remaining == chapter.absence_limit
    assert week.members_ranked == 3
    names = {s.full_name for s in strangers}
    every_line = [*mine.received, *mine.given, *mine.follow_ups]
    assert not names & ({s.other for s in every_line} | set(mine.one_to_ones))
    assert elsewhere.id != chapter.id


def test_building_the_digests_costs_the_same_queries_for_3_or_12_members(
    app: Flask, in_app: object
) -> None:
    def queries(size: int) -> int:
        chapter, _ = _chapter_with_week(size)
        db.session.commit()  # the weekly summary is written on commit; objects expire
        with count_queries(app) as statements:
            recipients = service.recipients(chapter.id, Topic.DIGEST, True)
            content.member_digests(chapter, WEEK, recipients, now=NOW, today=NOW.date())
            content.leader_digest(chapter, WEEK, today=NOW.date(), renewal_days=30)
        assert len(recipients) == size
        return len(statements)

    small, large = queries(3), queries(12)
    assert small == large
    assert large <= 22  # measured: 1 + 10 for the members' digests, 9 for the leaders'
