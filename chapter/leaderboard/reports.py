"""The PALMS summary report: per member over a date range, in the columns chapters know
(BNI Connect's, with the regional T column: testimonials given)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, or_

from chapter.attendance.rules import attendance_share
from chapter.auth.models import User
from chapter.extensions import db
from chapter.leaderboard.models import COLUMNS, WeeklyTotal, palms_counts
from chapter.ledger.money import from_cents
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.platform import spreadsheets

PALMS_HEADER = [
    "First Name",
    "Last Name",
    "P",
    "A",
    "L",
    "M",
    "S",
    "RGI",
    "RGO",
    "RRI",
    "RRO",
    "V",
    "1-2-1",
    "TYFCB",
    "CEU",
    "T",
]
SOURCE = [
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
    "tyfcb_credited_cents",
    "education_credits",
    "testimonials",
]


@dataclass(frozen=True)
class PalmsRow:
    first_name: str
    last_name: str
    values: dict[str, int]

    @property
    def attendance(self) -> int | None:
        """Attendance share in per cent (chapter.attendance.rules: M counts neither way)."""
        return attendance_share(palms_counts(self.values)).percent

    def cells(self) -> list[object]:
        """The row as the report's columns (TYFCB as a Decimal amount)."""
        return [
            self.first_name,
            self.last_name,
            *(
                from_cents(self.values[c]) if c.endswith("_cents") else self.values[c]
                for c in SOURCE
            ),
        ]


def _sums(chapter_id: int, start: date, end: date, by_member: bool):
    columns = [func.coalesce(func.sum(getattr(WeeklyTotal, c)), 0) for c in COLUMNS]
    query = db.select(*columns).where(
        WeeklyTotal.chapter_id == chapter_id,
        WeeklyTotal.week_on >= start,
        WeeklyTotal.week_on <= end,
    )
    if by_member:
        query = query.add_columns(WeeklyTotal.member_id).group_by(WeeklyTotal.member_id)
    return db.session.execute(query)


def palms_summary(chapter_id: int, start: date, end: date) -> tuple[list[PalmsRow], PalmsRow]:
    """One row per member active in the range or with activity in it, and the Total row
    (its own SQL sum, so it reconciles with the rows)."""
    sums = {
        row[-1]: dict(zip(COLUMNS, (int(v) for v in row[:-1]), strict=True))
        for row in _sums(chapter_id, start, end, by_member=True)
    }
    people = db.session.execute(
        db.select(Member.id, User.first_name, User.last_name)
        .join(Member.user)
        .where(
            Member.chapter_id == chapter_id,
            or_(Member.id.in_(sums), Member.status == MemberStatus.ACTIVE),
        )
        .order_by(User.last_name, User.first_name)
    ).all()
    empty = dict.fromkeys(COLUMNS, 0)
    rows = [PalmsRow(p.first_name, p.last_name, sums.get(p.id, empty)) for p in people]
    total = _sums(chapter_id, start, end, by_member=False).one()
    return rows, PalmsRow("Total", "", dict(zip(COLUMNS, (int(v) for v in total), strict=True)))


def palms_xlsx(rows: list[PalmsRow], total: PalmsRow, title: str) -> bytes:
    """The report as an Excel workbook: header, a row per member, the Total row in bold."""
    cells = [row.cells() for row in [*rows, total]]
    return spreadsheets.workbook(
        "PALMS", title, PALMS_HEADER, cells, money_column=14, bold_last=True
    )
