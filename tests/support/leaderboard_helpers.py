"""Builders and page readers for the leaderboard, traffic-light, PALMS and region web tests.

Everything is written through the ORM and committed, so the weekly summary the pages read
is refreshed the way the app refreshes it (just before each commit)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from flask import Flask

from chapter.attendance.rules import Palms
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.ledger.rules import SlipKind
from chapter.members.models import Member
from tests.conftest import Person
from tests.support import clock
from tests.support.attendance_factories import (
    AttendanceFactory,
    GuestFactory,
    MeetingFactory,
    VisitFactory,
)
from tests.support.factories import ChapterFactory, MemberFactory
from tests.support.referral_helpers import (
    EducationFactory,
    OneToOneFactory,
    SlipFactory,
    TestimonialFactory,
    ThankYouFactory,
)

WEDNESDAY = 2


# --- dates -----------------------------------------------------------------------------------


def wednesdays_before(day: date, count: int) -> list[date]:
    """The last ``count`` Wednesdays strictly before ``day``, most recent first."""
    last = day - timedelta(days=(day.weekday() - WEDNESDAY - 1) % 7 + 1)
    return [last - timedelta(weeks=week) for week in range(count)]


def weekdays_on(weekday: int, before: date, count: int) -> list[date]:
    """The last ``count`` days falling on ``weekday`` strictly before ``before``, newest first."""
    last = before - timedelta(days=(before.weekday() - weekday - 1) % 7 + 1)
    return [last - timedelta(weeks=week) for week in range(count)]


# --- people ----------------------------------------------------------------------------------


def rename(app: Flask, person: Person, first: str, last: str) -> None:
    with app.app_context():
        user = db.session.get(Member, person.member_id).user
        user.first_name, user.last_name = first, last
        db.session.commit()


def add_members(app: Flask, chapter_id: int, count: int, **fields: object) -> list[Person]:
    """``count`` active members of ``chapter_id`` (factory names)."""
    with app.app_context():
        chapter = db.session.get(Chapter, chapter_id)
        made = [MemberFactory(chapter=chapter, **fields) for _ in range(count)]
        db.session.commit()
        return [Person(m.user_id, m.user.email, m.id, m.chapter_id) for m in made]


def add_chapter(app: Flask, name: str, members: int, **fields: object) -> list[Person]:
    """A new chapter (meeting on Wednesdays, UTC) with ``members`` active members."""
    with app.app_context():
        chapter = ChapterFactory(name=name, meeting_weekday=WEDNESDAY, **fields)
        made = [MemberFactory(chapter=chapter) for _ in range(members)]
        db.session.commit()
        return [Person(m.user_id, m.user.email, m.id, m.chapter_id) for m in made]


# --- activity --------------------------------------------------------------------------------


@dataclass
class Week:
    """What happened in one meeting week of a chapter.

    ``slips``: (giver, receiver) or (giver, receiver, kind); ``thanks``: (credited giver,
    thanker, cents) or with a fourth item, the private note; ``one_to_ones``: (logged by,
    other); ``visitors``: the member who invited each guest; ``education``: (member, credits);
    ``testimonials``: (giver, receiver).
    """

    letters: dict[int, Palms] = field(default_factory=dict)
    slips: list[tuple] = field(default_factory=list)
    thanks: list[tuple] = field(default_factory=list)
    one_to_ones: list[tuple[int, int]] = field(default_factory=list)
    visitors: list[int] = field(default_factory=list)
    education: list[tuple[int, int]] = field(default_factory=list)
    testimonials: list[tuple[int, int]] = field(default_factory=list)


def record_week(
    app: Flask,
    chapter_id: int,
    meets_on: date,
    week: Week | None = None,
    *,
    completed: bool = True,
    cancelled: bool = False,
    meeting_id: int | None = None,
) -> int:
    """A meeting on ``meets_on`` (roster completed and held unless told) with ``week``'s activity,
    all counted toward that week; one commit. With ``meeting_id``, adds the activity to
    that existing meeting instead. Returns the meeting id."""
    week = week or Week()
    with app.app_context():
        if meeting_id is None:
            meeting_id = MeetingFactory(
                chapter_id=chapter_id,
                meets_on=meets_on,
                roster_completed_at=clock.now() if completed else None,
                is_cancelled=cancelled,
            ).id
        dated = {"chapter_id": chapter_id, "meeting_id": meeting_id, "week_on": meets_on}
        for member_id, letter in week.letters.items():
            substitute_id = None
            if letter is Palms.SUBSTITUTE:
                substitute_id = GuestFactory(chapter_id=chapter_id).id
            AttendanceFactory(
                meeting_id=meeting_id,
                member_id=member_id,
                status=letter,
                substitute_id=substitute_id,
            )
        for inviter_id in week.visitors:
            guest = GuestFactory(chapter_id=chapter_id)
            VisitFactory(meeting_id=meeting_id, guest_id=guest.id, invited_by_id=inviter_id)
        for giver_id, receiver_id, *kind in week.slips:
            SlipFactory(
                giver_id=giver_id,
                receiver_id=receiver_id,
                kind=kind[0] if kind else SlipKind.INSIDE,
                passed_at=datetime.combine(meets_on, datetime.min.time(), UTC),
                **dated,
            )
        for giver_id, thanker_id, cents, *note in week.thanks:
            ThankYouFactory(
                giver_id=giver_id,
                thanker_id=thanker_id,
                amount_cents=cents,
                thanked_on=meets_on,
                note=note[0] if note else "",
                **dated,
            )
        for logged_by_id, other_id in week.one_to_ones:
            OneToOneFactory(logged_by_id=logged_by_id, other_id=other_id, met_on=meets_on, **dated)
        for member_id, credits in week.education:
            EducationFactory(member_id=member_id, credits=credits, earned_on=meets_on, **dated)
        for giver_id, receiver_id in week.testimonials:
            TestimonialFactory(
                giver_id=giver_id, receiver_id=receiver_id, given_on=meets_on, **dated
            )
        db.session.commit()
        return meeting_id


# --- reading pages ---------------------------------------------------------------------------


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def plain(fragment: str) -> str:
    """What a person reads: tags removed, entities decoded, spaces collapsed (and none
    left before punctuation that followed a closing tag)."""
    words = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())
    return re.sub(r" ([:.,;])(?=\s|$)", r"\1", words)


def visible(response) -> str:
    return plain(response.get_data(as_text=True))


@dataclass(frozen=True)
class BoardLine:
    """One row of the leaderboard table as a person reads it."""

    rank: int
    name: str
    given: int
    in_out: str
    received: int
    tyfcb: str
    one_to_ones: int
    visitors: int
    testimonials: int
    attendance: str
    givers_gain: str
    changes: dict[str, str]
    is_you: bool
    highlighted: bool


CHANGE_COLUMNS = ("given", "received", "tyfcb", "one_to_ones", "visitors")


def board_lines(response) -> list[BoardLine]:
    """The rows of the leaderboard table, in page order."""
    page = response.get_data(as_text=True)
    start = page.index('class="table table-sm align-middle leaderboard"')
    body = page[page.index("<tbody>", start) : page.index("</tbody>", start)]
    lines = []
    for row in re.split(r"(?=<tr\b)", body)[1:]:
        opening = row[: row.index(">") + 1]
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        changes = {}
        for column, cell in zip(CHANGE_COLUMNS, (cells[2], *cells[3:7]), strict=True):
            delta = re.search(r'<small class="delta[^"]*"[^>]*>(.*?)</small>', cell, re.S)
            if delta:
                changes[column] = plain(delta.group(1))
        bare = [plain(re.sub(r"<small\b.*?</small>", "", cell, flags=re.S)) for cell in cells]
        in_out = re.search(r"\((\d+/\d+)\)", plain(cells[2]))
        name = bare[1]
        lines.append(
            BoardLine(
                rank=int(bare[0]),
                name=name.removesuffix(" (you)"),
                given=int(bare[2]),
                in_out=in_out.group(1) if in_out else "",
                received=int(bare[3]),
                tyfcb=bare[4],
                one_to_ones=int(bare[5]),
                visitors=int(bare[6]),
                testimonials=int(bare[7]),
                attendance=bare[8],
                givers_gain=bare[9],
                changes=changes,
                is_you=name.endswith("(you)"),
                highlighted='aria-current="true"' in opening,
            )
        )
    return lines


def table_rows(page: str, marker: str) -> list[list[str]]:
    """The body rows (cell texts) of the first table after ``marker`` in ``page``."""
    start = page.index(marker)
    body = page[page.index("<tbody>", start) : page.index("</tbody>", start)]
    return [
        [plain(cell) for cell in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
        for row in re.split(r"(?=<tr\b)", body)[1:]
    ]


def links_named(response, label: str) -> list[str]:
    """The href of each link whose text is ``label``."""
    page = response.get_data(as_text=True)
    return [
        html.unescape(href)
        for href, inner in re.findall(r'<a [^>]*href="([^"]*)"[^>]*>(.*?)</a>', page, re.S)
        if plain(inner) == label
    ]
