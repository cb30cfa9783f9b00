"""Meetings: the schedule generated from the chapter's weekday, cancelling, moving, extras."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, or_
from sqlalchemy.exc import IntegrityError

from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.errors import NotFound, RuleViolation
from chapter.extensions import db
from chapter.ledger.models import EducationCredit, OneToOne, ReferralSlip, ThankYou
from chapter.meetings.models import Meeting
from chapter.meetings.schedule import local_start, slot_dates
from chapter.meetings.weeks import (
    MEETING_LENGTH,
    CountedWeek,
    MeetingWeek,
    counted_week,
)
from chapter.platform import audit, page_cache
from chapter.rotation import service as rotation

SCHEDULE_WEEKS = 12
# Generated ahead on every log-in, roster save and the daily `flask chapter schedule`, a
# little beyond SCHEDULE_WEEKS so that twelve weeks are always there between two runs.
GENERATE_WEEKS = SCHEDULE_WEEKS + 4
LATEST_MOVE = timedelta(days=366)


def ensure_schedule(chapter: Chapter, today: date) -> int:
    """Create the missing regular meetings of the next GENERATE_WEEKS weeks; returns how many.

    Idempotent: a slot that already has a meeting (even moved or cancelled) is left alone.
    """
    return ensure_slots(chapter, today, GENERATE_WEEKS)


def ensure_slots(chapter: Chapter, start: date, weeks: int) -> int:
    """Create the chapter's regular meetings from ``start`` for ``weeks`` weeks where missing.

    Two processes doing this at once cannot create a slot twice (unique chapter + slot).
    """
    slots = slot_dates(chapter.meeting_weekday, start, weeks)
    # A slot is filled by its own meeting, or by another meeting (moved or extra) on its date.
    filled = db.session.execute(
        db.select(Meeting.scheduled_on, Meeting.meets_on).where(
            Meeting.chapter_id == chapter.id,
            or_(Meeting.scheduled_on.in_(slots), Meeting.meets_on.in_(slots)),
        )
    ).all()
    taken = {day for row in filled for day in row if day is not None}
    missing = [slot for slot in slots if slot not in taken]
    if not missing:
        return 0
    try:
        with db.session.begin_nested():
            for slot in missing:
                db.session.add(
                    Meeting(
                        chapter_id=chapter.id,
                        scheduled_on=slot,
                        meets_on=slot,
                        starts_at=local_start(slot, chapter.meeting_time, chapter.timezone),
                    )
                )
    except IntegrityError:  # another process filled the same slots first
        return 0
    return len(missing)


def refresh_schedule(chapter_id: int, now: datetime) -> int:
    """Extend one chapter's schedule from its own today (the chapter's time zone); new weeks
    get their presenters too. Returns how many meetings were added."""
    chapter = db.session.get(Chapter, chapter_id)
    if chapter is None:
        return 0
    today = now.astimezone(ZoneInfo(chapter.timezone)).date()
    added = ensure_schedule(chapter, today)
    if added:
        rotation.follow_changes(chapter.id, actor=None, today=today)
    return added


def refresh_all_schedules(now: datetime) -> int:
    """Extend every chapter's schedule (the daily job); returns how many meetings were added."""
    ids = db.session.scalars(db.select(Chapter.id).order_by(Chapter.id)).all()
    return sum(refresh_schedule(chapter_id, now) for chapter_id in ids)


def get_in_chapter(chapter_id: int, meeting_id: int) -> Meeting:
    """A meeting of ``chapter_id``; NotFound for another chapter's meeting."""
    meeting = db.session.scalar(
        db.select(Meeting).where(Meeting.id == meeting_id, Meeting.chapter_id == chapter_id)
    )
    if meeting is None:
        raise NotFound("There is no such meeting in your chapter.")
    return meeting


def upcoming(chapter_id: int, today: date, limit: int = SCHEDULE_WEEKS) -> list[Meeting]:
    """The next meetings from today on (cancelled ones included, marked), soonest first."""
    return list(
        db.session.scalars(
            db.select(Meeting)
            .where(Meeting.chapter_id == chapter_id, Meeting.meets_on >= today)
            .order_by(Meeting.meets_on, Meeting.id)
            .limit(limit)
        )
    )


