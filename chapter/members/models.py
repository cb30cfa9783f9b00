"""A member: one person's membership of a chapter, with their business and their ask."""

from __future__ import annotations

from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from chapter.auth.models import User
from chapter.bni.models import Imported
from chapter.chapters.models import Chapter
from chapter.db import Base, FormKeyed, Timestamps
from chapter.members.roles import MemberStatus, Position
from chapter.platform.enums import enum_column


class Member(Imported, FormKeyed, Timestamps, Base):
    __tablename__ = "members"
    __table_args__ = (
        Index(
            "uq_members_active_classification",
            "chapter_id",
            "classification_key",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        CheckConstraint("sponsor_id IS NULL OR sponsor_id <> id", name="not_own_sponsor"),
        CheckConstraint("(status = 'left') = (left_on IS NOT NULL)", name="left_on_iff_left"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), unique=True)
    chapter_id: Mapped[int] = mapped_column(
        ForeignKey("chapters.id", ondelete="RESTRICT"), index=True
    )
    business_name: Mapped[str] = mapped_column(String(120))
    classification: Mapped[str] = mapped_column(String(80))
    # Lower-cased, whitespace-collapsed classification: what "the same profession" means.
    classification_key: Mapped[str] = mapped_column(String(80))
    phone: Mapped[str] = mapped_column(String(40), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    offer: Mapped[str] = mapped_column(Text, default="")
    ask: Mapped[str] = mapped_column(Text, default="")
    joined_on: Mapped[date]
    renewal_on: Mapped[date | None]
    status: Mapped[MemberStatus] = mapped_column(
        enum_column(MemberStatus, "member_status"), default=MemberStatus.ACTIVE
    )
    left_on: Mapped[date | None]
    position: Mapped[Position | None] = mapped_column(enum_column(Position, "member_position"))
    sponsor_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    # Secret part of the member's own iCalendar feed URL; reset to revoke it.
    calendar_token: Mapped[str | None] = mapped_column(String(64), unique=True)

    user: Mapped[User] = relationship(back_populates="member", lazy="joined", innerjoin=True)
    chapter: Mapped[Chapter] = relationship(lazy="raise_on_sql")
    sponsor: Mapped[Member | None] = relationship(remote_side=[id], lazy="raise_on_sql")

    @property
    def full_name(self) -> str:
        return self.user.full_name

    @property
    def email(self) -> str:
        return self.user.email

    @property
    def is_active(self) -> bool:
        return self.status is MemberStatus.ACTIVE

    @property
    def is_leader(self) -> bool:
        return self.position is not None and self.status is not MemberStatus.LEFT

    def __repr__(self) -> str:
        return f"<Member {self.id} chapter={self.chapter_id}>"
