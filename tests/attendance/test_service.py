"""Rosters, announcements and the schedule, in the service layer."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from chapter.attendance import guests
from chapter.attendance import reports as attendance_reports
from chapter.attendance import service as attendance
from chapter.attendance.models import Attendance
from chapter.attendance.rules import Palms
from chapter.errors import Conflict, RuleViolation
from chapter.extensions import db
from chapter.meetings import service as meetings
from chapter.meetings.models import Meeting
from chapter.members.roles import MemberStatus, Position
from chapter.platform.audit_models import AuditEvent
from tests.support import factories

TODAY = date(2026, 11, 23)  # a Monday
P, A, L, M, S = (Palms.PRESENT, Palms.ABSENT, Palms.LATE, Palms.MEDICAL, Palms.SUBSTITUTE)


@pytest.fixture
def chapter(in_app):
    return factories.ChapterFactory(
        meeting_weekday=2, meeting_time=time(7), timezone="Europe/London"
    )


@pytest.fixture
def leader(chapter):
    return factories.MemberFactory(
        chapter=chapter, position=Position.PRESIDENT, joined_on=date(2020, 1, 1)
    )


@pytest.fixture
def crew(chapter, leader):
    return [
        leader,
        *(factories.MemberFactory(chapter=chapter, joined_on=date(2020, 1, 1)) for _ in range(3)),
    ]


def a_meeting(chapter, day: date) -> Meeting:
    meetings.ensure_slots(chapter, day, 1)
    return db.session.scalar(
        sa.select(Meeting).where(Meeting.chapter_id == chapter.id, Meeting.meets_on == day)
    )


def save(meeting, chapter, leader, letters, **kwargs):
    entries = [attendance.RosterEntry(member.id, letter) for member, letter in letters]
    return attendance.save_roster(
        meeting,
        chapter,
        entries,
        kwargs.pop("visitors", []),
        version=kwargs.pop("version", meeting.roster_version),
        actor=leader.user,
        today=kwargs.pop("today", meeting.meets_on),
        **kwargs,
    )


def test_schedule_is_generated_ahead_and_idempotently(chapter) -> None:
    added = meetings.ensure_schedule(chapter, TODAY)
    assert added == meetings.GENERATE_WEEKS >= 12
    assert meetings.ensure_schedule(chapter, TODAY) == 0
    dates = db.session.scalars(sa.select(Meeting.meets_on).order_by(Meeting.meets_on)).all()
    assert dates[0] == date(2026, 11, 25)
    assert all(day.weekday() == 2 for day in dates)
    assert len(set(dates)) == len(dates)


def test_a_moved_meeting_keeps_its_slot_so_regeneration_adds_nothing(chapter, leader) -> None:
    meetings.ensure_schedule(chapter, TODAY)
    first = meetings.next_meeting(chapter.id, TODAY)
    meetings.move(first, date(2026, 11, 26), chapter, actor=leader.user, today=TODAY)
    assert first.is_moved
    assert first.starts_at.hour == 7  # 07:00 in London in winter is 07:00 UTC
    assert meetings.ensure_schedule(chapter, TODAY) == 0


def test_mark_everyone_else_present_and_complete(chapter, crew) -> None:
    meeting = a_meeting(chapter, date(2026, 11, 18))
    leader = crew[0]
    save(meeting, chapter, leader, [(crew[1], A)], mark_rest_present=True)
    attendance.complete_roster(meeting, chapter, actor=leader.user, today=TODAY)
    rows = dict(db.session.execute(sa.select(Attendance.member_id, Attendance.status)).all())
    assert rows == {crew[0].id: P, crew[1].id: A, crew[2].id: P, crew[3].id: P}
    assert meeting.roster_is_completed
    with pytest.raises(RuleViolation, match="Reopen"):
        save(meeting, chapter, leader, [(crew[1], P)])
    attendance.reopen_roster(meeting, actor=leader.user)
    save(meeting, chapter, leader, [(crew[1], P)])
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-4:] == ["roster.saved", "roster.completed", "roster.reopened", "roster.saved"]


def test_completing_with_unmarked_members_names_them(chapter, crew) -> None:
    meeting = a_meeting(chapter, date(2026, 11, 18))
    save(meeting, chapter, crew[0], [(crew[0], P)])
    with pytest.raises(RuleViolation) as refused:
        attendance.complete_roster(meeting, chapter, actor=crew[0].user, today=TODAY)
    assert crew[1].full_name in refused.value.message


def test_a_stale_version_is_refused_and_the_first_save_is_kept(chapter, crew) -> None:
    meeting = a_meeting(chapter, date(2026, 11, 18))
    opened_at = meeting.roster_version
    save(meeting, chapter, crew[0], [(crew[1], A)], version=opened_at)
    with pytest.raises(Conflict):
        save(meeting, chapter, crew[0], [(crew[1], P)], version=opened_at)
    assert (
        db.session.scalar(sa.select(Attendance.status).where(Attendance.member_id == crew[1].id))
        is A
    )


def test_substitute_needs_a_name_and_nothing_is_written_without_one(chapter, crew) -> None:
    meeting = a_meeting(chapter, date(2026, 11, 18))
    entries = [attendance.RosterEntry(crew[0].id, P), attendance.RosterEntry(crew[1].id, S)]
    with pytest.raises(RuleViolation) as refused:
        attendance.save_roster(
            meeting,
            chapter,
            entries,
            [],
            version=meeting.roster_version,
            actor=crew[0].user,
            today=TODAY,
        )
    assert refused.value.field == "rows-1-substitute_name"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


def test_member_of_another_chapter_cannot_be_put_on_a_roster(chapter, crew) -> None:
    stranger = factories.MemberFactory()
    meeting = a_meeting(chapter, date(2026, 11, 18))
    with pytest.raises(RuleViolation, match="not on this meeting"):
        save(meeting, chapter, crew[0], [(stranger, P)])


def test_roster_lists_members_active_on_the_date_and_leave_apart(chapter, crew) -> None:
    late_joiner = factories.MemberFactory(chapter=chapter, joined_on=date(2026, 11, 20))
    away = factories.MemberFactory(
        chapter=chapter, joined_on=date(2020, 1, 1), status=MemberStatus.ON_LEAVE
    )
    gone = factories.MemberFactory(
        chapter=chapter, joined_on=date(2020, 1, 1), status=MemberStatus.LEFT
    )
    gone.left_on = date(2026, 11, 1)
    roster = attendance.load_roster(a_meeting(chapter, date(2026, 11, 18)), chapter, TODAY)
    listed = {line.member.id for line in roster.lines}
    assert listed == {member.id for member in crew}
    assert late_joiner.id not in listed
    assert [member.id for member in roster.on_leave] == [away.id]


def test_announcement_prefills_and_can_change_until_completed(chapter, crew) -> None:
    meeting = a_meeting(chapter, date(2026, 11, 25))
    member = crew[1]
    attendance.announce(
        meeting,
        member,
        S,
        substitute=guests.GuestDetails("Lena Vogel"),
        note="trade fair",
        today=TODAY,
    )
    row = attendance.announcement_of(meeting, member)
    assert (row.status, row.announced, row.substitute.name) == (S, True, "Lena Vogel")
    attendance.announce(meeting, member, M, substitute=None, note="", today=TODAY)
    assert row.status is M
    assert row.substitute_id is None
    attendance.withdraw_announcement(meeting, member)
    assert attendance.announcement_of(meeting, member) is None
    with pytest.raises(RuleViolation):
        attendance.announce(meeting, member, P, substitute=None, note="", today=TODAY)


def test_past_or_cancelled_meetings_take_no_announcement(chapter, crew) -> None:
    past = a_meeting(chapter, date(2026, 11, 18))
    with pytest.raises(RuleViolation, match="past"):
        attendance.announce(past, crew[1], A, substitute=None, note="", today=TODAY)
    upcoming = a_meeting(chapter, date(2026, 12, 2))
    meetings.cancel(upcoming, "holiday", actor=crew[0].user, today=TODAY)
    with pytest.raises(RuleViolation, match="cancelled"):
        attendance.announce(upcoming, crew[1], A, substitute=None, note="", today=TODAY)


def test_standing_counts_completed_rosters_only_in_the_window(chapter, crew) -> None:
    member = crew[1]
    for day in (date(2026, 11, 18), date(2026, 11, 11), date(2026, 5, 20)):
        meeting = a_meeting(chapter, day)
        save(meeting, chapter, crew[0], [(member, A)], mark_rest_present=True)
        attendance.complete_roster(meeting, chapter, actor=crew[0].user, today=TODAY)
    draft = a_meeting(chapter, date(2026, 11, 4))
    save(draft, chapter, crew[0], [(member, A)])  # a draft does not count
    standing = attendance.standing_of(attendance.standings(chapter, TODAY), member.id, 3)
    assert standing.absence_dates == (date(2026, 11, 11), date(2026, 11, 18))
    chapter.absence_limit = 2
    flagged = attendance.members_at_limit(chapter, TODAY)
    assert [(m.id, s.absences) for m, s in flagged] == [(member.id, 2)]


def test_summary_counts_match_the_rows(chapter, crew) -> None:
    pattern = [P, L, A, M, S]
    for week in range(5):
        day = date(2026, 11, 18) - timedelta(weeks=week)
        meeting = a_meeting(chapter, day)
        entries = [
            attendance.RosterEntry(
                member.id,
                pattern[(week + index) % 5],
                substitute=guests.GuestDetails("Sub Stitute")
                if pattern[(week + index) % 5] is S
                else None,
            )
            for index, member in enumerate(crew)
        ]
        visitors = [attendance.VisitorEntry(guests.GuestDetails(f"Visitor {week}"), crew[0].id)]
        attendance.save_roster(
            meeting,
            chapter,
            entries,
            visitors,
            version=meeting.roster_version,
            actor=crew[0].user,
            today=day,
        )
        attendance.complete_roster(meeting, chapter, actor=crew[0].user, today=day)
    rows = attendance_reports.summary(chapter.id, date(2026, 10, 1), date(2026, 11, 30))
    assert len(rows) == len(crew)
    for row in rows:
        assert row.counts == dict.fromkeys(Palms, 1)
        assert row.meetings == 5
    assert {row.member_id: row.visitors for row in rows}[crew[0].id] == 5
    log = attendance_reports.substitute_log(chapter.id)
    assert (
        len(log) == 4
    )  # one substitute a week, except the first week (four members, five letters)
    assert all(entry.guest.name == "Sub Stitute" for entry in log)


def test_a_guest_is_recorded_once_by_email_and_linked_to_another_chapter(chapter, crew) -> None:
    elsewhere = factories.MemberFactory(user__email="sub@elsewhere.example")
    first = guests.find_or_add(
        chapter.id, guests.GuestDetails("Sam Sub", email="SUB@elsewhere.example")
    )
    again = guests.find_or_add(
        chapter.id, guests.GuestDetails("Sam Sub", "Subs Ltd", "sub@elsewhere.example")
    )
    assert first.id == again.id
    assert again.business_name == "Subs Ltd"
    assert again.other_member_id == elsewhere.id
