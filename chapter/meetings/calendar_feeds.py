"""Private iCalendar feeds (RFC 5545): a member's meetings and presentations, and the
chapter's rotation. The URL's token is the only key; resetting it revokes the old URL."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.meetings.models import Meeting
from chapter.meetings.weeks import MEETING_LENGTH
from chapter.members import service as members
from chapter.members.models import Member
from chapter.platform import page_cache
from chapter.rotation.models import Presentation

PRODID = "-//Chapter platform//Meetings and rotation//EN"
WINDOW_BACK = timedelta(weeks=8)


def new_token() -> str:
    return secrets.token_urlsafe(32)


def ensure_member_token(member: Member) -> str:
    """The member's feed address, created the first time they look for it.

    Idempotent and harmless, so a page view may call it: an address that exists is never
    changed, and creating one revokes nothing. Two first views at once agree on one address:
    only the first conditional write lands, and both read back what it stored."""
    return _ensure_token(member)


def ensure_chapter_token(chapter: Chapter) -> str:
    """The chapter's rotation feed address, created the first time a leader looks for it
    (idempotent and harmless, like ``ensure_member_token``)."""
    return _ensure_token(chapter)


def _ensure_token(row: Member | Chapter) -> str:
    """Write a token only where none is stored (a conditional update), then read it back."""
    if row.calendar_token is None:
        model = type(row)
        db.session.execute(
            db.update(model)
            .where(model.id == row.id, model.calendar_token.is_(None))
            .values(calendar_token=new_token())
            .execution_options(synchronize_session=False, **{page_cache.TOUCHED: True})
        )
        # A bulk write passes the flush hooks by: its chapter gets a new version by name, so
        # no worker keeps the identity (and its empty token) it held before.
        page_cache.touch(db.session, row.chapter_id if isinstance(row, Member) else row.id)
        db.session.refresh(row, ["calendar_token"])
    assert row.calendar_token is not None  # noqa: S101 - just written or read back
    return row.calendar_token


def reset_member_token(member: Member) -> bool:
    """Give the member a new feed address instead of a leaked one. Returns whether there was
    an old one (which no longer works now)."""
    had_one = member.calendar_token is not None
    member.calendar_token = new_token()
    db.session.flush()
    return had_one


def reset_chapter_token(chapter: Chapter) -> bool:
    """Give the chapter a new rotation feed address. Returns whether there was an old one."""
    had_one = chapter.calendar_token is not None
    chapter.calendar_token = new_token()
    db.session.flush()
    return had_one


def member_by_token(token: str) -> Member | None:
    return db.session.scalar(db.select(Member).where(Member.calendar_token == token))


def chapter_by_token(token: str) -> Chapter | None:
    return db.session.scalar(db.select(Chapter).where(Chapter.calendar_token == token))


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    return calendar


def _meetings(chapter_id: int, today: date) -> list[Meeting]:
    return list(
        db.session.scalars(
            db.select(Meeting)
            .where(
                Meeting.chapter_id == chapter_id,
                Meeting.meets_on >= today - WINDOW_BACK,
                Meeting.is_cancelled.is_(False),
            )
            .order_by(Meeting.meets_on)
        )
    )


def _presenters(meeting_ids: list[int]) -> dict[int, list[int]]:
    by_meeting: dict[int, list[int]] = {}
    for meeting_id, member_id in db.session.execute(
        db.select(Presentation.meeting_id, Presentation.member_id)
        .where(Presentation.meeting_id.in_(meeting_ids))
        .order_by(Presentation.id)
    ):
        by_meeting.setdefault(meeting_id, []).append(member_id)
    return by_meeting


def _event(uid: str, summary: str, meeting: Meeting, chapter: Chapter, description: str) -> Event:
    zone = ZoneInfo(chapter.timezone)
    event = Event()
    event.add("uid", uid)
    event.add("summary", summary)
    event.add("dtstart", meeting.starts_at.astimezone(zone))
    event.add("dtend", (meeting.starts_at + MEETING_LENGTH).astimezone(zone))
    event.add("dtstamp", meeting.updated_at)
    if chapter.location:
        event.add("location", chapter.location)
    if description:
        event.add("description", description)
    return event


def member_feed(member: Member, chapter: Chapter, today: date) -> bytes:
    """The member's chapter meetings, marked where they give the feature presentation."""
    calendar = _calendar(f"{chapter.name}: my meetings")
    meetings = _meetings(chapter.id, today)
    presenters = _presenters([m.id for m in meetings])
    for meeting in meetings:
        presenting = member.id in presenters.get(meeting.id, [])
        summary = f"{chapter.name} meeting" + (" (I present)" if presenting else "")
        description = "You give the feature presentation." if presenting else ""
        calendar.add_component(
            _event(
                f"meeting-{meeting.id}-member-{member.id}@chapter",
                summary,
                meeting,
                chapter,
                description,
            )
        )
    calendar.add_missing_timezones()  # a VTIMEZONE for every TZID used (RFC 5545 3.6.5)
    return calendar.to_ical()


def chapter_feed(chapter: Chapter, today: date) -> bytes:
    """The chapter's meetings with who presents at each."""
    calendar = _calendar(f"{chapter.name}: presentation rotation")
    meetings = _meetings(chapter.id, today)
    presenters = _presenters([m.id for m in meetings])
    names = members.names_by_member(chapter.id)
    for meeting in meetings:
        who = ", ".join(names.get(i, "?") for i in presenters.get(meeting.id, []))
        summary = f"{chapter.name}: " + (f"{who} presents" if who else "meeting")
        calendar.add_component(
            _event(
                f"meeting-{meeting.id}@chapter",
                summary,
                meeting,
                chapter,
                f"Feature presentation: {who}" if who else "",
            )
        )
    calendar.add_missing_timezones()  # a VTIMEZONE for every TZID used (RFC 5545 3.6.5)
    return calendar.to_ical()
