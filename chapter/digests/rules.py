"""What mail is due when: the weekly digest, the reminder before a meeting, and who wants it.

Pure rules: values in, values out; ``now`` is always passed in (an aware datetime).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from chapter.attendance.rules import Palms, is_absence
from chapter.ledger.rules import SlipStatus

# A digest that was never sent (the job did not run) is dropped a week after its meeting.
DIGEST_LIFETIME = timedelta(days=7)
# An unsent claim older than this belongs to a run that died: another run may take it over.
CLAIM_LEASE = timedelta(minutes=10)
# "A slip not acted on for 7 days"; "open slips to follow up (contacted > 14 days)".
UNACTED_SLIP_AGE = timedelta(days=7)
FOLLOW_UP_AGE = timedelta(days=14)
PRESENTATION_HORIZON = timedelta(weeks=4)
DEFAULT_SEND_HOUR = 8


class Topic(StrEnum):
    """What a member can switch on or off (profile, chapter default, unsubscribe link)."""

    DIGEST = "digest"
    REMINDERS = "reminders"

    @property
    def label(self) -> str:
        return {"digest": "the weekly digest", "reminders": "meeting reminders"}[self.value]


class MailKind(StrEnum):
    """The kinds of scheduled mail; the sent-mail ledger holds one row per member, kind and
    period."""

    DIGEST = "digest"  # the member's week, after each meeting
    LEADER_DIGEST = "leader_digest"  # the chapter's week, for its leaders
    REMINDER = "reminder"  # the day before a meeting

    @property
    def topic(self) -> Topic:
        """Which preference decides this kind (leaders' digests follow the digest switch)."""
        return Topic.REMINDERS if self is MailKind.REMINDER else Topic.DIGEST


def wants(own_choice: bool | None, chapter_default: bool) -> bool:
    """A member's own choice wins; without one (None) the chapter's default applies."""
    return chapter_default if own_choice is None else own_choice


@dataclass(frozen=True)
class HeldMeeting:
    """What the digest rule needs to know of the meeting a digest is about."""

    meets_on: date
    starts_at: datetime  # aware
    roster_completed_at: datetime | None


def local_moment(day: date, hour: int, zone: str) -> datetime:
    """``hour`` o'clock on ``day`` in the chapter's time zone, as an aware datetime."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(zone))


def digest_due(
    meeting: HeldMeeting,
    next_starts_at: datetime | None,
    now: datetime,
    *,
    zone: str,
    send_hour: int,
) -> bool:
    """A meeting's weekly digest is due once its roster is completed, or from ``send_hour``
    (the chapter's local time) the day after the meeting when the roster is still open. It
    stops being due when the next meeting starts, and at the latest DIGEST_LIFETIME after the
    meeting: a run that missed a week never sends old news."""
    if now < meeting.starts_at:
        return False
    if now >= meeting.starts_at + DIGEST_LIFETIME:
        return False
    if next_starts_at is not None and now >= next_starts_at:
        return False
    if meeting.roster_completed_at is not None and meeting.roster_completed_at <= now:
        return True
    return now >= local_moment(meeting.meets_on + timedelta(days=1), send_hour, zone)


def reminder_due(meets_on: date, now: datetime, *, zone: str, send_hour: int) -> bool:
    """The reminder for a meeting is due on the day before it (the chapter's calendar day),
    from ``send_hour`` local time until midnight; never on the meeting day itself."""
    local = now.astimezone(ZoneInfo(zone))
    return local.date() == meets_on - timedelta(days=1) and local.hour >= send_hour


def period_key(meets_on: date) -> str:
    """The period a digest or reminder belongs to: its meeting's date (``2026-11-18``)."""
    return meets_on.isoformat()


def slip_unacted(status: SlipStatus, passed_at: datetime, now: datetime) -> bool:
    """A slip the receiver has not acted on: still new UNACTED_SLIP_AGE after it was passed."""
    return status is SlipStatus.NEW and now - passed_at >= UNACTED_SLIP_AGE


def slip_needs_follow_up(
    status: SlipStatus, status_changed_at: datetime | None, now: datetime
) -> bool:
    """An open slip to follow up: contacted, and no news for more than FOLLOW_UP_AGE."""
    if status is not SlipStatus.CONTACTED or status_changed_at is None:
        return False
    return now - status_changed_at > FOLLOW_UP_AGE


def suggest_substitute(announced_anything: bool, last_letter: Palms | None) -> bool:
    """ "Send a substitute?": the member announced nothing for the coming meeting and was
    absent at the last completed one."""
    return not announced_anything and last_letter is not None and is_absence(last_letter)


def near_absence_limit(absences: int, limit: int) -> bool:
    """One absence away from the chapter's limit (at or over it is the leader's other list)."""
    return limit >= 2 and absences == limit - 1


def presents_soon(meets_on: date, today: date) -> bool:
    """The member's own presentation is worth a line when it is within four weeks."""
    return today <= meets_on <= today + PRESENTATION_HORIZON
