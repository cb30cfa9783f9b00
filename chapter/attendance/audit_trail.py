"""A meeting's audit trail as people read it, and when its draft roster was last saved.

Queries only: the events of one meeting, and the names they mention resolved in one query
per kind (people, members, substitutes), however many lines the trail has. The wording is
``chapter.attendance.audit_wording`` (pure)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from chapter.attendance.audit_wording import Names, action_title, describe_change, mentioned
from chapter.attendance.guest_models import Guest
from chapter.auth.models import User
from chapter.extensions import db
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.platform import audit
from chapter.platform.audit_models import AuditEvent

ROSTER_SAVED = "roster.saved"


@dataclass(frozen=True)
class DraftSaved:
    """The last save of a meeting's roster: when (in the chapter's time zone) and by whom."""

    at: datetime
    by: str


def draft_saved(meeting: Meeting, timezone: str) -> DraftSaved | None:
    """When and by whom the roster was last saved (one query); None if never."""
    row = db.session.execute(
        db.select(AuditEvent.created_at, User.first_name, User.last_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.subject_type == "Meeting",
            AuditEvent.subject_id == meeting.id,
            AuditEvent.action == ROSTER_SAVED,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    by = f"{row.first_name} {row.last_name}" if row.first_name is not None else "the system"
    return DraftSaved(row.created_at.astimezone(ZoneInfo(timezone)), by)


@dataclass(frozen=True)
class TrailEntry:
    """One line of a meeting's audit trail, as a leader reads it; ``before`` and ``after``
    are the raw record (shown behind a toggle)."""

    at: datetime
    who: str
    action: str
    title: str
    lines: list[str]
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def meeting_trail(meeting: Meeting, timezone: str) -> list[TrailEntry]:
    """The meeting's audit trail, oldest first, worded by ``audit_wording`` with times in
    the chapter's ``timezone``. At most four queries, however long the trail."""
    zone = ZoneInfo(timezone)
    events = audit.list_for_subject("Meeting", meeting.id)
    mentions = [mentioned(event.action, event.before, event.after) for event in events]
    names = Names(
        members=_member_names(meeting.chapter_id, {i for m in mentions for i in m.member_ids}),
        guests=_guest_names(meeting.chapter_id, {i for m in mentions for i in m.guest_ids}),
    )
    people = _people({event.actor_id for event in events if event.actor_id is not None})
    return [
        TrailEntry(
            at=event.created_at.astimezone(zone),
            who=people.get(event.actor_id, "the system") if event.actor_id else "the system",
            action=event.action,
            title=action_title(event.action),
            lines=describe_change(event.action, event.before, event.after, names, zone),
            before=event.before,
            after=event.after,
        )
        for event in events
    ]


def _member_names(chapter_id: int, member_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(member_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(Member.id, User.first_name, User.last_name)
        .join(Member.user)
        .where(Member.chapter_id == chapter_id, Member.id.in_(ids))
    )
    return {row.id: f"{row.first_name} {row.last_name}" for row in rows}


def _guest_names(chapter_id: int, guest_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(guest_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(Guest.id, Guest.name).where(Guest.chapter_id == chapter_id, Guest.id.in_(ids))
    )
    return {row.id: row.name for row in rows}


def _people(user_ids: Iterable[int]) -> dict[int, str]:
    ids = sorted(user_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(User.id, User.first_name, User.last_name).where(User.id.in_(ids))
    )
    return {row.id: f"{row.first_name} {row.last_name}" for row in rows}