def past_query(chapter_id: int, today: date) -> Select[tuple[Meeting]]:
    """Meetings before today, most recent first (for pagination)."""
    return (
        db.select(Meeting)
        .where(Meeting.chapter_id == chapter_id, Meeting.meets_on < today)
        .order_by(Meeting.meets_on.desc(), Meeting.id.desc())
    )


def next_meeting(chapter_id: int, today: date) -> Meeting | None:
    """The next meeting that is not cancelled, from today on."""
    return db.session.scalar(
        db.select(Meeting)
        .where(
            Meeting.chapter_id == chapter_id,
            Meeting.meets_on >= today,
            Meeting.is_cancelled.is_(False),
        )
        .order_by(Meeting.meets_on, Meeting.id)
        .limit(1)
    )


def last_meeting_before(chapter_id: int, today: date) -> Meeting | None:
    """The most recent meeting held before or on today (not cancelled)."""
    return db.session.scalar(
        db.select(Meeting)
        .where(
            Meeting.chapter_id == chapter_id,
            Meeting.meets_on <= today,
            Meeting.is_cancelled.is_(False),
        )
        .order_by(Meeting.meets_on.desc(), Meeting.id.desc())
        .limit(1)
    )


def _check_changeable(meeting: Meeting, today: date, *, past: bool = False) -> None:
    if meeting.roster_is_completed:
        raise RuleViolation("The roster of this meeting is completed; reopen it first.")
    if meeting.meets_on < today and not past:
        raise RuleViolation("This meeting is in the past.")


def _check_date_free(chapter_id: int, day: date, today: date, field: str) -> None:
    if day < today:
        raise RuleViolation("Choose today or a later date.", field=field)
    if day > today + LATEST_MOVE:
        raise RuleViolation("Choose a date within the next twelve months.", field=field)
    taken = db.session.scalar(
        db.select(Meeting.id).where(Meeting.chapter_id == chapter_id, Meeting.meets_on == day)
    )
    if taken is not None:
        raise RuleViolation("The chapter already has a meeting on that date.", field=field)


def _state(meeting: Meeting) -> dict[str, object]:
    return {
        "meets_on": meeting.meets_on.isoformat(),
        "is_cancelled": meeting.is_cancelled,
        "cancel_reason": meeting.cancel_reason,
    }


def cancel(
    meeting: Meeting, reason: str, *, actor: User, today: date, past: bool = False
) -> list[rotation.Change]:
    """Cancel a meeting (a holiday): nobody is marked absent for it, and its presenters move
    on. Returns the presentation slots that moved. ``past``: a meeting already held may be
    cancelled too (an import that added it is undone); leaders cancel only coming ones."""
    _check_changeable(meeting, today, past=past)
    if meeting.is_cancelled:
        raise RuleViolation("This meeting is already cancelled.")
    before = _state(meeting)
    meeting.is_cancelled = True
    meeting.cancel_reason = reason.strip()
    db.session.flush()
    audit.record(
        actor,
        "meeting.cancelled",
        meeting,
        chapter_id=meeting.chapter_id,
        before=before,
        after=_state(meeting),
    )
    changes = rotation.follow_changes(meeting.chapter_id, actor=actor, today=today)
    rotation.clear_cancelled(meeting)  # a past meeting too, which regeneration leaves alone
    return changes


def restore(
    meeting: Meeting, *, actor: User, today: date, past: bool = False
) -> list[rotation.Change]:
    """Undo a cancellation; the rotation follows. Returns the presentation slots that moved.
    ``past``: a meeting already held may be restored too (imported again after an undo)."""
    _check_changeable(meeting, today, past=past)
    if not meeting.is_cancelled:
        raise RuleViolation("This meeting is not cancelled.")
    before = _state(meeting)
    meeting.is_cancelled = False
    meeting.cancel_reason = ""
    db.session.flush()
    audit.record(
        actor,
        "meeting.restored",
        meeting,
        chapter_id=meeting.chapter_id,
        before=before,
        after=_state(meeting),
    )
    return rotation.follow_changes(meeting.chapter_id, actor=actor, today=today)


