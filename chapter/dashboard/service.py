"""The dashboard's own query: how far a new chapter has come (for the first-run checklist)."""

from __future__ import annotations

from sqlalchemy import func, select

from chapter.chapters.models import Chapter
from chapter.dashboard.first_run import ChapterStart, StepState, checklist_shown, first_run_steps
from chapter.extensions import db
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.rotation.models import Presentation


def chapter_start(chapter: Chapter) -> ChapterStart:
    """The counts the first-run rule reads, in one query whatever the chapter's size."""
    active = (
        select(func.count(Member.id))
        .where(Member.chapter_id == chapter.id, Member.status == MemberStatus.ACTIVE)
        .scalar_subquery()
    )
    rosters = (
        select(func.count(Meeting.id))
        .where(Meeting.chapter_id == chapter.id, Meeting.roster_completed_at.is_not(None))
        .scalar_subquery()
    )
    presentations = (
        select(func.count(Presentation.id))
        .join(Meeting, Meeting.id == Presentation.meeting_id)
        .where(Meeting.chapter_id == chapter.id)
        .scalar_subquery()
    )
    row = db.session.execute(select(active, rosters, presentations)).one()
    return ChapterStart(
        location=chapter.location,
        active_members=row[0],
        completed_rosters=row[1],
        presentations=row[2],
    )


def first_run_checklist(chapter: Chapter) -> list[StepState] | None:
    """The first-run checklist's steps, or None once every step is done."""
    steps = first_run_steps(chapter_start(chapter))
    return steps if checklist_shown(steps) else None
