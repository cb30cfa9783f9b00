"""Attendance read-outs: a member's own history and counts, the leader's summary, and the
substitute log. Counts are SQL aggregates over completed rosters of held meetings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, func
from sqlalchemy.orm import contains_eager

from chapter.attendance.guest_models import Guest, Visit
from chapter.attendance.models import Attendance
from chapter.attendance.rules import Palms, attendance_share, months_before
from chapter.auth.models import User
from chapter.extensions import db
from chapter.meetings.models import Meeting
from chapter.members.models import Member


def _held(query: Select, chapter_id: int | None = None) -> Select:
    query = query.where(Meeting.is_cancelled.is_(False), Meeting.roster_completed_at.is_not(None))
    if chapter_id is not None:
        query = query.where(Meeting.chapter_id == chapter_id)
    return query


def _letter_columns() -> list:
    return [
        func.count(case((Attendance.status == letter, 1))).label(letter.value) for letter in Palms
    ]


def member_counts(member_id: int, today: date) -> dict[Palms, int]:
    """The member's P, A, L, M, S over the rolling six months ending today."""
    query = _held(
        db.select(*_letter_columns())
        .select_from(Attendance)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .where(
            Attendance.member_id == member_id,
            Meeting.meets_on > months_before(today, 6),
            Meeting.meets_on <= today,
        )
    )
    row = db.session.execute(query).one()
    return {letter: getattr(row, letter.value) for letter in Palms}


def member_history_query(member_id: int) -> Select[tuple[Attendance]]:
    """The member's attendance rows, newest meeting first (drafts and announcements too)."""
    return (
        db.select(Attendance)
        .join(Attendance.meeting)
        .options(contains_eager(Attendance.meeting))
        .where(Attendance.member_id == member_id, Meeting.is_cancelled.is_(False))
        .order_by(Meeting.meets_on.desc(), Meeting.id.desc())
    )


@dataclass(frozen=True)
class SummaryRow:
    member_id: int
    name: str
    counts: dict[Palms, int]
    visitors: int

    @property
    def meetings(self) -> int:
        return sum(self.counts.values())

    @property
    def attendance(self) -> int | None:
        """Attendance share in per cent (the attendance rule: Medical counts neither way)."""
        return attendance_share(self.counts).percent


def summary(chapter_id: int, start: date, end: date) -> list[SummaryRow]:
    """One row per member with attendance or visitors in the range: P, A, L, M, S and visitors
    invited (completed rosters of meetings held from ``start`` to ``end`` inclusive)."""
    letters = {
        row.member_id: row
        for row in db.session.execute(
            _held(
                db.select(Attendance.member_id, *_letter_columns())
                .join(Meeting, Meeting.id == Attendance.meeting_id)
                .where(Meeting.meets_on >= start, Meeting.meets_on <= end)
                .group_by(Attendance.member_id),
                chapter_id,
            )
        )
    }
    visitors = dict(
        db.session.execute(
            _held(
                db.select(Visit.invited_by_id, func.count())
                .join(Meeting, Meeting.id == Visit.meeting_id)
                .where(
                    Meeting.meets_on >= start,
                    Meeting.meets_on <= end,
                    Visit.invited_by_id.is_not(None),
                )
                .group_by(Visit.invited_by_id),
                chapter_id,
            )
        ).all()
    )
    ids = set(letters) | set(visitors)
    people = db.session.execute(
        db.select(Member.id, User.first_name, User.last_name)
        .join(Member.user)
        .where(Member.id.in_(ids))
        .order_by(User.last_name, User.first_name)
    ).all()
    return [
        SummaryRow(
            member_id=person.id,
            name=f"{person.first_name} {person.last_name}",
            counts={
                letter: getattr(letters[person.id], letter.value) if person.id in letters else 0
                for letter in Palms
            },
            visitors=visitors.get(person.id, 0),
        )
        for person in people
    ]


@dataclass(frozen=True)
class SubstituteRow:
    meets_on: date
    meeting_id: int
    guest: Guest
    covered_for: str


def substitute_log_query(chapter_id: int) -> Select:
    """Every substitute who attended (completed rosters), newest first, with whom they covered."""
    return _held(
        db.select(Meeting.meets_on, Meeting.id, Guest, User.first_name, User.last_name)
        .select_from(Attendance)
        .join(Meeting, Meeting.id == Attendance.meeting_id)
        .join(Guest, Guest.id == Attendance.substitute_id)
        .join(Member, Member.id == Attendance.member_id)
        .join(User, User.id == Member.user_id)
        .where(Attendance.status == Palms.SUBSTITUTE)
        .order_by(Meeting.meets_on.desc(), Attendance.id),
        chapter_id,
    )


def substitute_log(chapter_id: int, limit: int = 200) -> list[SubstituteRow]:
    return [
        SubstituteRow(row[0], row[1], row[2], f"{row[3]} {row[4]}")
        for row in db.session.execute(substitute_log_query(chapter_id).limit(limit))
    ]
