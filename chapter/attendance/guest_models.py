"""Guests: visitors and substitutes, recorded as people the chapter may follow up."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chapter.attendance.guest_rules import FollowUp
from chapter.bni.models import Imported
from chapter.db import Base, Timestamps
from chapter.platform.enums import enum_column


class Guest(Timestamps, Base):
    __tablename__ = "guests"

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(
        ForeignKey("chapters.id", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    business_name: Mapped[str] = mapped_column(String(120), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    # A substitute who is a member of another chapter on the platform.
    other_member_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT")
    )
    follow_up: Mapped[FollowUp] = mapped_column(
        enum_column(FollowUp, "follow_up"), default=FollowUp.TO_CONTACT
    )
    responsible_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT")
    )
    follow_up_note: Mapped[str] = mapped_column(String(500), default="")
    # Set when the guest joins the chapter: the member created from their details.
    joined_as_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))


class Visit(Imported, Timestamps, Base):
    """A visitor at a meeting, invited by a member (who earns visitor credit)."""

    __tablename__ = "visits"
    __table_args__ = (UniqueConstraint("meeting_id", "guest_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("meetings.id", ondelete="RESTRICT"), index=True
    )
    guest_id: Mapped[int] = mapped_column(ForeignKey("guests.id", ondelete="RESTRICT"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
