"""The slips listing in BNI Connect's Slips Audit columns, and its Excel workbook."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time
from decimal import Decimal

import openpyxl
import pytest
from flask import Flask

from chapter.attendance.guest_models import Guest, Visit
from chapter.bni import exports
from chapter.extensions import db
from chapter.ledger.models import EducationCredit
from chapter.ledger.rules import SlipKind
from chapter.meetings.models import Meeting
from tests.conftest import count_queries
from tests.support import factories
from tests.support.referral_helpers import OneToOneFactory, SlipFactory, ThankYouFactory

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
BEFORE, WEEK1, WEEK2 = date(2026, 10, 28), date(2026, 11, 4), date(2026, 11, 11)
OTHER = {"counterpart_name": "Olga Outsider", "counterpart_chapter": "Far Chapter, North, UK"}


def meeting(chapter_id: int, day: date, *, held: bool = True, cancelled: bool = False) -> Meeting:
    found = Meeting(
        chapter_id=chapter_id,
        scheduled_on=day,
        meets_on=day,
        starts_at=datetime.combine(day, time(7), UTC),
        is_cancelled=cancelled,
        roster_completed_at=NOW if held else None,
    )
    db.session.add(found)
    db.session.flush()
    return found


@pytest.fixture
def chapter_id(in_app) -> int:
    """Alice and Bob, and a little of everything in two weeks (and around them)."""
    chapter = factories.ChapterFactory()
    alice = factories.MemberFactory(
        chapter=chapter, user__first_name="Alice", user__last_name="Able"
    )
    bob = factories.MemberFactory(chapter=chapter, user__first_name="Bob", user__last_name="Baker")
    a, b, c = alice.id, bob.id, chapter.id
    SlipFactory(chapter_id=c, giver_id=a, receiver_id=b, week_on=WEEK1, kind=SlipKind.INSIDE)
    SlipFactory(chapter_id=c, giver_id=a, week_on=WEEK1, kind=SlipKind.OUTSIDE, **OTHER)
    SlipFactory(chapter_id=c, giver_id=b, receiver_id=a, week_on=WEEK1, voided_at=NOW)
    SlipFactory(chapter_id=c, giver_id=a, receiver_id=b, week_on=BEFORE)
    ThankYouFactory(chapter_id=c, giver_id=a, thanker_id=b, week_on=WEEK2, amount_cents=1234_50)
    ThankYouFactory(chapter_id=c, giver_id=b, thanker_id=a, week_on=WEEK2, voided_at=NOW)
    OneToOneFactory(chapter_id=c, logged_by_id=b, other_id=a, week_on=WEEK2)
    OneToOneFactory(chapter_id=c, logged_by_id=a, week_on=WEEK2, **OTHER)
    db.session.add(
        EducationCredit(
            chapter_id=c, member_id=a, week_on=WEEK2, earned_on=WEEK2, credits=2, topic="Sales"
        )
    )
    gina, hugo = Guest(chapter_id=c, name="Gina Guest"), Guest(chapter_id=c, name="Hugo Hope")
    db.session.add_all([gina, hugo])
    db.session.flush()
    held, open_roster = meeting(c, WEEK2), meeting(c, WEEK1, held=False)
    db.session.add_all(
        [
            Visit(meeting_id=held.id, guest_id=gina.id, invited_by_id=b),
            Visit(meeting_id=open_roster.id, guest_id=hugo.id, invited_by_id=a),
        ]
    )
    db.session.commit()
    return c


EXPECTED = [
    ["Alice Able", "Bob Baker", "Referral", "Inside", "", "", ""],
    ["Alice Able", "Olga Outsider", "Referral", "Outside", "", "", "Far Chapter, North, UK"],
    ["Bob Baker", "Alice Able", "One-to-One", "", "", "", ""],
    ["Alice Able", "Olga Outsider", "One-to-One", "", "", "", "Far Chapter, North, UK"],
    ["", "Alice Able", "TYFCB", "", "1234.50", "", ""],
    ["Alice Able", "", "CEU", "", "", "2", ""],
    ["Bob Baker", "Gina Guest", "Visitor", "", "", "", ""],
]


def test_the_header_is_bni_connects_slips_audit() -> None:
    assert exports.SLIPS_HEADER == [
        "From",
        "To",
        "Slip Type",
        "Inside/Outside",
        "TYFCB Amount",
        "CEU Credits",
        "Detail",
    ]


def test_the_listing_has_a_row_per_entry_in_the_weeks_voided_ones_left_out(
    chapter_id: int,
) -> None:
    assert exports.slips_listing(chapter_id, WEEK1, WEEK2) == EXPECTED


def test_the_thanker_is_never_shown_even_when_known(chapter_id: int) -> None:
    rows = exports.slips_listing(chapter_id, WEEK1, WEEK2)
    thanks = [row for row in rows if row[2] == "TYFCB"]
    assert thanks == [["", "Alice Able", "TYFCB", "", "1234.50", "", ""]]


def test_the_date_range_is_respected(chapter_id: int) -> None:
    assert exports.slips_listing(chapter_id, BEFORE, BEFORE) == [
        ["Alice Able", "Bob Baker", "Referral", "Inside", "", "", ""]
    ]
    assert exports.slips_listing(chapter_id, WEEK2, WEEK2) == EXPECTED[2:]
    assert exports.slips_listing(chapter_id, date(2027, 1, 1), date(2027, 12, 31)) == []


def test_another_chapters_entries_stay_out(chapter_id: int) -> None:
    other = factories.MemberFactory()
    SlipFactory(
        chapter_id=other.chapter_id, giver_id=other.id, week_on=WEEK1, counterpart_name="Zed"
    )
    db.session.commit()
    assert exports.slips_listing(chapter_id, WEEK1, WEEK2) == EXPECTED


def test_the_listing_runs_six_queries_whatever_its_length(app: Flask, chapter_id: int) -> None:
    with count_queries(app) as statements:
        exports.slips_listing(chapter_id, WEEK1, WEEK2)
    assert len(statements) == 6


def test_the_workbook_opens_with_the_title_header_and_numbers(chapter_id: int) -> None:
    rows = exports.slips_listing(chapter_id, WEEK1, WEEK2)
    data = exports.slips_xlsx(rows, "Slips Audit: Chapter, 04 Nov 2026 to 11 Nov 2026")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0][0] == "Slips Audit: Chapter, 04 Nov 2026 to 11 Nov 2026"
    assert values[1] == exports.SLIPS_HEADER
    assert sheet["A2"].font.bold
    assert len(values) == 2 + len(EXPECTED)
    assert values[2][:3] == ["Alice Able", "Bob Baker", "Referral"]
    tyfcb = values[2 + 4]
    assert (tyfcb[0], tyfcb[2], Decimal(str(tyfcb[4]))) == (None, "TYFCB", Decimal("1234.50"))
    assert values[2 + 5][5] == 2
