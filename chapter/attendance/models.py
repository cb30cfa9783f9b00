"""Attendance (PALMS): one letter per member per meeting, with a substitute's details."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chapter.attendance.rules import Palms
from chapter.bni.models import Imported
from chapter.db import Base, Timestamps
from chapter.platform.enums import enum_column

if TYPE_CHECKING:
    from chapter.attendance.guest_models import Guest
    from chapter.meetings.models import Meeting


class Attendance(Imported, Timestamps, Base):
    __tablename__ = "attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id"),
        CheckConstraint("status = 'S' OR substitute_id IS NULL", name="substitute_only_when_s"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="RESTRICT"), index=True
    )
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
    status: Mapped[Palms] = mapped_column(enum_column(Palms, "palms"))
    note: Mapped[str] = mapped_column(String(200), default="")
    substitute_id: Mapped[int | None] = mapped_column(ForeignKey("guests.id", ondelete="RESTRICT"))
    # Set by the member ahead of the meeting ("I will send a substitute"...), until a leader saves.
    announced: Mapped[bool] = mapped_column(default=False)

    substitute: Mapped[Guest | None] = relationship(lazy="raise_on_sql")
    meeting: Mapped[Meeting] = relationship(lazy="raise_on_sql")
