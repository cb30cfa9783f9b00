"""Factories and page helpers for the attendance web tests (meetings, rosters, guests)."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import factory
from flask import Flask
from sqlalchemy import func

from chapter.attendance.guest_models import Guest, Visit
from chapter.attendance.models import Attendance
from chapter.attendance.rules import Palms
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.meetings.models import Meeting
from chapter.meetings.schedule import local_start
from chapter.members.models import Member
from chapter.platform.audit_models import AuditEvent
from tests.conftest import Person
from tests.support import clock
from tests.support.factories import Base, MemberFactory

HOME_ZONE = ZoneInfo("Europe/London")  # the `people` fixture's home chapter
WEDNESDAY = 2  # the home chapter's meeting day


def _starts_at(o: factory.builder.Resolver) -> datetime:
    chapter = db.session.get(Chapter, o.chapter_id)
    return local_start(o.meets_on, chapter.meeting_time, chapter.timezone)


class MeetingFactory(Base):
    """A meeting in its regular weekly slot (pass ``scheduled_on=None`` for an extra one)."""

    class Meta:
        model = Meeting

    chapter_id = None
    meets_on = date(2026, 11, 18)
    scheduled_on = factory.LazyAttribute(lambda o: o.meets_on)
    starts_at = factory.LazyAttribute(_starts_at)
    is_cancelled = False
    cancel_reason = ""
    roster_completed_at = None
    roster_version = 0


class GuestFactory(Base):
    class Meta:
        model = Guest

    chapter_id = None
    name = factory.Sequence(lambda n: f"Guest{n} Visitor")
    business_name = factory.Sequence(lambda n: f"Guest Business {n}")
    email = factory.Sequence(lambda n: f"guest{n}@visitor.example")
    phone = "+44 20 7946 0101"


class AttendanceFactory(Base):
    class Meta:
        model = Attendance

    meeting_id = None
    member_id = None
    status = Palms.PRESENT
    note = ""
    substitute_id = None
    announced = False


class VisitFactory(Base):
    class Meta:
        model = Visit

    meeting_id = None
    guest_id = None
    invited_by_id = None


# --- dates -----------------------------------------------------------------------------------


def chapter_today() -> date:
    """The home chapter's date now (the routes read the real clock in Europe/London)."""
    return clock.now().astimezone(HOME_ZONE).date()


def past_wednesdays(count: int, today: date | None = None) -> list[date]:
    """The last ``count`` Wednesdays strictly before ``today``, most recent first."""
    today = today or chapter_today()
    last = today - timedelta(days=(today.weekday() - WEDNESDAY - 1) % 7 + 1)
    return [last - timedelta(weeks=week) for week in range(count)]


def next_wednesday(today: date | None = None) -> date:
    """The first Wednesday strictly after ``today`` (an upcoming regular meeting)."""
    today = today or chapter_today()
    return today + timedelta(days=(WEDNESDAY - today.weekday() - 1) % 7 + 1)


# --- building meetings -----------------------------------------------------------------------


def held_meeting(
    app: Flask,
    chapter_id: int,
    meets_on: date,
    letters: dict[int, Palms] | None = None,
    *,
    completed: bool = True,
    cancelled: bool = False,
    extra: bool = False,
) -> int:
    """A meeting with one stored letter per member in ``letters``; returns its id."""
    with app.app_context():
        meeting = MeetingFactory(
            chapter_id=chapter_id,
            meets_on=meets_on,
            scheduled_on=None if extra else meets_on,
            is_cancelled=cancelled,
            roster_completed_at=clock.now() if completed else None,
        )
        for member_id, letter in (letters or {}).items():
            substitute_id = None
            if letter is Palms.SUBSTITUTE:
                substitute_id = GuestFactory(chapter_id=chapter_id).id
            AttendanceFactory(
                meeting_id=meeting.id,
                member_id=member_id,
                status=letter,
                substitute_id=substitute_id,
            )
        db.session.commit()
        return meeting.id


def upcoming_meeting(app: Flask, chapter_id: int, meets_on: date | None = None) -> int:
    """An open meeting ahead (next Wednesday unless told); returns its id."""
    return held_meeting(app, chapter_id, meets_on or next_wednesday(), completed=False)


def meeting_state(app: Flask, meeting_id: int) -> dict[str, object]:
    with app.app_context():
        meeting = db.session.get(Meeting, meeting_id)
        return {
            "meets_on": meeting.meets_on,
            "scheduled_on": meeting.scheduled_on,
            "starts_at": meeting.starts_at,
            "is_cancelled": meeting.is_cancelled,
            "cancel_reason": meeting.cancel_reason,
            "completed": meeting.roster_is_completed,
            "version": meeting.roster_version,
        }


def stored_letters(app: Flask, meeting_id: int) -> dict[int, str]:
    """member id -> stored PALMS letter for a meeting."""
    with app.app_context():
        rows = db.session.scalars(db.select(Attendance).where(Attendance.meeting_id == meeting_id))
        return {row.member_id: row.status.value for row in rows}


