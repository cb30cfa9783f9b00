"""Notifications: on the member's dashboard, and by e-mail after the commit where configured."""

from __future__ import annotations

from sqlalchemy import func

from chapter.db import utcnow
from chapter.extensions import db
from chapter.members.models import Member
from chapter.platform import mail_outbox
from chapter.platform.notification_models import Notification


def notify(
    member: Member, text: str, subject_type: str = "", subject_id: int | None = None
) -> None:
    """Tell ``member`` something (dashboard), and e-mail it after the transaction commits."""
    db.session.add(
        Notification(
            member_id=member.id, text=text, subject_type=subject_type, subject_id=subject_id
        )
    )
    mail_outbox.queue(db.session(), member.email, "Chapter: " + text[:80], text + "\n")


def unread(member_id: int, limit: int = 10) -> list[Notification]:
    """The newest unread notifications of a member."""
    return list(
        db.session.scalars(
            db.select(Notification)
            .where(Notification.member_id == member_id, Notification.read_at.is_(None))
            .order_by(Notification.id.desc())
            .limit(limit)
        )
    )


def unread_count(member_id: int) -> int:
    return (
        db.session.scalar(
            db.select(func.count())
            .select_from(Notification)
            .where(Notification.member_id == member_id, Notification.read_at.is_(None))
        )
        or 0
    )


def mark_all_read(member_id: int) -> int:
    """Mark every unread notification of the member as read; returns how many."""
    result = db.session.execute(
        db.update(Notification)
        .where(Notification.member_id == member_id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    return result.rowcount  # type: ignore[attr-defined,no-any-return]
