"""Factories and helpers for the rotation web tests: schedules, presentation slots, swap
requests, what the rotation page and the calendar feeds show."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from icalendar import Calendar

from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.platform.audit_models import AuditEvent
from chapter.platform.notification_models import Notification
from chapter.rotation.models import Presentation, SwapRequest
from chapter.rotation.states import Outcome, SwapStatus
from tests.support.attendance_factories import (
    MeetingFactory,
    chapter_today,
    next_wednesday,
    visible,
)
from tests.support.factories import Base


class PresentationFactory(Base):
    class Meta:
        model = Presentation

    meeting_id = None
    member_id = None
    is_pinned = False
    outcome = Outcome.SCHEDULED


class SwapRequestFactory(Base):
    class Meta:
        model = SwapRequest

    chapter_id = None
    requester_id = None
    target_id = None
    requester_presentation_id = None
    target_presentation_id = None
    status = SwapStatus.PENDING


# --- dates and meetings ----------------------------------------------------------------------


def wednesdays(count: int) -> list[date]:
    """The home chapter's next ``count`` Wednesdays, strictly after today."""
    first = next_wednesday()
    return [first + timedelta(weeks=week) for week in range(count)]


def add_meetings(
    app: Flask, chapter_id: int, days: list[date], *, cancelled: set[date] = frozenset()
) -> dict[date, int]:
    """One regular meeting per day (cancelled where told); returns meeting id by date."""
    with app.app_context():
        ids = {
            day: MeetingFactory(
                chapter_id=chapter_id, meets_on=day, is_cancelled=day in cancelled
            ).id
            for day in days
        }
        db.session.commit()
        return ids


def add_slot(app: Flask, meeting_id: int, member_id: int, **fields: object) -> int:
    """A presentation slot; returns its id."""
    with app.app_context():
        presentation = PresentationFactory(meeting_id=meeting_id, member_id=member_id, **fields)
        db.session.commit()
        return presentation.id


def add_swap_request(app: Flask, mine: int, theirs: int, **fields: object) -> int:
    """A swap request from the member of slot ``mine`` to the member of slot ``theirs``."""
    with app.app_context():
        first = db.session.get(Presentation, mine)
        second = db.session.get(Presentation, theirs)
        member = db.session.get(Member, first.member_id)
        request = SwapRequestFactory(
            chapter_id=member.chapter_id,
            requester_id=first.member_id,
            target_id=second.member_id,
            requester_presentation_id=mine,
            target_presentation_id=theirs,
            **fields,
        )
        db.session.commit()
        return request.id


def update_chapter(app: Flask, chapter_id: int, **fields: object) -> None:
    with app.app_context():
        chapter = db.session.get(Chapter, chapter_id)
        for name, value in fields.items():
            setattr(chapter, name, value)
        db.session.commit()


# --- reading what is stored ------------------------------------------------------------------


@dataclass(frozen=True)
class StoredSlot:
    id: int
    meeting_id: int
    meets_on: date
    member_id: int
    is_pinned: bool
    outcome: Outcome


def slots_of(app: Flask, chapter_id: int) -> list[StoredSlot]:
    """Every presentation slot of the chapter, by date then id."""
    with app.app_context():
        rows = db.session.execute(
            db.select(Presentation, Meeting.meets_on)
            .join(Meeting, Meeting.id == Presentation.meeting_id)
            .where(Meeting.chapter_id == chapter_id)
            .order_by(Meeting.meets_on, Presentation.id)
        ).all()
        return [
            StoredSlot(p.id, p.meeting_id, meets_on, p.member_id, p.is_pinned, p.outcome)
            for p, meets_on in rows
        ]


def slot(app: Flask, presentation_id: int) -> StoredSlot:
    with app.app_context():
        p = db.session.get(Presentation, presentation_id)
        meets_on = db.session.get(Meeting, p.meeting_id).meets_on
        return StoredSlot(p.id, p.meeting_id, meets_on, p.member_id, p.is_pinned, p.outcome)


def rotation_of(app: Flask, chapter_id: int) -> dict[date, list[int]]:
    """Presenters (member ids, in slot order) of every meeting from today on, by date;
    meetings without a presenter (cancelled, or not scheduled) map to []."""
    today = chapter_today()
    with app.app_context():
        days = db.session.scalars(
            db.select(Meeting.meets_on)
            .where(Meeting.chapter_id == chapter_id, Meeting.meets_on >= today)
            .order_by(Meeting.meets_on)
        ).all()
    result: dict[date, list[int]] = {day: [] for day in days}
    for row in slots_of(app, chapter_id):
        if row.meets_on >= today:
            result[row.meets_on].append(row.member_id)
    return result


def slot_ids(app: Flask, chapter_id: int) -> dict[date, list[int]]:
    """Presentation ids of every meeting from today on, by date (slot order)."""
    today = chapter_today()
    result: dict[date, list[int]] = {}
    for row in slots_of(app, chapter_id):
        if row.meets_on >= today:
            result.setdefault(row.meets_on, []).append(row.id)
    return result


def dates_of(app: Flask, chapter_id: int, member_id: int) -> list[date]:
    """The upcoming dates ``member_id`` presents at."""
    return [day for day, ids in rotation_of(app, chapter_id).items() if member_id in ids]