# --- reading pages ---------------------------------------------------------------------------


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def field_errors(response, name: str) -> list[str]:
    """The error messages shown right after the input called ``name`` (up to the next label)."""
    page = response.get_data(as_text=True)
    start = page.index(f'id="{name}"')
    end = page.find("<label", start)
    chunk = page[start : end if end != -1 else len(page)]
    return [
        html.unescape(message)
        for message in re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', chunk)
    ]


def form_errors(response) -> list[str]:
    """The messages of the alert above a form (errors that belong to no single field)."""
    page = response.get_data(as_text=True)
    alerts = re.findall(r'<div class="alert alert-danger" role="alert">(.*?)</div>', page, re.S)
    return [
        html.unescape(message.strip())
        for alert in alerts
        for message in re.findall(r"<p[^>]*>(.*?)</p>", alert, re.S)
    ]


def roster_member_ids(response) -> list[int]:
    """The members listed on a roster page, in page order."""
    return [
        int(value)
        for value in re.findall(
            r'name="rows-\d+-member_id" type="hidden" value="(\d+)"',
            response.get_data(as_text=True),
        )
    ]


def checked_letters(response) -> dict[int, str]:
    """member id -> the PALMS letter whose radio button is checked on a roster page."""
    page = response.get_data(as_text=True)
    index_of = {
        int(index): int(member_id)
        for index, member_id in re.findall(
            r'name="rows-(\d+)-member_id" type="hidden" value="(\d+)"', page
        )
    }
    found = {}
    for tag in re.findall(r"<input[^>]*type=\"radio\"[^>]*>", page):
        if " checked" not in tag:
            continue
        index = int(re.search(r'name="rows-(\d+)-status"', tag).group(1))
        found[index_of[index]] = re.search(r'value="(\w)"', tag).group(1)
    return found


def input_value(response, name: str) -> str | None:
    """The value of the text or hidden input called ``name``."""
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', response.get_data(as_text=True))
    if tag is None:
        return None
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return html.unescape(value.group(1)) if value else ""


def page_version(response) -> str:
    version = input_value(response, "version")
    assert version is not None, "the roster page has no version field"
    return version


def roster_form(
    version: int | str,
    rows: list[dict[str, object]] | None = None,
    visitors: list[dict[str, object]] | None = None,
    **buttons: str,
) -> dict[str, str]:
    """The roster form as a browser posts it: ``rows`` are dicts with ``member_id``,
    ``status`` (a letter, or None for no choice), ``note``, ``substitute_name``...;
    ``visitors`` are dicts with ``name``, ``email``, ``invited_by_id``...; ``buttons`` is
    e.g. ``complete="Save and complete roster"`` (default: the "Save draft" button)."""
    data: dict[str, str] = {"version": str(version)}
    for index, row in enumerate(rows or []):
        for key, value in row.items():
            if value is not None:
                data[f"rows-{index}-{key}"] = str(value)
    for index, visitor in enumerate(visitors or []):
        for key, value in visitor.items():
            data[f"visitors-{index}-{key}"] = "" if value is None else str(value)
    data.update(buttons or {"save": "Save draft"})
    return data


# --- people and records ----------------------------------------------------------------------


def add_member(app: Flask, chapter_id: int, **fields: object) -> Person:
    """A member of ``chapter_id`` made with the factory."""
    with app.app_context():
        chapter = db.session.get(Chapter, chapter_id)
        member = MemberFactory(chapter=chapter, **fields)
        db.session.commit()
        return Person(member.user_id, member.user.email, member.id, member.chapter_id)


def full_name(app: Flask, member_id: int) -> str:
    with app.app_context():
        return db.session.get(Member, member_id).full_name


def audit_trail(app: Flask, subject_type: str, subject_id: int) -> list[AuditEvent]:
    """The audit events about one object, oldest first (detached, attributes loaded)."""
    with app.app_context():
        events = list(
            db.session.scalars(
                db.select(AuditEvent)
                .where(AuditEvent.subject_type == subject_type, AuditEvent.subject_id == subject_id)
                .order_by(AuditEvent.id)
            )
        )
        db.session.expunge_all()
        return events


def count_of(app: Flask, model: type) -> int:
    with app.app_context():
        return db.session.scalar(db.select(func.count()).select_from(model))


def text_of(fragment: str) -> str:
    """The text of an HTML fragment, tags removed."""
    return html.unescape(re.sub(r"<[^>]+>", "", fragment))


def visible(response) -> str:
    """The page's text as a person reads it: tags removed, whitespace collapsed."""
    page = re.sub(r"<(script|style)\b.*?</\1>", "", response.get_data(as_text=True), flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", page)).split())


def date_long(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def date_short(day: date) -> str:
    return f"{day.day} {day:%b %Y}"
