"""Member admin rules, in the service layer (no HTTP)."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from chapter.errors import RuleViolation
from chapter.extensions import db
from chapter.members import service as members
from chapter.members.models import Member
from chapter.members.roles import MemberStatus, Position
from chapter.platform import audit
from chapter.platform.audit_models import AuditEvent
from tests.support import factories
from tests.support.rotation_crew import chapter_with_rotation, is_up_to_date, presenters

TODAY = date(2026, 11, 23)


def details(**changes: object) -> members.MemberDetails:
    values: dict[str, object] = {
        "first_name": "Rosa",
        "last_name": "Plumb",
        "email": "Rosa@Plumb.example",
        "business_name": "Rosa Plumbing",
        "classification": "Plumber",
    }
    values.update(changes)
    return members.MemberDetails(**values)  # type: ignore[arg-type]


@pytest.fixture
def leader(in_app) -> Member:
    return factories.MemberFactory(position=Position.PRESIDENT)


def test_add_member_normalises_email_and_audits(leader: Member) -> None:
    member = members.add_member(leader.chapter_id, details(), actor=leader.user, today=TODAY)
    assert member.email == "rosa@plumb.example"
    assert member.joined_on == TODAY
    assert member.status is MemberStatus.ACTIVE
    assert member.user.password_hash is None
    [event] = audit.list_for_subject("Member", member.id)
    assert event.action == "member.added"
    assert event.actor_id == leader.user_id
    assert event.after["classification"] == "Plumber"


def test_classification_taken_names_the_holder(leader: Member) -> None:
    members.add_member(leader.chapter_id, details(), actor=leader.user, today=TODAY)
    with pytest.raises(RuleViolation) as refused:
        members.add_member(
            leader.chapter_id,
            details(email="other@plumb.example", classification="  PLUMBER "),
            actor=leader.user,
            today=TODAY,
        )
    assert refused.value.field == "classification"
    assert "Rosa Plumb (Rosa Plumbing)" in refused.value.message


def test_same_classification_is_fine_in_another_chapter(leader: Member) -> None:
    members.add_member(leader.chapter_id, details(), actor=leader.user, today=TODAY)
    other = factories.ChapterFactory()
    member = members.add_member(other.id, details(email="x@y.example"), actor=None, today=TODAY)
    assert member.chapter_id == other.id


def test_email_unique_case_insensitively(leader: Member) -> None:
    members.add_member(leader.chapter_id, details(), actor=leader.user, today=TODAY)
    with pytest.raises(RuleViolation) as refused:
        members.add_member(
            leader.chapter_id,
            details(email="ROSA@plumb.EXAMPLE", classification="Roofer"),
            actor=leader.user,
            today=TODAY,
        )
    assert refused.value.field == "email"


def test_database_refuses_duplicate_active_classification_even_without_the_service(
    leader: Member,
) -> None:
    factories.MemberFactory(chapter=leader.chapter, classification="Dentist")
    with pytest.raises(sa.exc.IntegrityError):
        factories.MemberFactory(chapter=leader.chapter, classification="dentist")
    db.session.rollback()


def test_leaving_keeps_the_member_and_frees_the_classification(leader: Member) -> None:
    member = members.add_member(leader.chapter_id, details(), actor=leader.user, today=TODAY)
    members.change_status(member, MemberStatus.LEFT, actor=leader.user, today=TODAY)
    assert member.status is MemberStatus.LEFT
    assert member.left_on == TODAY
    assert db.session.get(Member, member.id) is not None
    successor = members.add_member(
        leader.chapter_id, details(email="new@plumb.example"), actor=leader.user, today=TODAY
    )
    assert successor.classification == "Plumber"
    with pytest.raises(RuleViolation, match="already holds"):
        members.change_status(member, MemberStatus.ACTIVE, actor=leader.user, today=TODAY)


def test_reactivating_clears_left_on_and_is_audited(leader: Member) -> None:
    member = members.add_member(leader.chapter_id, details(), actor=leader.user, today=TODAY)
    members.change_status(member, MemberStatus.LEFT, actor=leader.user, today=TODAY)
    members.change_status(member, MemberStatus.ACTIVE, actor=leader.user, today=TODAY)
    assert member.left_on is None
    actions = [e.action for e in audit.list_for_subject("Member", member.id)]
    assert actions == ["member.added", "member.left", "member.active"]
    left_event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "member.left"))
    assert left_event.before["status"] == "active"
    assert left_event.after["status"] == "left"


def test_same_status_twice_is_refused(leader: Member) -> None:
    member = members.add_member(leader.chapter_id, details(), actor=leader.user, today=TODAY)
    with pytest.raises(RuleViolation, match="already active"):
        members.change_status(member, MemberStatus.ACTIVE, actor=leader.user, today=TODAY)


def test_leader_cannot_mark_themself_left_or_drop_own_position(leader: Member) -> None:
    with pytest.raises(RuleViolation):
        members.change_status(leader, MemberStatus.LEFT, actor=leader.user, today=TODAY)
    with pytest.raises(RuleViolation):
        members.assign_position(leader, None, actor=leader.user)


def test_member_who_left_loses_and_cannot_get_a_position(leader: Member) -> None:
    member = members.add_member(leader.chapter_id, details(), actor=leader.user, today=TODAY)
    members.assign_position(member, Position.VICE_PRESIDENT, actor=leader.user)
    assert member.is_leader
    members.change_status(member, MemberStatus.LEFT, actor=leader.user, today=TODAY)
    assert member.position is None
    with pytest.raises(RuleViolation):
        members.assign_position(member, Position.PRESIDENT, actor=leader.user)


def test_sponsor_must_be_in_the_same_chapter(leader: Member) -> None:
    stranger = factories.MemberFactory()
    with pytest.raises(RuleViolation) as refused:
        members.add_member(
            leader.chapter_id, details(sponsor_id=stranger.id), actor=leader.user, today=TODAY
        )
    assert refused.value.field == "sponsor_id"


def test_directory_lists_only_active_members_of_the_chapter_and_searches(leader: Member) -> None:
    chapter = leader.chapter
    factories.MemberFactory(
        chapter=chapter, business_name="Okafor Family Law", classification="Family lawyer"
    )
    factories.MemberFactory(chapter=chapter, status=MemberStatus.ON_LEAVE)
    factories.MemberFactory(chapter=chapter, status=MemberStatus.LEFT)
    factories.MemberFactory()  # another chapter
    everyone = db.session.scalars(members.directory_query(chapter.id)).all()
    assert len(everyone) == 2
    found = db.session.scalars(members.directory_query(chapter.id, "family LAW")).all()
    assert [m.business_name for m in found] == ["Okafor Family Law"]
    assert members.status_counts(chapter.id) == {
        MemberStatus.ACTIVE: 2,
        MemberStatus.ON_LEAVE: 1,
        MemberStatus.LEFT: 1,
    }


def test_renewals_due_flags_within_window_but_not_members_who_left(leader: Member) -> None:
    due = factories.MemberFactory(chapter=leader.chapter, renewal_on=date(2026, 12, 10))
    later = factories.MemberFactory(chapter=leader.chapter, renewal_on=date(2027, 6, 1))
    gone = factories.MemberFactory(
        chapter=leader.chapter, renewal_on=date(2026, 12, 1), status=MemberStatus.LEFT
    )
    assert members.renewals_due([due, later, gone], TODAY, 30) == {due.id}


# --- the presentation rotation follows membership, whoever calls the service ----------------


def test_a_member_leaving_frees_their_future_slots(in_app) -> None:
    chapter, crew = chapter_with_rotation()
    confirmed = presenters(chapter)[:2]
    leaving = crew[3]  # presents after the two confirmed meetings
    assert any(leaving.id in ids for _, ids in presenters(chapter)[2:])
    changes = members.change_status(leaving, MemberStatus.LEFT, actor=crew[0].user, today=TODAY)
    assert changes
    assert all(leaving.id not in ids for _, ids in presenters(chapter)[2:])
    assert presenters(chapter)[:2] == confirmed
    assert is_up_to_date(chapter)


def test_going_on_leave_and_returning_move_the_rotation(in_app) -> None:
    chapter, crew = chapter_with_rotation()
    away = crew[4]
    assert members.change_status(away, MemberStatus.ON_LEAVE, actor=crew[0].user, today=TODAY)
    assert all(away.id not in ids for _, ids in presenters(chapter)[2:])
    assert members.change_status(away, MemberStatus.ACTIVE, actor=crew[0].user, today=TODAY)
    assert any(away.id in ids for _, ids in presenters(chapter)[2:])
    assert is_up_to_date(chapter)


def test_a_new_member_gets_slots_without_anyone_regenerating(in_app) -> None:
    chapter, crew = chapter_with_rotation()
    member, changes = members.add_member_with_changes(
        chapter.id, details(joined_on=date(2020, 1, 1)), actor=crew[0].user, today=TODAY
    )
    assert changes
    assert any(member.id in ids for _, ids in presenters(chapter))
    assert is_up_to_date(chapter)


def test_status_changes_without_a_rotation_change_nothing(leader: Member) -> None:
    member = members.add_member(leader.chapter_id, details(), actor=leader.user, today=TODAY)
    assert members.change_status(member, MemberStatus.LEFT, actor=leader.user, today=TODAY) == []
