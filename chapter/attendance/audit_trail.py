"""A meeting's audit trail as people read it, and when its draft roster was last saved.

Queries only: the events of one meeting, and the names they mention resolved in one query
per kind (people, members, substitutes), however many lines the trail has. The wording is
``chapter.attendance.audit_wording`` (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from chapter.auth.models import User
from chapter.extensions import db
from chapter.meetings.models import Meeting
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
