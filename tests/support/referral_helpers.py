"""Factories and page helpers for the referral-ledger web tests (slips, thank-yous, ledgers)."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import factory
from flask import Flask
from sqlalchemy import func

from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.ledger.models import EducationCredit, OneToOne, ReferralSlip, Testimonial, ThankYou
from chapter.ledger.rules import BusinessType, SlipKind, SlipStatus, TestimonialKind
from chapter.members.models import Member
from chapter.platform.notification_models import Notification
from tests.conftest import People, Person
from tests.support import clock
from tests.support.factories import Base, MemberFactory

HOME_ZONE = ZoneInfo("Europe/London")  # the `people` fixture's home chapter
HOME_MEETING_TIME = time(7, 0)
WEDNESDAY = 2  # the home chapter's meeting day
MEETING_LENGTH = timedelta(minutes=90)


def home_today() -> date:
    """The home chapter's date now (the routes read the real clock in Europe/London)."""
    return clock.now().astimezone(HOME_ZONE).date()


def next_open_meeting_day(now: datetime, skip: frozenset[date] = frozenset()) -> date:
    """The first regular meeting of the home chapter (Wednesday 07:00 London) that has not
    ended at ``now`` and is not in ``skip``: the week a slip passed at ``now`` counts toward."""
    today = now.astimezone(HOME_ZONE).date()
    day = today + timedelta(days=(WEDNESDAY - today.weekday()) % 7)
    while (
        day in skip or datetime.combine(day, HOME_MEETING_TIME, HOME_ZONE) + MEETING_LENGTH <= now
    ):
        day += timedelta(weeks=1)
    return day


# --- factories -------------------------------------------------------------------------------


class SlipFactory(Base):
    """A referral slip counted toward the chapter's current date unless told otherwise."""

    class Meta:
        model = ReferralSlip

    chapter_id = None
    giver_id = None
    receiver_id = None
    meeting_id = None
    week_on = factory.LazyFunction(home_today)
    passed_at = factory.LazyFunction(lambda: clock.now())
    kind = SlipKind.INSIDE
    prospect_name = factory.Sequence(lambda n: f"Prospect {n:03d}")
    prospect_phone = "+44 20 7946 0200"
    prospect_email = ""
    need = "A quote for new windows."
    warmth = 3
    may_contact = True
    status = SlipStatus.NEW


class ThankYouFactory(Base):
    class Meta:
        model = ThankYou

    chapter_id = None
    giver_id = None
    thanker_id = None
    meeting_id = None
    week_on = factory.LazyFunction(home_today)
    slip_id = None
    amount_cents = 500_00
    business_type = BusinessType.NEW
    thanked_on = factory.LazyFunction(home_today)
    reveal_thanker = True
    note = ""


class OneToOneFactory(Base):
    class Meta:
        model = OneToOne

    chapter_id = None
    logged_by_id = None
    other_id = None
    meeting_id = None
    week_on = factory.LazyFunction(home_today)
    met_on = factory.LazyFunction(home_today)
    place = "Corner café"
    notes = ""


class EducationFactory(Base):
    class Meta:
        model = EducationCredit

    chapter_id = None
    member_id = None
    meeting_id = None
    week_on = factory.LazyFunction(home_today)
    earned_on = factory.LazyFunction(home_today)
    credits = 1
    topic = "Networking basics"


class TestimonialFactory(Base):
    __test__ = False  # pytest: a "Test..." name that is not a test

    class Meta:
        model = Testimonial

    chapter_id = None
    giver_id = None
    receiver_id = None
    meeting_id = None
    week_on = factory.LazyFunction(home_today)
    given_on = factory.LazyFunction(home_today)
    kind = TestimonialKind.SPOKEN
    text = ""
    may_publish = False


def add_home_member(app: Flask, people: People, **fields: object) -> Person:
    """A member of the home chapter (factory), as a Person one can log in as."""
    with app.app_context():
        home = db.session.get(Chapter, people.leader.chapter_id)
        member = MemberFactory(chapter=home, **fields)
        db.session.commit()
        return Person(member.user_id, member.user.email, member.id, member.chapter_id)


def full_name(app: Flask, member_id: int) -> str:
    with app.app_context():
        return db.session.get(Member, member_id).full_name


# --- forms -----------------------------------------------------------------------------------


