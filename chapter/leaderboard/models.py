"""Per member, per week: what they gave, received and did. A derived summary, kept in step
with the raw rows in the same transaction, so leaderboards never scan the slip table."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer
from sqlalchemy.orm import Mapped, mapped_column

from chapter.attendance.rules import Palms
from chapter.db import Base, UTCDateTime

COUNT_COLUMNS = (
    "given_inside",
    "given_outside",
    "received_inside",
    "received_outside",
    "one_to_ones",
    "visitors",
    "education_credits",
    "testimonials",
    "present",
    "absent",
    "late",
    "medical",
    "substitute",
)
MONEY_COLUMNS = ("tyfcb_credited_cents", "tyfcb_thanked_cents")
COLUMNS = COUNT_COLUMNS + MONEY_COLUMNS
LETTER_COLUMNS = {
    Palms.PRESENT: "present",
    Palms.ABSENT: "absent",
    Palms.LATE: "late",
    Palms.MEDICAL: "medical",
    Palms.SUBSTITUTE: "substitute",
}


def palms_counts(totals: Mapping[str, int]) -> dict[Palms, int]:
    """The PALMS letter counts among summed weekly columns (for the attendance rules)."""
    return {letter: int(totals.get(column) or 0) for letter, column in LETTER_COLUMNS.items()}


class WeeklyTotal(Base):
    __tablename__ = "weekly_totals"
    __table_args__ = (
        Index("ix_weekly_totals_chapter_id_week_on", "chapter_id", "week_on"),
        # Region-wide questions ("all chapters, these weeks") read this index alone, in
        # week order, instead of rows scattered over the whole table (see make bench).
        Index(
            "ix_weekly_totals_week_on_covering",
            "week_on",
            "chapter_id",
            "member_id",
            "given_inside",
            "given_outside",
            "tyfcb_credited_cents",
            "one_to_ones",
            "visitors",
            "present",
            "absent",
            "late",
            "medical",
            "substitute",
        ),
    )

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), primary_key=True
    )
    week_on: Mapped[date] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="RESTRICT"))
    given_inside: Mapped[int] = mapped_column(Integer, default=0)
    given_outside: Mapped[int] = mapped_column(Integer, default=0)
    received_inside: Mapped[int] = mapped_column(Integer, default=0)
    received_outside: Mapped[int] = mapped_column(Integer, default=0)
    one_to_ones: Mapped[int] = mapped_column(Integer, default=0)
    visitors: Mapped[int] = mapped_column(Integer, default=0)
    education_credits: Mapped[int] = mapped_column(Integer, default=0)
    testimonials: Mapped[int] = mapped_column(Integer, default=0)  # given by the member
    present: Mapped[int] = mapped_column(Integer, default=0)
    absent: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
    medical: Mapped[int] = mapped_column(Integer, default=0)
    substitute: Mapped[int] = mapped_column(Integer, default=0)
    tyfcb_credited_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    tyfcb_thanked_cents: Mapped[int] = mapped_column(BigInteger, default=0)


class ChapterWeeklyTotal(Base):
    """The same columns summed per chapter and week: region-wide pages read 100 chapters x
    26 weeks of these instead of 65,000 member-weeks."""

    __tablename__ = "chapter_weekly_totals"

    chapter_id: Mapped[int] = mapped_column(
        ForeignKey("chapters.id", ondelete="RESTRICT"), primary_key=True
    )
    week_on: Mapped[date] = mapped_column(primary_key=True, index=True)
    given_inside: Mapped[int] = mapped_column(Integer, default=0)
    given_outside: Mapped[int] = mapped_column(Integer, default=0)
    received_inside: Mapped[int] = mapped_column(Integer, default=0)
    received_outside: Mapped[int] = mapped_column(Integer, default=0)
    one_to_ones: Mapped[int] = mapped_column(Integer, default=0)
    visitors: Mapped[int] = mapped_column(Integer, default=0)
    education_credits: Mapped[int] = mapped_column(Integer, default=0)
    testimonials: Mapped[int] = mapped_column(Integer, default=0)  # given by the member
    present: Mapped[int] = mapped_column(Integer, default=0)
    absent: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
    medical: Mapped[int] = mapped_column(Integer, default=0)
    substitute: Mapped[int] = mapped_column(Integer, default=0)
    tyfcb_credited_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    tyfcb_thanked_cents: Mapped[int] = mapped_column(BigInteger, default=0)


class RunningColumns:
    """The running columns (``RUNNING_COLUMNS``): meetings held and every summed column, as
    the running totals and the region's window totals both hold them."""

    held_meetings: Mapped[int] = mapped_column(Integer, default=0)
    given_inside: Mapped[int] = mapped_column(BigInteger, default=0)
    given_outside: Mapped[int] = mapped_column(BigInteger, default=0)
    received_inside: Mapped[int] = mapped_column(BigInteger, default=0)
    received_outside: Mapped[int] = mapped_column(BigInteger, default=0)
    one_to_ones: Mapped[int] = mapped_column(BigInteger, default=0)
    visitors: Mapped[int] = mapped_column(BigInteger, default=0)
    education_credits: Mapped[int] = mapped_column(BigInteger, default=0)
    testimonials: Mapped[int] = mapped_column(BigInteger, default=0)
    present: Mapped[int] = mapped_column(BigInteger, default=0)
    absent: Mapped[int] = mapped_column(BigInteger, default=0)
    late: Mapped[int] = mapped_column(BigInteger, default=0)
    medical: Mapped[int] = mapped_column(BigInteger, default=0)
    substitute: Mapped[int] = mapped_column(BigInteger, default=0)
    tyfcb_credited_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    tyfcb_thanked_cents: Mapped[int] = mapped_column(BigInteger, default=0)