def move(
    meeting: Meeting, new_date: date, chapter: Chapter, *, actor: User, today: date
) -> list[rotation.Change]:
    """Move a meeting to another date (same local time); it keeps its place in the schedule
    and the rotation follows. Returns the presentation slots that moved."""
    _check_changeable(meeting, today)
    _check_date_free(chapter.id, new_date, today, "meets_on")
    before = _state(meeting)
    meeting.meets_on = new_date
    meeting.starts_at = local_start(new_date, chapter.meeting_time, chapter.timezone)
    # What was reported for this meeting moves with it.
    for model in (ReferralSlip, ThankYou, OneToOne, EducationCredit):
        db.session.execute(
            db.update(model).where(model.meeting_id == meeting.id).values(week_on=new_date)
        )
    db.session.flush()
    audit.record(
        actor,
        "meeting.moved",
        meeting,
        chapter_id=meeting.chapter_id,
        before=before,
        after=_state(meeting),
    )
    return rotation.follow_changes(meeting.chapter_id, actor=actor, today=today)


def unscheduled(chapter: Chapter, day: date) -> Meeting:
    """A meeting on ``day`` outside the weekly schedule (an extra one, or an imported one)."""
    meeting = Meeting(
        chapter_id=chapter.id,
        scheduled_on=None,
        meets_on=day,
        starts_at=local_start(day, chapter.meeting_time, chapter.timezone),
    )
    db.session.add(meeting)
    db.session.flush()
    return meeting


def add_extra(
    chapter: Chapter, day: date, *, actor: User, today: date
) -> tuple[Meeting, list[rotation.Change]]:
    """Add a meeting outside the weekly schedule; the rotation follows. Returns the meeting
    and the presentation slots that moved."""
    _check_date_free(chapter.id, day, today, "meets_on")
    meeting = unscheduled(chapter, day)
    audit.record(actor, "meeting.added", meeting, chapter_id=chapter.id, after=_state(meeting))
    return meeting, rotation.follow_changes(chapter.id, actor=actor, today=today)


def week_of(chapter: Chapter, moment: datetime) -> CountedWeek:
    """The week an activity reported at ``moment`` counts for (chapter.meetings.weeks).

    Reading only: the schedule is extended by the scheduler (``ensure_schedule``: log-in,
    roster saves, ``flask chapter schedule``, and the ledger's writes before they ask).
    """
    candidates = _open_meetings(chapter, moment)
    return counted_week(moment, [_meeting_week(m) for m in candidates], chapter.timezone)


def week_of_cached(chapter: Chapter, moment: datetime) -> CountedWeek:
    """``week_of`` for pages that only read, without a query on a repeat view: the meetings
    that may still take activity during ``moment``'s UTC day are kept in the page cache per
    chapter data version (any change to a meeting gives the chapter a new version), and the
    ones still open at ``moment`` are picked from them here."""
    day = moment.astimezone(UTC).date()
    candidates = page_cache.remember(
        chapter.id,
        ("open-meetings", day),
        lambda: [
            _meeting_week(m)
            # From the start of the day on; one meeting a date, so five cover the day's
            # passed ones and the next three.
            for m in _open_meetings(chapter, datetime.combine(day, time.min, UTC), limit=5)
        ],
    )
    still_open = [m for m in candidates if m.starts_at > moment - MEETING_LENGTH][:3]
    return counted_week(moment, still_open, chapter.timezone)


def week_for_entry(chapter: Chapter, moment: datetime) -> CountedWeek:
    """The week a new ledger entry made at ``moment`` counts for: the scheduler first makes
    sure the chapter's coming weeks exist, then ``week_of`` answers (a write, not a read)."""
    ensure_schedule(chapter, moment.astimezone(ZoneInfo(chapter.timezone)).date())
    return week_of(chapter, moment)


def _open_meetings(chapter: Chapter, moment: datetime, limit: int = 3) -> list[Meeting]:
    """The next few meetings that may still take activity at ``moment``."""
    return list(
        db.session.scalars(
            db.select(Meeting)
            .where(
                Meeting.chapter_id == chapter.id,
                Meeting.is_cancelled.is_(False),
                Meeting.roster_completed_at.is_(None),
                Meeting.starts_at > moment - MEETING_LENGTH,
            )
            .order_by(Meeting.starts_at, Meeting.id)
            .limit(limit)
        ).all()
    )


def _meeting_week(meeting: Meeting) -> MeetingWeek:
    return MeetingWeek(
        meeting.id,
        meeting.starts_at,
        meeting.is_cancelled,
        meeting.roster_is_completed,
        meeting.meets_on,
    )
