"""Audit records: every change a leader or admin makes, with before and after."""

from __future__ import annotations

from typing import Any

from chapter.auth.models import User
from chapter.extensions import db
from chapter.platform.audit_models import AuditEvent


def record(
    actor: User | None,
    action: str,
    subject: Any,
    *,
    chapter_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction (it is written or rolled back with it)."""
    event = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        chapter_id=chapter_id,
        action=action,
        subject_type=type(subject).__name__,
        subject_id=getattr(subject, "id", None),
        before=before,
        after=after,
    )
    db.session.add(event)
    return event


def list_for_subject(subject_type: str, subject_id: int) -> list[AuditEvent]:
    """The audit trail of one object, oldest first."""
    return list(
        db.session.scalars(
            db.select(AuditEvent)
            .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.id)
        )
    )
