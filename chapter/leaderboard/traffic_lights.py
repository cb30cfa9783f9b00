"""Traffic lights for a chapter: its scoring table, each member's measures over the window,
and their scores. Measures come from the weekly summary (one aggregate query)."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Row, func

from chapter.attendance.rules import Palms, attendance_share, months_before
from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.errors import RuleViolation
from chapter.extensions import db
from chapter.leaderboard.models import LETTER_COLUMNS, WeeklyTotal, palms_counts
from chapter.leaderboard.scoring import Measures, Score, ScoringTable, parse_table, score
from chapter.leaderboard.scoring_presets import DEFAULT_PRESET, PRESETS
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.platform import audit

VIEWS = {"previous": "Previous six completed months", "rolling": "Rolling six months"}


def table_data(chapter: Chapter) -> dict[str, Any]:
    """The chapter's scoring table as data (its own copy, or the default preset)."""
    return copy.deepcopy(chapter.scoring or PRESETS[DEFAULT_PRESET])


def table_for(chapter: Chapter) -> ScoringTable:
    return parse_table(table_data(chapter))


def choose_preset(chapter: Chapter, preset: str, *, actor: User) -> None:
    """Use a shipped preset (a copy, so later edits stay the chapter's own)."""
    if preset not in PRESETS:
        raise RuleViolation("Choose one of the presets.", field="preset")
    _save(chapter, copy.deepcopy(PRESETS[preset]), actor)


def save_table(chapter: Chapter, data: Any, *, actor: User) -> None:
    """Save an edited table after checking it completely (nothing saved when it is wrong)."""
    try:
        parse_table(data)
    except ValueError as error:
        raise RuleViolation(f"The table cannot be used: {error}.", field="table") from error
    _save(chapter, data, actor)


def _save(chapter: Chapter, data: dict[str, Any], actor: User) -> None:
    before = {"name": table_data(chapter).get("name")}
    chapter.scoring = data
    db.session.flush()
    audit.record(
        actor,
        "chapter.scoring",
        chapter,
        chapter_id=chapter.id,
        before=before,
        after={"name": data.get("name")},
    )


def window(view: str, today: date, last_completed_week: date | None) -> tuple[date, date]:
    """Previous completed six months (the six calendar months before this one), or the
    rolling six months up to the last completed week."""
    if view == "previous":
        first_of_month = today.replace(day=1)
        return months_before(first_of_month, 6), first_of_month - timedelta(days=1)
    end = last_completed_week or today
    return months_before(end, 6) + timedelta(days=1), end


@dataclass(frozen=True)
class MemberLight:
    member_id: int
    name: str
    measures: Measures
    score: Score


def lights(
    chapter: Chapter, start: date, end: date, member_id: int | None = None
) -> list[MemberLight]:
    """Scores of the chapter's active members (or one member) over ``start..end``."""
    table = table_for(chapter)
    sums = {
        row.member_id: row
        for row in db.session.execute(
            db.select(
                WeeklyTotal.member_id,
                func.sum(WeeklyTotal.given_inside + WeeklyTotal.given_outside).label("given"),
                func.sum(WeeklyTotal.visitors).label("visitors"),
                func.sum(WeeklyTotal.one_to_ones).label("one_to_ones"),
                func.sum(WeeklyTotal.education_credits).label("education"),
                func.sum(WeeklyTotal.tyfcb_credited_cents).label("tyfcb"),
                func.sum(WeeklyTotal.testimonials).label("testimonials"),
                *(
                    func.sum(getattr(WeeklyTotal, column)).label(column)
                    for column in LETTER_COLUMNS.values()
                ),
            )
            .where(
                WeeklyTotal.chapter_id == chapter.id,
                WeeklyTotal.week_on >= start,
                WeeklyTotal.week_on <= end,
            )
            .group_by(WeeklyTotal.member_id)
        )
    }
    query = (
        db.select(Member.id, User.first_name, User.last_name)
        .join(Member.user)
        .where(Member.chapter_id == chapter.id, Member.status == MemberStatus.ACTIVE)
        .order_by(User.last_name, User.first_name)
    )
    if member_id is not None:
        query = query.where(Member.id == member_id)
    result = []
    for person in db.session.execute(query):
        row = sums.get(person.id)
        measures = _measures(row) if row else Measures(weeks=0)
        result.append(
            MemberLight(
                person.id,
                f"{person.first_name} {person.last_name}",
                measures,
                score(table, measures),
            )
        )
    return result


def _measures(row: Row) -> Measures:
    """A member's summed weeks as the scoring rules read them; what counts as attended and
    as an absence comes from the attendance rules, as on every other page."""
    letters = palms_counts(row._mapping)
    share = attendance_share(letters)
    return Measures(
        weeks=sum(letters.values()),
        referrals_given=int(row.given or 0),
        visitors=int(row.visitors or 0),
        absences=share.counted - share.attended,
        lates=letters[Palms.LATE],
        one_to_ones=int(row.one_to_ones or 0),
        education_credits=int(row.education or 0),
        tyfcb_cents=int(row.tyfcb or 0),
        testimonials=int(row.testimonials or 0),
        attended=share.attended,
        counted_meetings=share.counted,
    )
