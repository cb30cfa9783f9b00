"""Imports from BNI Connect: each confirmed file is a batch; names are remembered per chapter;
a summary over a range becomes an opening balance per member.

A batch is undone by voiding what it wrote (never deleting). Rows a batch wrote carry its id
and an ``import_key`` (the row's content and its occurrence in the file) so re-importing the
same file finds them instead of doubling them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from chapter.bni.reports import ReportKind
from chapter.db import Base, FormKeyed, Timestamps, UTCDateTime
from chapter.platform.enums import enum_column


class Imported:
    """Columns on every row an import can write."""

    @declared_attr
    def import_batch_id(cls) -> Mapped[int | None]:
        return mapped_column(ForeignKey("import_batches.id", ondelete="RESTRICT"), index=True)

    import_key: Mapped[str | None] = mapped_column(String(64))


class ImportBatch(FormKeyed, Timestamps, Base):
    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(
        ForeignKey("chapters.id", ondelete="RESTRICT"), index=True
    )
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    filename: Mapped[str] = mapped_column(String(255))
    checksum: Mapped[str] = mapped_column(String(64))  # sha256 of the file's bytes
    report: Mapped[ReportKind] = mapped_column(enum_column(ReportKind, "import_report"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class ImportUpload(Timestamps, Base):
    """A file between its preview and its confirmation, kept in the database so any worker
    (on any host) can confirm it. Dropped once it is imported."""

    __tablename__ = "import_uploads"

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(
        ForeignKey("chapters.id", ondelete="RESTRICT"), index=True
    )
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    filename: Mapped[str] = mapped_column(String(255))
    checksum: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class NameMapping(Timestamps, Base):
    """What a name in a file means in this chapter: a member, or a person of another chapter."""

    __tablename__ = "import_name_mappings"
    __table_args__ = (UniqueConstraint("chapter_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="RESTRICT"))
    name_key: Mapped[str] = mapped_column(String(160))
    name: Mapped[str] = mapped_column(String(160))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="RESTRICT"))
    other_chapter: Mapped[bool] = mapped_column(default=False)


class OpeningBalance(Imported, Base):
    """A member's totals from a PALMS summary over a range: history that cannot be split into
    weeks, counted in all-time and 6-month figures (and labelled there)."""

    __tablename__ = "opening_balances"
    __table_args__ = (Index("ix_opening_balances_chapter_id_ends_on", "chapter_id", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    chapter_id: Mapped[int] = mapped_column(ForeignKey("chapters.id", ondelete="RESTRICT"))
    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="RESTRICT"), index=True
    )
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    present: Mapped[int] = mapped_column(Integer, default=0)
    absent: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[int] = mapped_column(Integer, default=0)
    medical: Mapped[int] = mapped_column(Integer, default=0)
    substitute: Mapped[int] = mapped_column(Integer, default=0)
    given_inside: Mapped[int] = mapped_column(Integer, default=0)
    given_outside: Mapped[int] = mapped_column(Integer, default=0)
    received_inside: Mapped[int] = mapped_column(Integer, default=0)
    received_outside: Mapped[int] = mapped_column(Integer, default=0)
    visitors: Mapped[int] = mapped_column(Integer, default=0)
    one_to_ones: Mapped[int] = mapped_column(Integer, default=0)
    education_credits: Mapped[int] = mapped_column(Integer, default=0)
    tyfcb_credited_cents: Mapped[int] = mapped_column(BigInteger, default=0)
    testimonials: Mapped[int] = mapped_column(Integer, default=0)  # T, where the file has it
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


BALANCE_COLUMNS = (
    "present",
    "absent",
    "late",
    "medical",
    "substitute",
    "given_inside",
    "given_outside",
    "received_inside",
    "received_outside",
    "visitors",
    "one_to_ones",
    "education_credits",
    "tyfcb_credited_cents",
    "testimonials",
)
