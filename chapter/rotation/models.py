"""The feature-presentation rotation: who presents at which meeting, and swap requests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chapter.db import Base, Timestamps, UTCDateTime
from chapter.meetings.models import Meeting
from chapter.platform.enums import enum_column
from chapter.rotation.states import Outcome, SwapStatus


class Presentation(Timestamps, Base):
    __tablename__ = "presentations"
    __table_args__ = (UniqueConstraint("meeting_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="RESTRICT"), index=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
    # Set by a leader's swap or assignment, or an accepted swap: regeneration keeps it.
    is_pinned: Mapped[bool] = mapped_column(default=False)
    outcome: Mapped[Outcome] = mapped_column(
        enum_column(Outcome, "presentation_outcome"), default=Outcome.SCHEDULED
    )

    meeting: Mapped[Meeting] = relationship(lazy="raise_on_sql")


class SwapRequest(Timestamps, Base):
    """A member asks another member to swap presentation slots; the other one answers."""

    __tablename__ = "swap_requests"
    __table_args__ = (CheckConstraint("requester_id <> target_id", name="not_with_self"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(
        ForeignKey("chapters.id", ondelete="RESTRICT"), index=True
    )
    requester_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    target_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
    requester_presentation_id: Mapped[int] = mapped_column(
        ForeignKey("presentations.id", ondelete="RESTRICT")
    )
    target_presentation_id: Mapped[int] = mapped_column(
        ForeignKey("presentations.id", ondelete="RESTRICT")
    )
    status: Mapped[SwapStatus] = mapped_column(
        enum_column(SwapStatus, "swap_status"), default=SwapStatus.PENDING
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