def request_status(app: Flask, request_id: int) -> SwapStatus:
    with app.app_context():
        return db.session.get(SwapRequest, request_id).status


def requests_of(app: Flask, chapter_id: int) -> list[tuple[int, int, int, int, SwapStatus]]:
    """(requester, target, requester's slot, target's slot, status) of the chapter's requests."""
    with app.app_context():
        return [
            (
                r.requester_id,
                r.target_id,
                r.requester_presentation_id,
                r.target_presentation_id,
                r.status,
            )
            for r in db.session.scalars(
                db.select(SwapRequest)
                .where(SwapRequest.chapter_id == chapter_id)
                .order_by(SwapRequest.id)
            )
        ]


def notices_of(app: Flask, member_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                db.select(Notification.text)
                .where(Notification.member_id == member_id)
                .order_by(Notification.id)
            )
        )


def audit_events(app: Flask, action: str) -> list[AuditEvent]:
    """The audit events of one kind, oldest first (detached, attributes loaded)."""
    with app.app_context():
        events = list(
            db.session.scalars(
                db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
            )
        )
        db.session.expunge_all()
        return events


def member_token(app: Flask, member_id: int) -> str | None:
    with app.app_context():
        return db.session.get(Member, member_id).calendar_token


def chapter_token(app: Flask, chapter_id: int) -> str | None:
    with app.app_context():
        return db.session.get(Chapter, chapter_id).calendar_token


def names(app: Flask, member_ids: list[int] | tuple[int, ...]) -> str:
    """Full names as the rotation messages list them (``(nobody)`` for none)."""
    with app.app_context():
        found = [db.session.get(Member, member_id).full_name for member_id in member_ids]
    return ", ".join(found) or "(nobody)"


def snapshot(app: Flask) -> dict[str, Any]:
    """Everything the rotation routes may change, in every chapter."""
    with app.app_context():
        return {
            "slots": sorted(
                (p.id, p.meeting_id, p.member_id, p.is_pinned, p.outcome.value)
                for p in db.session.scalars(db.select(Presentation))
            ),
            "requests": sorted(
                (r.id, r.status.value) for r in db.session.scalars(db.select(SwapRequest))
            ),
            "member_tokens": sorted(
                (m.id, m.calendar_token or "") for m in db.session.scalars(db.select(Member))
            ),
            "chapter_tokens": sorted(
                (c.id, c.calendar_token or "") for c in db.session.scalars(db.select(Chapter))
            ),
            "audit": sorted((e.id, e.action) for e in db.session.scalars(db.select(AuditEvent))),
            "notifications": sorted(n.id for n in db.session.scalars(db.select(Notification))),
        }


# --- acting and reading pages ----------------------------------------------------------------


def generate(client: FlaskClient):
    """The leader's "Generate / extend the rotation" button."""
    return client.post("/rotation/generate")


def followed(client: FlaskClient, response) -> str:
    """The visible text of the page a redirect leads to (with its flashed messages)."""
    assert response.status_code == 302, visible(response)
    return visible(client.get(response.headers["Location"]))


def refusal(response) -> str:
    """The message of the red alert at the top of the rotation page."""
    found = re.search(
        r'<div class="alert alert-danger" role="alert">(.*?)</div>', response.get_data(as_text=True)
    )
    assert found, "the page shows no refusal"
    return visible_text(found.group(1))


def visible_text(fragment: str) -> str:
    """The text of an HTML fragment as read: tags apart, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def table_rows(response, index: int) -> list[str]:
    """The visible text of each body row of the page's ``index``-th table."""
    bodies = re.findall(r"<tbody>(.*?)</tbody>", response.get_data(as_text=True), re.S)
    if index >= len(bodies):
        return []
    return [visible_text(row) for row in re.split(r"<tr\b[^>]*>", bodies[index])[1:]]


def upcoming_rows(response) -> list[str]:
    """The rows of the rotation page's "Upcoming" table."""
    return table_rows(response, 0)


def past_rows(response) -> list[str]:
    """The rows of the rotation page's "Past presentations" table."""
    return table_rows(response, 1)


def row_for(response, day: date) -> str:
    """The "Upcoming" row of the meeting on ``day``."""
    label = f"{day:%A} {day.day} {day:%B %Y}"
    rows = [row for row in upcoming_rows(response) if row.startswith(label)]
    assert len(rows) == 1, upcoming_rows(response)
    return rows[0]


def feed_url(response, path: str) -> str:
    """The calendar address shown on the rotation page (``/calendar/`` or
    ``/calendar/chapter/``), as a path."""
    found = re.search(
        rf'value="http://localhost({re.escape(path)}[^"/]+\.ics)"',
        response.get_data(as_text=True),
    )
    assert found, "the page shows no such calendar address"
    return found.group(1)


def calendar_events(response) -> list[Any]:
    """The VEVENTs of an iCalendar response, parsed back with ``icalendar``, by start."""
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.get_data())
    return sorted(calendar.walk("VEVENT"), key=lambda event: event.decoded("dtstart"))


def starts(events: list[Any]) -> list[datetime]:
    return [event.decoded("dtstart") for event in events]
