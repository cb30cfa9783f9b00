"""Chapters: creating them with their first leader, listing them, their schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import case, func

from chapter.auth.models import User
from chapter.chapters.models import Chapter
from chapter.db import utcnow
from chapter.errors import NotFound, RuleViolation
from chapter.extensions import db
from chapter.meetings import service as meetings
from chapter.meetings.schedule import next_meeting_start
from chapter.members import service as members
from chapter.members.models import Member
from chapter.members.roles import MemberStatus, Position
from chapter.platform import audit
from chapter.rotation import service as rotation


@dataclass(frozen=True)
class ChapterDetails:
    name: str
    meeting_weekday: int
    meeting_time: time
    timezone: str
    location: str = ""
    currency: str = "USD"


@dataclass(frozen=True)
class ChapterRow:
    chapter: Chapter
    active_members: int
    members: int


def create_chapter(
    details: ChapterDetails,
    leader: members.MemberDetails,
    *,
    actor: User | None,
    today: date,
    is_demo: bool = False,
) -> tuple[Chapter, Member]:
    """Create a chapter and its first leader (its president), who is then invited to log in."""
    name = details.name.strip()
    if db.session.scalar(db.select(Chapter.id).where(func.lower(Chapter.name) == name.lower())):
        raise RuleViolation("A chapter with this name already exists.", field="name")
    chapter = Chapter(
        name=name,
        meeting_weekday=details.meeting_weekday,
        meeting_time=details.meeting_time,
        timezone=details.timezone,
        location=details.location.strip(),
        currency=details.currency.upper(),
        is_demo=is_demo,
    )
    db.session.add(chapter)
    db.session.flush()
    audit.record(actor, "chapter.created", chapter, chapter_id=chapter.id, after={"name": name})
    first_leader = members.add_member(chapter.id, leader, actor=actor, today=today)
    first_leader.position = Position.PRESIDENT
    db.session.flush()
    # From the chapter's own date: behind UTC, tonight's meeting is still ahead.
    meetings.ensure_schedule(chapter, min(today, today_in(chapter, utcnow())))
    return chapter, first_leader


def get_chapter(chapter_id: int) -> Chapter:
    """A chapter by id (NotFound when there is none)."""
    chapter = db.session.get(Chapter, chapter_id)
    if chapter is None:
        raise NotFound("There is no such chapter.")
    return chapter


def list_chapters() -> list[ChapterRow]:
    """Every chapter with its member counts, by name (one query)."""
    active = func.count(case((Member.status == MemberStatus.ACTIVE, Member.id)))
    rows = db.session.execute(
        db.select(Chapter, active, func.count(Member.id))
        .outerjoin(Member, Member.chapter_id == Chapter.id)
        .group_by(Chapter.id)
        .order_by(Chapter.name)
    )
    return [ChapterRow(chapter, active_count, total) for chapter, active_count, total in rows]


def next_meeting(chapter: Chapter, now: datetime) -> datetime:
    """When the chapter next meets, in its own time zone."""
    return next_meeting_start(chapter.meeting_weekday, chapter.meeting_time, chapter.timezone, now)


def platform_is_empty() -> bool:
    """True on a brand-new installation: no accounts at all (the set-up page is open)."""
    return db.session.scalar(db.select(User.id).limit(1)) is None


def make_platform_admin(user: User, *, actor: User | None) -> None:
    """Let ``user`` create and see every chapter."""
    user.is_platform_admin = True
    db.session.flush()
    audit.record(actor, "user.platform_admin", user, chapter_id=None, after={"admin": True})


def today_in(chapter: Chapter, now: datetime) -> date:
    """The calendar date in the chapter's time zone at ``now``."""
    return now.astimezone(ZoneInfo(chapter.timezone)).date()


@dataclass(frozen=True)
class ChapterSettings:
    location: str
    absence_limit: int
    presenters_per_meeting: int = 1
    rotation_grace_weeks: int = 4


def update_settings(
    chapter: Chapter, settings: ChapterSettings, *, actor: User, today: date
) -> list[rotation.Change]:
    """A leader changes the meeting place, the absence limit and the rotation's settings; the
    rotation follows (presenters per meeting, grace weeks). Returns the slots that moved."""
    fields = ("location", "absence_limit", "presenters_per_meeting", "rotation_grace_weeks")
    before = {name: getattr(chapter, name) for name in fields}
    chapter.location = settings.location.strip()
    chapter.absence_limit = settings.absence_limit
    chapter.presenters_per_meeting = settings.presenters_per_meeting
    chapter.rotation_grace_weeks = settings.rotation_grace_weeks
    db.session.flush()
    audit.record(
        actor,
        "chapter.settings",
        chapter,
        chapter_id=chapter.id,
        before=before,
        after={name: getattr(chapter, name) for name in fields},
    )
    return rotation.follow_changes(chapter.id, actor=actor, today=today)
