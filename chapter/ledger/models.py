"""The referral ledger: slips, thank-yous (TYFCB), one-to-ones, education credits.

Nothing here is deleted: entries are voided (when, by whom, why) and leave the totals.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from chapter.bni.models import Imported
from chapter.db import Base, FormKeyed, Timestamps, UTCDateTime, utcnow
from chapter.ledger.rules import BusinessType, SlipKind, SlipStatus, TestimonialKind
from chapter.platform.enums import enum_column


class Voidable:
    """Corrections void an entry instead of deleting it."""

    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    void_reason: Mapped[str] = mapped_column(String(200), default="")

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None


class Counterpart:
    """Imported history may name a person of another chapter on one side of an entry."""

    counterpart_name: Mapped[str] = mapped_column(String(120), default="")
    counterpart_chapter: Mapped[str] = mapped_column(String(200), default="")

    def name_of(self, names: Mapping[int, str], member_id: int | None) -> str:
        """One side's name: the member's, or (imported history) the other-chapter person's."""
        if member_id is not None:
            return names.get(member_id, "")
        return f"{self.counterpart_name} (other chapter)"


class ReferralSlip(Counterpart, Imported, Voidable, FormKeyed, Timestamps, Base):
    """A referral between two members; imported history may have a person of another chapter
    on one side (``counterpart_name``, ``counterpart_chapter``) instead of a member."""

    __tablename__ = "referral_slips"
    __table_args__ = (
        CheckConstraint("giver_id <> receiver_id", name="not_to_self"),
        CheckConstraint(
            "(giver_id IS NOT NULL AND receiver_id IS NOT NULL) OR "
            "((giver_id IS NOT NULL OR receiver_id IS NOT NULL) AND counterpart_name <> '')",
            name="members_or_counterpart",
        ),
        CheckConstraint("warmth BETWEEN 1 AND 5", name="warmth_range"),
        Index("ix_referral_slips_chapter_id_week_on", "chapter_id", "week_on"),
        Index("ix_referral_slips_receiver_id_passed_at", "receiver_id", "passed_at"),
        Index("ix_referral_slips_giver_id_passed_at", "giver_id", "passed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="RESTRICT"))
    giver_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    receiver_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    # The week it counts toward: the next meeting not yet completed when it was passed.
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"))
    week_on: Mapped[date]  # the date of that meeting: what periods and leaderboards filter on
    passed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    kind: Mapped[SlipKind] = mapped_column(enum_column(SlipKind, "slip_kind"))
    prospect_name: Mapped[str] = mapped_column(String(120))
    prospect_phone: Mapped[str] = mapped_column(String(40), default="")
    prospect_email: Mapped[str] = mapped_column(String(254), default="")
    need: Mapped[str] = mapped_column(Text, default="")
    warmth: Mapped[int] = mapped_column(SmallInteger)
    may_contact: Mapped[bool] = mapped_column(default=False)
    status: Mapped[SlipStatus] = mapped_column(
        enum_column(SlipStatus, "slip_status"), default=SlipStatus.NEW
    )
    status_note: Mapped[str] = mapped_column(String(500), default="")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ThankYou(Imported, Voidable, FormKeyed, Timestamps, Base):
    """TYFCB: closed business credited to the giver. Who thanked is private to the thanker
    (and to the giver when ``reveal_thanker``); imported history has no thanker at all."""

    __tablename__ = "thank_yous"
    __table_args__ = (
        CheckConstraint("amount_cents > 0", name="amount_positive"),
        CheckConstraint("amount_cents <= 10000000000", name="amount_bounded"),  # money.MAX_CENTS
        CheckConstraint("thanker_id IS NULL OR thanker_id <> giver_id", name="not_to_self"),
        Index("ix_thank_yous_chapter_id_week_on", "chapter_id", "week_on"),
        Index("ix_thank_yous_giver_id_thanked_on", "giver_id", "thanked_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="RESTRICT"))
    giver_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    thanker_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"))
    week_on: Mapped[date]  # the date of that meeting: what periods and leaderboards filter on
    slip_id: Mapped[int | None] = mapped_column(
        ForeignKey("referral_slips.id", ondelete="RESTRICT")
    )
    amount_cents: Mapped[int] = mapped_column(BigInteger)
    business_type: Mapped[BusinessType] = mapped_column(enum_column(BusinessType, "business_type"))
    thanked_on: Mapped[date]
    reveal_thanker: Mapped[bool] = mapped_column(default=True)
    note: Mapped[str] = mapped_column(String(500), default="")


class OneToOne(Counterpart, Imported, Voidable, FormKeyed, Timestamps, Base):
    """Two members met; imported history may name a person of another chapter as the other."""

    __tablename__ = "one_to_ones"
    __table_args__ = (
        CheckConstraint("logged_by_id <> other_id", name="not_with_self"),
        CheckConstraint(
            "other_id IS NOT NULL OR counterpart_name <> ''", name="member_or_counterpart"
        ),
        Index("ix_one_to_ones_chapter_id_week_on", "chapter_id", "week_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="RESTRICT"))
    logged_by_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
    other_id: Mapped[int | None] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"))
    week_on: Mapped[date]  # the date of that meeting: what periods and leaderboards filter on
    met_on: Mapped[date]
    place: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    disputed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    dispute_reason: Mapped[str] = mapped_column(String(500), default="")


class EducationCredit(Imported, Voidable, FormKeyed, Timestamps, Base):
    __tablename__ = "education_credits"
    __table_args__ = (
        # Members log 1-20; an imported slip may carry more (a real export has 21).
        CheckConstraint("credits BETWEEN 1 AND 100", name="credits_range"),
        Index("ix_education_credits_chapter_id_week_on", "chapter_id", "week_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="RESTRICT"))
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"))
    week_on: Mapped[date]  # the date of that meeting: what periods and leaderboards filter on
    earned_on: Mapped[date]
    credits: Mapped[int] = mapped_column(SmallInteger, default=1)
    topic: Mapped[str] = mapped_column(String(200))


class Testimonial(Imported, Voidable, FormKeyed, Timestamps, Base):
    """A member's testimonial for another member (spoken at a meeting or written): counted for
    the giver, like other ledger entries, in the week it was recorded for. The receiver may
    publish its text on their profile when the giver allows it (``may_publish``)."""

    __test__ = False  # pytest: a "Test..." name that is not a test

    __tablename__ = "testimonials"
    __table_args__ = (
        CheckConstraint("giver_id <> receiver_id", name="not_to_self"),
        Index("ix_testimonials_chapter_id_week_on", "chapter_id", "week_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="RESTRICT"))
    giver_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"), index=True)
    receiver_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"))
    week_on: Mapped[date]  # the date of that meeting: what periods and leaderboards filter on
    given_on: Mapped[date]
    kind: Mapped[TestimonialKind] = mapped_column(enum_column(TestimonialKind, "testimonial_kind"))
    text: Mapped[str] = mapped_column(Text, default="")
    may_publish: Mapped[bool] = mapped_column(default=False)
