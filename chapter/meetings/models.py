"""A meeting: one weekly meeting of a chapter, generated from its schedule."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chapter.db import FORM_KEY_LENGTH, Base, Timestamps, UTCDateTime


class Meeting(Timestamps, Base):
    __tablename__ = "meetings"
    __table_args__ = (
        # One meeting per regular weekly slot; extra meetings have no slot (NULLs are distinct).
        UniqueConstraint("chapter_id", "scheduled_on"),
        Index("ix_meetings_chapter_id_meets_on", "chapter_id", "meets_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="RESTRICT"))
    # The regular slot this meeting fills (None for an extra meeting); moving keeps the slot.
    scheduled_on: Mapped[date | None]
    meets_on: Mapped[date]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    is_cancelled: Mapped[bool] = mapped_column(default=False)
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    roster_completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    roster_completed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="RESTRICT")
    )
    # Bumped by every roster save: two leaders saving at once cannot overwrite each other.
    roster_version: Mapped[int] = mapped_column(default=0)
    # The one-time key of the roster form saved last (chapter.forms.OnceForm): the same form
    # sent twice lands on the first save instead of "the roster changed since you opened it".
    roster_form_key: Mapped[str | None] = mapped_column(
        String(FORM_KEY_LENGTH), unique=True, index=True
    )

    @property
    def is_extra(self) -> bool:
        return self.scheduled_on is None

    @property
    def is_moved(self) -> bool:
        return self.scheduled_on is not None and self.scheduled_on != self.meets_on

    @property
    def roster_is_completed(self) -> bool:
        return self.roster_completed_at is not None

    def __repr__(self) -> str:
        return f"<Meeting {self.id} chapter={self.chapter_id} {self.meets_on}>"
