"""Notifications shown on a member's dashboard (and mailed where mail is configured)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from chapter.db import Base, UTCDateTime, utcnow


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_member_id_read_at", "member_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    text: Mapped[str] = mapped_column(String(300))
    # What it is about, for the link on the dashboard: "slip", "thank_you", "one_to_one",
    # "testimonial".
    subject_type: Mapped[str] = mapped_column(String(32), default="")
    subject_id: Mapped[int | None]
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
