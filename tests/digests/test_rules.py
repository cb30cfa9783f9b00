"""When a digest or reminder is due, who wants it, and which slips need a nudge."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chapter.attendance.rules import Palms
from chapter.digests.rules import (
    DIGEST_LIFETIME,
    HeldMeeting,
    MailKind,
    Topic,
    digest_due,
    near_absence_limit,
    period_key,
    presents_soon,
    reminder_due,
    slip_needs_follow_up,
    slip_unacted,
    suggest_substitute,
    wants,
)
from chapter.ledger.rules import SlipStatus
from chapter.meetings.schedule import local_start

ZONE = "Europe/London"
MEETS_ON = date(2026, 11, 18)  # a Wednesday
STARTS = local_start(MEETS_ON, time(7, 0), ZONE)
NEXT_STARTS = STARTS + timedelta(weeks=1)


def held(completed_at: datetime | None = None) -> HeldMeeting:
    return HeldMeeting(MEETS_ON, STARTS, completed_at)


def due(meeting: HeldMeeting, now: datetime, next_starts: datetime | None = NEXT_STARTS) -> bool:
    return digest_due(meeting, next_starts, now, zone=ZONE, send_hour=8)


def london(day: date, hour: int, minute: int = 0) -> datetime:
    return local_start(day, time(hour, minute), ZONE)


def test_digest_is_due_as_soon_as_the_roster_is_completed() -> None:
    completed = STARTS + timedelta(hours=3)
    assert not due(held(completed), completed - timedelta(minutes=1))
    assert due(held(completed), completed)


def test_digest_of_an_open_roster_waits_for_the_sending_hour_the_day_after() -> None:
    assert not due(held(), london(MEETS_ON, 23, 59))
    assert not due(held(), london(date(2026, 11, 19), 7, 59))
    assert due(held(), london(date(2026, 11, 19), 8, 0))


def test_digest_stops_when_the_next_meeting_starts_or_a_week_went_by() -> None:
    completed = held(STARTS + timedelta(hours=2))
    assert due(completed, NEXT_STARTS - timedelta(seconds=1))
    assert not due(completed, NEXT_STARTS)
    assert not due(completed, STARTS + DIGEST_LIFETIME, next_starts=None)


def test_no_digest_before_the_meeting_started() -> None:
    assert not due(held(), STARTS - timedelta(seconds=1))


@given(st.integers(min_value=0, max_value=14 * 24 * 60))
def test_a_digest_is_only_ever_due_within_its_week(minutes: int) -> None:
    now = STARTS + timedelta(minutes=minutes)
    if due(held(STARTS + timedelta(hours=1)), now):
        assert STARTS + timedelta(hours=1) <= now < NEXT_STARTS


@given(st.integers(min_value=-3 * 24 * 60, max_value=3 * 24 * 60), st.integers(0, 23))
def test_reminder_is_due_only_on_the_day_before_from_the_sending_hour(
    minutes: int, hour: int
) -> None:
    now = STARTS + timedelta(minutes=minutes)
    local = now.astimezone(STARTS.tzinfo)
    expected = local.date() == MEETS_ON - timedelta(days=1) and local.hour >= hour
    assert reminder_due(MEETS_ON, now, zone=ZONE, send_hour=hour) is expected
    if expected:
        assert now < STARTS  # never on the meeting day


def test_reminder_uses_the_chapters_calendar_day_not_utc() -> None:
    # 23:30 UTC on 16 November is 16 November in London but 17 November in Auckland.
    now = datetime(2026, 11, 16, 23, 30, tzinfo=UTC)
    assert not reminder_due(MEETS_ON, now, zone=ZONE, send_hour=8)
    assert reminder_due(MEETS_ON, now, zone="Pacific/Auckland", send_hour=8)


def test_own_choice_wins_over_the_chapter_default() -> None:
    assert wants(None, True)
    assert not wants(None, False)
    assert wants(True, False)
    assert not wants(False, True)


def test_each_kind_is_decided_by_its_topic() -> None:
    assert MailKind.DIGEST.topic is Topic.DIGEST
    assert MailKind.LEADER_DIGEST.topic is Topic.DIGEST
    assert MailKind.REMINDER.topic is Topic.REMINDERS


def test_period_is_the_meeting_date() -> None:
    assert period_key(MEETS_ON) == "2026-11-18"


NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_a_new_slip_is_unacted_after_seven_days() -> None:
    assert slip_unacted(SlipStatus.NEW, NOW - timedelta(days=7), NOW)
    assert not slip_unacted(SlipStatus.NEW, NOW - timedelta(days=6, hours=23), NOW)
    assert not slip_unacted(SlipStatus.CONTACTED, NOW - timedelta(days=30), NOW)


def test_a_contacted_slip_needs_follow_up_after_more_than_fourteen_days() -> None:
    assert slip_needs_follow_up(SlipStatus.CONTACTED, NOW - timedelta(days=14, seconds=1), NOW)
    assert not slip_needs_follow_up(SlipStatus.CONTACTED, NOW - timedelta(days=14), NOW)
    assert not slip_needs_follow_up(SlipStatus.CLOSED_WON, NOW - timedelta(days=40), NOW)
    assert not slip_needs_follow_up(SlipStatus.CONTACTED, None, NOW)


@given(st.booleans(), st.one_of(st.none(), st.sampled_from(list(Palms))))
def test_a_substitute_is_suggested_only_after_an_absence_with_nothing_announced(
    announced: bool, letter: Palms | None
) -> None:
    assert suggest_substitute(announced, letter) is (not announced and letter is Palms.ABSENT)


def test_near_the_limit_is_one_absence_short() -> None:
    assert near_absence_limit(2, 3)
    assert not near_absence_limit(3, 3)
    assert not near_absence_limit(1, 3)
    assert not near_absence_limit(0, 1)


def test_own_presentation_within_four_weeks() -> None:
    today = date(2026, 11, 23)
    assert presents_soon(today + timedelta(weeks=4), today)
    assert not presents_soon(today + timedelta(weeks=4, days=1), today)
    assert not presents_soon(today - timedelta(days=1), today)
