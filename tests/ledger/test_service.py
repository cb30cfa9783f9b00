"""Ledger totals are the sums of their non-voided rows, whatever happened (hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chapter.errors import RuleViolation
from chapter.extensions import db
from chapter.ledger import referrals, thanks, voids
from chapter.ledger import service as ledgers
from chapter.ledger.models import ReferralSlip, ThankYou
from chapter.ledger.rules import BusinessType, SlipKind
from chapter.meetings.weeks import periods
from chapter.members.roles import Position
from tests.support import factories

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
TODAY = NOW.date()
ALL = periods(TODAY, date(2026, 11, 25))["all"]

pass_op = st.tuples(st.just("slip"), st.integers(0, 3), st.integers(0, 3), st.booleans())
thank_op = st.tuples(
    st.just("thank"), st.integers(0, 3), st.integers(0, 3), st.integers(1, 5_000_00)
)
void_op = st.tuples(st.just("void"), st.integers(0, 30), st.just(0), st.just(0))
operations = st.lists(st.one_of(pass_op, thank_op, void_op), max_size=25)


@pytest.fixture
def team(in_app):
    chapter = factories.ChapterFactory(
        meeting_weekday=2, meeting_time=time(7), timezone="Europe/London"
    )
    crew = [factories.MemberFactory(chapter=chapter, joined_on=date(2020, 1, 1)) for _ in range(4)]
    crew[0].position = Position.PRESIDENT
    db.session.flush()
    return chapter, crew


def details(receiver_id: int, outside: bool) -> referrals.SlipDetails:
    return referrals.SlipDetails(
        receiver_id=receiver_id,
        kind=SlipKind.OUTSIDE if outside else SlipKind.INSIDE,
        prospect_name="Pat",
        prospect_phone="1",
        prospect_email="",
        need="x",
        warmth=3,
        may_contact=True,
    )


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations)
def test_totals_equal_the_sum_of_non_voided_rows(team, ops) -> None:
    chapter, crew = team
    savepoint = db.session.begin_nested()
    try:
        entries: list[object] = []
        for op, a, b, extra in ops:
            try:
                if op == "slip":
                    entries.append(
                        referrals.pass_slip(crew[a], chapter, details(crew[b].id, extra), now=NOW)
                    )
                elif op == "thank":
                    entries.append(
                        thanks.thank(
                            crew[a],
                            chapter,
                            thanks.ThankYouDetails(crew[b].id, extra, BusinessType.NEW, TODAY),
                            today=TODAY,
                            now=NOW,
                        )
                    )
                elif entries:
                    entry = entries[a % len(entries)]
                    actor = crew[0]  # a leader may void anything
                    if isinstance(entry, ReferralSlip):
                        referrals.void_slip(entry, actor, "test", now=NOW)
                    else:
                        voids.void_entry(entry, actor=actor.user, reason="test", now=NOW)
            except RuleViolation:
                pass  # to oneself, or voided twice: refused, nothing written
        slips = [e for e in entries if isinstance(e, ReferralSlip) and not e.is_voided]
        thank_yous = [e for e in entries if isinstance(e, ThankYou) and not e.is_voided]
        given_total = received_total = 0
        for member in crew:
            totals = ledgers.member_totals(member.id, ALL)
            assert totals.given == sum(s.giver_id == member.id for s in slips)
            assert totals.given_outside == sum(
                s.giver_id == member.id and s.kind is SlipKind.OUTSIDE for s in slips
            )
            assert totals.received == sum(s.receiver_id == member.id for s in slips)
            assert totals.credited_cents == sum(
                t.amount_cents for t in thank_yous if t.giver_id == member.id
            )
            assert totals.thanked_cents == sum(
                t.amount_cents for t in thank_yous if t.thanker_id == member.id
            )
            given_total += totals.given
            received_total += totals.received
        assert given_total == received_total == len(slips)
        chapter_slips = ledgers.chapter_totals(chapter.id, ledgers.ChapterFilter())
        assert chapter_slips.entries == len(slips)
        chapter_money = ledgers.chapter_totals(
            chapter.id, ledgers.ChapterFilter(entry_type=ledgers.EntryType.THANK_YOU)
        )
        assert chapter_money.amount_cents == sum(t.amount_cents for t in thank_yous)
    finally:
        savepoint.rollback()


def test_slips_count_toward_the_next_meeting_not_completed(team) -> None:
    chapter, crew = team
    slip = referrals.pass_slip(crew[0], chapter, details(crew[1].id, False), now=NOW)
    assert slip.week_on == date(2026, 11, 25)  # Monday's slip counts toward Wednesday
    during = datetime(2026, 11, 25, 7, 30, tzinfo=UTC)
    assert referrals.pass_slip(
        crew[0], chapter, details(crew[1].id, False), now=during
    ).week_on == date(2026, 11, 25)
    after = during + timedelta(hours=2)
    assert referrals.pass_slip(
        crew[0], chapter, details(crew[1].id, False), now=after
    ).week_on == date(2026, 12, 2)