def slip_form(receiver_id: int, /, **overrides: str | None) -> dict[str, str]:
    """A valid outside slip; ``None`` leaves a field out (an unticked box, no radio chosen)."""
    data: dict[str, str | None] = {
        "receiver_id": str(receiver_id),
        "kind": "outside",
        "prospect_name": "Pat Prospect",
        "prospect_phone": "+44 20 7946 0300",
        "prospect_email": "Pat@Prospect.example",
        "need": "A new roof before winter.",
        "warmth": "4",
        "may_contact": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def thank_form(giver_id: int, /, **overrides: str | None) -> dict[str, str]:
    """A valid thank-you; ``None`` leaves a field out, as a browser does for an unticked box."""
    data: dict[str, str | None] = {
        "giver_id": str(giver_id),
        "amount": "1234.50",
        "business_type": "new",
        "thanked_on": home_today().isoformat(),
        "slip_id": "",
        "reveal_thanker": "y",
        "note": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


# --- reading what was stored -----------------------------------------------------------------


def counts(app: Flask) -> dict[str, int]:
    """How many ledger rows and notifications are stored."""
    with app.app_context():
        return {
            model.__tablename__: db.session.scalar(db.select(func.count()).select_from(model))
            for model in (ReferralSlip, ThankYou, OneToOne, EducationCredit, Notification)
        }


def only_slip(app: Flask) -> ReferralSlip:
    """The single stored slip (detached: read its loaded columns only)."""
    with app.app_context():
        slips = db.session.scalars(db.select(ReferralSlip)).all()
        assert len(slips) == 1, slips
        db.session.expunge(slips[0])
        return slips[0]


def stored(app: Flask, model: type, entry_id: int) -> object:
    """One stored row (detached: read its loaded columns only)."""
    with app.app_context():
        entry = db.session.get(model, entry_id)
        db.session.expunge(entry)
        return entry


def notices_of(app: Flask, member_id: int) -> list[str]:
    """The texts of a member's notifications, oldest first."""
    with app.app_context():
        return list(
            db.session.scalars(
                db.select(Notification.text)
                .where(Notification.member_id == member_id)
                .order_by(Notification.id)
            )
        )


# --- reading pages ---------------------------------------------------------------------------


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def plain(response) -> str:
    """What a person reads: the page without tags, spaces collapsed."""
    page = response if isinstance(response, str) else response.get_data(as_text=True)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def field_errors(response, name: str) -> list[str]:
    """The error messages shown in the form group of the input called ``name``."""
    page = response.get_data(as_text=True)
    for group in page.split('<div class="mb-3')[1:]:
        if f'name="{name}"' in group:
            return [
                html.unescape(message)
                for message in re.findall(
                    r'<div class="invalid-feedback d-block">(.*?)</div>', group
                )
            ]
    raise AssertionError(f"no input called {name!r} on the page")


def danger_alerts(response) -> list[str]:
    """The text of the red alerts on a page (form errors and flashed refusals)."""
    page = response.get_data(as_text=True)
    return [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", alert)).split())
        for alert in re.findall(r'<div class="alert alert-danger"[^>]*>(.*?)</div>', page, re.S)
    ]


def section(page: str, start: str, end: str | None = None) -> str:
    """The part of ``page`` from ``start`` up to ``end`` (or the end of the page)."""
    begin = page.index(start)
    stop = page.index(end, begin) if end is not None else len(page)
    return page[begin:stop]


def body_rows(chunk: str) -> list[str]:
    """The rows of the first table body in ``chunk``, tags stripped, spaces collapsed."""
    body = section(chunk, "<tbody>", "</tbody>")
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.split(r"(?=<tr\b)", body)[1:]
    ]


def total(page: str, term: str) -> str:
    """The value shown for ``term`` in the ledger's totals (tags stripped)."""
    match = re.search(rf"<dt>{re.escape(term)}</dt><dd>(.*?)</dd>", page, re.S)
    assert match, f"no total called {term!r}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def csv_rows(response) -> list[list[str]]:
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def move_back(app: Flask, model: type, entry_id: int, column: str, days: int) -> None:
    """Pretend an entry was made ``days`` ago (the routes read the real clock)."""
    with app.app_context():
        entry = db.session.get(model, entry_id)
        setattr(entry, column, getattr(entry, column) - timedelta(days=days))
        db.session.commit()
