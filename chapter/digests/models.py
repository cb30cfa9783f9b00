"""The sent-mail ledger, members' mail preferences and each chapter's defaults."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from chapter.db import Base, Timestamps, UTCDateTime
from chapter.digests.rules import DEFAULT_SEND_HOUR, MailKind
from chapter.platform.enums import enum_column


class MailDelivery(Timestamps, Base):
    """One scheduled mail to one member: claimed (a unique insert) before it is sent, so two
    runs never send it twice; ``sent_at`` stays empty until the SMTP server accepted it."""

    __tablename__ = "mail_deliveries"
    __table_args__ = (
        UniqueConstraint("member_id", "kind", "period_key"),
        Index("ix_mail_deliveries_kind_period_key", "kind", "period_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    kind: Mapped[MailKind] = mapped_column(enum_column(MailKind, "mail_kind"))
    period_key: Mapped[str] = mapped_column(String(40))  # the meeting's date, 2026-11-18
    # Set by the run sending it now; None after a failure, so the next run retries.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(String(200), default="")


class MailPreference(Timestamps, Base):
    """A member's own choice per topic; None follows the chapter's default."""

    __tablename__ = "mail_preferences"

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), primary_key=True
    )
    digest: Mapped[bool | None]
    reminders: Mapped[bool | None]


class ChapterMailSettings(Timestamps, Base):
    """A chapter's mail defaults, set by its leaders (no row: both on, 08:00)."""

    __tablename__ = "chapter_mail_settings"
    __table_args__ = (CheckConstraint("send_hour BETWEEN 0 AND 23", name="send_hour_range"),)

    chapter_id: Mapped[int] = mapped_column(
        ForeignKey("chapters.id", ondelete="RESTRICT"), primary_key=True
    )
    digest_default: Mapped[bool] = mapped_column(default=True)
    reminders_default: Mapped[bool] = mapped_column(default=True)
    # The local hour from which a digest goes out the day after a meeting whose roster is
    # still open, and from which the day-before reminder goes out.
    send_hour: Mapped[int] = mapped_column(SmallInteger, default=DEFAULT_SEND_HOUR)