class ChapterRunningTotal(RunningColumns, Base):
    """Per chapter and week: every column summed over all weeks up to and including this one,
    and the number of meetings held so far. The totals of any window are two rows apart
    (the last row up to its end minus the last row before its start), so region-wide pages
    read two rows per chapter whatever the length of its history."""

    __tablename__ = "chapter_running_totals"

    chapter_id: Mapped[int] = mapped_column(
        ForeignKey("chapters.id", ondelete="RESTRICT"), primary_key=True
    )
    week_on: Mapped[date] = mapped_column(primary_key=True)


RUNNING_COLUMNS = ("held_meetings", *COLUMNS)


class GiverWindow(Base):
    """A window of weeks (from ``start_on`` to the end of history) the region view ranks givers
    over; ``filled_at`` is set once every member's row was summed from the weekly summary."""

    __tablename__ = "giver_windows"

    start_on: Mapped[date] = mapped_column(primary_key=True)
    filled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class MemberWindowTotal(Base):
    """Referrals a member gave from ``start_on`` on: one row per member and region window, so
    the region's top givers are one index read, not a sum over every member-week."""

    __tablename__ = "member_window_totals"
    __table_args__ = (Index("ix_member_window_totals_rank", "start_on", "given", "member_id"),)

    start_on: Mapped[date] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), primary_key=True
    )
    given: Mapped[int] = mapped_column(Integer, default=0)


class ChapterWindowTotal(RunningColumns, Base):
    """Per region window and chapter, every running column summed over the window (its running
    total at the end of history minus the one just before the window's first week): the region
    view reads one row per chapter (chapter.leaderboard.giver_windows keeps them), and ranks
    chapters by the health score kept here."""

    __tablename__ = "chapter_window_totals"

    start_on: Mapped[date] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(
        ForeignKey("chapters.id", ondelete="RESTRICT"), primary_key=True
    )
    # The region's health score over the window (chapter.admin.region): ``changes`` counts the
    # commits that touched the chapter, ``health_scored`` the count the score was computed at.
    changes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    health_total: Mapped[int | None] = mapped_column(Integer, nullable=True)
    health_scored: Mapped[int | None] = mapped_column(Integer, nullable=True)
