"""The presentation rotation: generating it by the rule, swaps, assignments, outcomes.

The next CONFIRMED_MEETINGS meetings are confirmed and never changed by regeneration; so are
slots a leader set by hand (swaps, assignments, accepted swap requests). Everything further
out is recomputed whenever membership or the schedule changes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func
from sqlalchemy.orm import contains_eager

from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.errors import NotFound, RuleViolation
from chapter.extensions import db
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.platform import audit
from chapter.rotation.models import Presentation, SwapRequest
from chapter.rotation.rules import (
    Candidate,
    Slot,
    confirmed_meeting_ids,
    plan,
    presenters_at,
)
from chapter.rotation.states import Outcome


@dataclass(frozen=True)
class Change:
    """A slot whose presenters regeneration changed."""

    meets_on: date
    before: tuple[int, ...]
    after: tuple[int, ...]


def upcoming_meetings(chapter_id: int, today: date) -> list[Meeting]:
    """Meetings from today on, in date order (cancelled ones included)."""
    return list(
        db.session.scalars(
            db.select(Meeting)
            .where(Meeting.chapter_id == chapter_id, Meeting.meets_on >= today)
            .order_by(Meeting.meets_on, Meeting.id)
        )
    )


def presentations_for(meeting_ids: list[int]) -> dict[int, list[Presentation]]:
    """Presentations by meeting id (one query)."""
    by_meeting: dict[int, list[Presentation]] = {mid: [] for mid in meeting_ids}
    for presentation in db.session.scalars(
        db.select(Presentation)
        .where(Presentation.meeting_id.in_(meeting_ids))
        .order_by(Presentation.id)
    ):
        by_meeting[presentation.meeting_id].append(presentation)
    return by_meeting


def candidates(chapter_id: int, today: date) -> list[Candidate]:
    """Active members with when they last presented (before today) and whether they owe one."""
    last_presented = (
        db.select(Presentation.member_id, func.max(Meeting.meets_on).label("last_on"))
        .join(Meeting, Meeting.id == Presentation.meeting_id)
        .where(
            Meeting.chapter_id == chapter_id,
            Meeting.meets_on < today,
            Meeting.is_cancelled.is_(False),
            Presentation.outcome != Outcome.NO_SHOW,
        )
        .group_by(Presentation.member_id)
        .subquery()
    )
    last_no_show = (
        db.select(Presentation.member_id, func.max(Meeting.meets_on).label("no_show_on"))
        .join(Meeting, Meeting.id == Presentation.meeting_id)
        .where(Meeting.chapter_id == chapter_id, Presentation.outcome == Outcome.NO_SHOW)
        .group_by(Presentation.member_id)
        .subquery()
    )
    rows = db.session.execute(
        db.select(Member.id, Member.joined_on, last_presented.c.last_on, last_no_show.c.no_show_on)
        .outerjoin(last_presented, last_presented.c.member_id == Member.id)
        .outerjoin(last_no_show, last_no_show.c.member_id == Member.id)
        .where(Member.chapter_id == chapter_id, Member.status == MemberStatus.ACTIVE)
    )
    return [
        Candidate(
            member_id=row.id,
            joined_on=row.joined_on,
            last_presented_on=row.last_on,
            owes=row.no_show_on is not None
            and (row.last_on is None or row.no_show_on > row.last_on),
        )
        for row in rows
    ]


def regenerate(chapter: Chapter, *, actor: User | None, today: date) -> list[Change]:
    """Fill or refill the presenter slots of the chapter's upcoming meetings by the rule.

    Confirmed meetings (the next two) and slots set by hand are kept; cancelled meetings lose
    their presenters; every other slot follows the rule. Returns the slots that changed.
    """
    meetings = upcoming_meetings(chapter.id, today)
    current = presentations_for([m.id for m in meetings])
    held = [m for m in meetings if not m.is_cancelled]
    slots = [Slot(m.id, m.meets_on, chapter.presenters_per_meeting) for m in held]
    confirmed = confirmed_meeting_ids(slots, _member_ids(current))
    active = {c.member_id for c in candidates(chapter.id, today)}
    fixed = {
        meeting_id: [p.member_id for p in rows]
        for meeting_id, rows in current.items()
        if rows
        and (meeting_id in confirmed or any(p.is_pinned for p in rows))
        and all(p.member_id in active or meeting_id in confirmed for p in rows)
    }
    planned = plan(
        slots, candidates(chapter.id, today), fixed, grace_weeks=chapter.rotation_grace_weeks
    )
    changes: list[Change] = []
    for meeting in meetings:
        rows = current[meeting.id]
        before = tuple(p.member_id for p in rows)
        after = tuple(presenters_at(meeting.is_cancelled, planned.get(meeting.id, ())))
        if set(before) == set(after):
            continue
        leaving = [p for p in rows if p.member_id not in after]
        arriving = [member_id for member_id in after if member_id not in before]
        # Reassign rows in place (swap requests keep pointing at the same slot) ...
        for presentation, member_id in zip(leaving, arriving, strict=False):
            presentation.member_id = member_id
            presentation.is_pinned = False
        # ... add what is missing, and drop plans for slots that no longer exist.
        for member_id in arriving[len(leaving) :]:
            db.session.add(Presentation(meeting_id=meeting.id, member_id=member_id))
        for presentation in leaving[len(arriving) :]:
            _drop(presentation)
        changes.append(Change(meeting.meets_on, before, after))
    db.session.flush()
    if changes and actor is not None:
        audit.record(
            actor,
            "rotation.generated",
            chapter,
            chapter_id=chapter.id,
            before={c.meets_on.isoformat(): list(c.before) for c in changes},
            after={c.meets_on.isoformat(): list(c.after) for c in changes},
        )
    return changes


def _member_ids(slots: Mapping[int, Sequence[Presentation]]) -> dict[int, list[int]]:
    return {meeting_id: [p.member_id for p in rows] for meeting_id, rows in slots.items()}


def clear_cancelled(meeting: Meeting) -> int:
    """A cancelled meeting has no presenters (``rules.presenters_at``), a past one included
    (an import's undo cancels a meeting already held). Its planned slots are dropped; a
    presentation already recorded as given or missed is history, so the meeting cannot be
    cancelled then. Returns how many slots were dropped."""
    rows = presentations_for([meeting.id])[meeting.id]
    kept = presenters_at(meeting.is_cancelled, [p.member_id for p in rows])
    recorded = [p for p in rows if p.member_id not in kept and p.outcome is not Outcome.SCHEDULED]
    if recorded:
        raise RuleViolation(
            "A presentation was already recorded at this meeting; it cannot be cancelled."
        )
    dropped = [p for p in rows if p.member_id not in kept]
    for presentation in dropped:
        _drop(presentation)
    db.session.flush()
    return len(dropped)


def _drop(presentation: Presentation) -> None:
    """Remove a planned slot (a plan, not history), with the swap requests about it."""
    db.session.execute(
        db.delete(SwapRequest).where(
            (SwapRequest.requester_presentation_id == presentation.id)
            | (SwapRequest.target_presentation_id == presentation.id)
        )
    )
    db.session.delete(presentation)


def get_in_chapter(chapter_id: int, presentation_id: int) -> tuple[Presentation, Meeting]:
    row = db.session.execute(
        db.select(Presentation, Meeting)
        .join(Meeting, Meeting.id == Presentation.meeting_id)
        .where(Presentation.id == presentation_id, Meeting.chapter_id == chapter_id)
    ).one_or_none()
    if row is None:
        raise NotFound("There is no such presentation slot in your chapter.")
    return row[0], row[1]


def _check_future(meeting: Meeting, today: date, field: str | None = None) -> None:
    if meeting.meets_on < today:
        raise RuleViolation("That slot is in the past.", field=field)
    if meeting.is_cancelled:
        raise RuleViolation("That meeting is cancelled.", field=field)


def _occupied(meeting_id: int, member_id: int, except_id: int) -> bool:
    return (
        db.session.scalar(
            db.select(Presentation.id).where(
                Presentation.meeting_id == meeting_id,
                Presentation.member_id == member_id,
                Presentation.id != except_id,
            )
        )
        is not None
    )


def swap(
    first: Presentation, second: Presentation, *, chapter_id: int, actor: User, today: date
) -> None:
    """Swap two members' slots; both are then kept by regeneration (pinned)."""
    if first.id == second.id or first.meeting_id == second.meeting_id:
        raise RuleViolation("Choose two slots at different meetings.", field="second_id")
    _, first_meeting = get_in_chapter(chapter_id, first.id)
    _, second_meeting = get_in_chapter(chapter_id, second.id)
    _check_future(first_meeting, today, "first_id")
    _check_future(second_meeting, today, "second_id")
    if _occupied(first.meeting_id, second.member_id, first.id) or _occupied(
        second.meeting_id, first.member_id, second.id
    ):
        raise RuleViolation("One of them already presents at the other meeting.")
    before = {
        "first": [first.meeting_id, first.member_id],
        "second": [second.meeting_id, second.member_id],
    }
    first_member, second_member = first.member_id, second.member_id
    first.member_id, first.is_pinned = second_member, True
    db.session.flush()
    second.member_id, second.is_pinned = first_member, True
    db.session.flush()
    audit.record(
        actor,
        "rotation.swapped",
        first_meeting,
        chapter_id=chapter_id,
        before=before,
        after={
            "first": [first.meeting_id, second_member],
            "second": [second.meeting_id, first_member],
        },
    )


def assign(
    presentation: Presentation, member_id: int, *, chapter_id: int, actor: User, today: date
) -> None:
    """Give a slot to another active member of the chapter (kept by regeneration)."""
    _, meeting = get_in_chapter(chapter_id, presentation.id)
    _check_future(meeting, today)
    member = db.session.get(Member, member_id)
    if member is None or member.chapter_id != chapter_id:
        raise RuleViolation("Choose a member of your chapter.", field="member_id")
    if member.status is not MemberStatus.ACTIVE:
        raise RuleViolation(f"{member.full_name} is not active.", field="member_id")
    if _occupied(meeting.id, member_id, presentation.id):
        raise RuleViolation(
            f"{member.full_name} already presents at that meeting.", field="member_id"
        )
    before = {"member_id": presentation.member_id}
    presentation.member_id = member_id
    presentation.is_pinned = True
    db.session.flush()
    audit.record(
        actor,
        "rotation.assigned",
        meeting,
        chapter_id=chapter_id,
        before=before,
        after={"member_id": member_id},
    )


def record_outcome(
    presentation: Presentation, outcome: Outcome, *, chapter_id: int, actor: User, today: date
) -> None:
    """Presented or no-show, on or after the meeting day. A no-show goes back to the front."""
    _, meeting = get_in_chapter(chapter_id, presentation.id)
    if meeting.meets_on > today:
        raise RuleViolation("Record what happened on or after the meeting day.")
    if meeting.is_cancelled:
        raise RuleViolation("That meeting was cancelled: nobody presented.")
    if outcome is Outcome.SCHEDULED:
        raise RuleViolation("Choose presented or no-show.", field="outcome")
    before = {"outcome": presentation.outcome.value}
    presentation.outcome = outcome
    db.session.flush()
    audit.record(
        actor,
        "rotation.outcome",
        meeting,
        chapter_id=chapter_id,
        before=before,
        after={"outcome": outcome.value, "member_id": presentation.member_id},
    )


def past_query(chapter_id: int, today: date) -> Select[tuple[Presentation]]:
    """Presentations at meetings before today, newest first (each with its meeting loaded)."""
    return (
        db.select(Presentation)
        .join(Presentation.meeting)
        .options(contains_eager(Presentation.meeting))
        .where(Meeting.chapter_id == chapter_id, Meeting.meets_on < today)
        .order_by(Meeting.meets_on.desc(), Presentation.id)
    )


def next_presentation(member_id: int, today: date, *, within: timedelta) -> Meeting | None:
    """The member's next meeting to present at (not cancelled), if it is ``within`` from today."""
    return db.session.scalar(
        db.select(Meeting)
        .join(Presentation, Presentation.meeting_id == Meeting.id)
        .where(
            Presentation.member_id == member_id,
            Meeting.meets_on >= today,
            Meeting.meets_on <= today + within,
            Meeting.is_cancelled.is_(False),
        )
        .order_by(Meeting.meets_on)
        .limit(1)
    )


def confirmed_ids(
    meetings: list[Meeting], slots: Mapping[int, Sequence[Presentation]] | None = None
) -> set[int]:
    """The ids of the confirmed meetings among these: the next two held ones that have a
    presenter (``slots``: their presentations, as ``presentations_for`` gives them; loaded
    when not given)."""
    if slots is None:
        slots = presentations_for([m.id for m in meetings])
    return confirmed_meeting_ids(
        [Slot(m.id, m.meets_on, 1) for m in meetings if not m.is_cancelled], _member_ids(slots)
    )


def follow_changes(chapter_id: int, *, actor: User | None, today: date) -> list[Change]:
    """After membership or the schedule changed: recompute the unconfirmed slots, if the
    chapter keeps a rotation at all. Returns the slots that changed, for the leader."""
    has_rotation = db.session.scalar(
        db.select(Presentation.id)
        .join(Meeting, Meeting.id == Presentation.meeting_id)
        .where(Meeting.chapter_id == chapter_id)
        .limit(1)
    )
    if has_rotation is None:
        return []
    chapter = db.session.get(Chapter, chapter_id)
    assert chapter is not None  # noqa: S101 - the caller's own chapter
    return regenerate(chapter, actor=actor, today=today)


def describe_changes(changes: list[Change], names: dict[int, str]) -> str:
    """``25 Nov: Ann → Bob; 2 Dec: (nobody) → Cy`` for a flash message."""

    def who(ids: tuple[int, ...]) -> str:
        return ", ".join(names.get(i, "?") for i in ids) or "(nobody)"

    return "; ".join(f"{c.meets_on:%d %b}: {who(c.before)} → {who(c.after)}" for c in changes)
