"""A chapter: the group, its weekly meeting schedule and its rules."""

from __future__ import annotations

from datetime import time
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from chapter.db import Base, Timestamps


class Chapter(Timestamps, Base):
    __tablename__ = "chapters"
    __table_args__ = (
        CheckConstraint("meeting_weekday BETWEEN 0 AND 6", name="meeting_weekday_range"),
        CheckConstraint("presenters_per_meeting BETWEEN 1 AND 2", name="presenters_range"),
        CheckConstraint("absence_limit >= 1", name="absence_limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    meeting_weekday: Mapped[int] = mapped_column(SmallInteger)  # Monday = 0, as date.weekday()
    meeting_time: Mapped[time]
    timezone: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(String(200), default="")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    presenters_per_meeting: Mapped[int] = mapped_column(SmallInteger, default=1)
    absence_limit: Mapped[int] = mapped_column(SmallInteger, default=3)
    # New members are not scheduled to present in their first weeks.
    rotation_grace_weeks: Mapped[int] = mapped_column(SmallInteger, default=4, server_default="4")
    # The chapter's traffic-light scoring table (data; None = the default preset).
    scoring: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # Secret part of the chapter's iCalendar feed URL; reset to revoke it.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    is_demo: Mapped[bool] = mapped_column(default=False)
    # Raised in the same transaction as every commit that touches the chapter's rows
    # (chapter.platform.page_cache): read with the log-in check, it keys the chapter's cached
    # pages without asking the cache for a version.
    data_version: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")

    def __repr__(self) -> str:
        return f"<Chapter {self.id} {self.name!r}>"
