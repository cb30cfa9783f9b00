"""Imported people the leader does not retype: no title as a first name, no business that is
just the person's name, a marked classification and a "to complete" list for what is
missing, the joined date from the roster (else the file's first date)."""

from __future__ import annotations

from datetime import date

import pytest

from chapter.bni import import_writes
from chapter.bni.reports import name_key
from chapter.extensions import db
from chapter.ledger.models import ThankYou
from chapter.ledger.rules import BusinessType
from chapter.members import service as members
from chapter.members.identity import is_honorific
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from tests.bni.test_import_undo_restores import FIXTURE_OPTIONS
from tests.support.import_helpers import (
    NOW,
    PALMS_US_RANGE,
    ROSTER_HEADER,
    SLIP_HEADER,
    SLIPS_SMALL,
    chapter_with_leader,
    create_unknown,
    csv_bytes,
    members_by_key,
    preview,
)


@pytest.fixture
def home(in_app):
    return chapter_with_leader()


def imported(chapter, leader, *, options, **source):
    plan = create_unknown(preview(chapter, leader, **source, **options), **options)
    assert plan.ready, plan.refusals
    batch = import_writes.confirm(plan, actor=leader.user, now=NOW)
    db.session.commit()
    return batch


@pytest.mark.parametrize("fixture", list(FIXTURE_OPTIONS))
def test_no_imported_member_is_named_as_their_business_or_first_named_by_a_title(
    home, fixture
) -> None:
    chapter, leader = home
    batch = imported(chapter, leader, name=fixture, options=FIXTURE_OPTIONS[fixture])
    created = db.session.scalars(db.select(Member).where(Member.import_batch_id == batch.id)).all()
    assert created
    for member in created:
        user = member.user
        assert member.business_name != f"{user.first_name} {user.last_name}", user.first_name
        assert member.business_name == ""  # the files give no company: the leader adds it
        assert not is_honorific(user.first_name), (user.first_name, user.last_name)
        assert member.classification.startswith("Unassigned (")
    # every one of them is on the leader's "to complete" list, with what is missing
    listed = {item.member.id: item.missing for item in members.to_complete(chapter.id)}
    active = {m.id for m in created if m.status is MemberStatus.ACTIVE}
    assert set(listed) == active
    assert {missing for missing in listed.values()} <= {
        ("business", "classification", "e-mail address")
    }


def test_a_title_in_a_slips_audit_is_not_a_first_name_and_matches_next_time(home) -> None:
    chapter, leader = home
    rows = [
        ["Dr.  Ana  Maria Ruiz", "Shri Ravi Kumar", "Referral", "Inside", "", "", ""],
        ["Mrs Jane Doe", "Dr. Ana Maria Ruiz", "One to One", "", "", "", ""],
    ]
    data = csv_bytes(SLIP_HEADER, rows)
    options = {"meeting_on": date(2025, 8, 27)}
    imported(chapter, leader, data=data, filename="slips.csv", options=options)
    people = members_by_key(chapter.id)
    assert {(m.user.first_name, m.user.last_name) for m in people.values()} >= {
        ("Ana", "Maria Ruiz"),
        ("Ravi", "Kumar"),
        ("Jane", "Doe"),
    }
    ana = people["ana maria ruiz"]
    assert (ana.business_name, ana.joined_on) == ("", date(2025, 8, 27))
    again = preview(chapter, leader, data=data, filename="slips.csv", **options)
    assert again.unknown == []  # "Dr. Ana Maria Ruiz" is the member Ana Maria Ruiz now
    assert again.names[name_key("Dr. Ana Maria Ruiz")].member_id == ana.id


def test_a_roster_gives_names_business_and_joined_date_as_it_has_them(home) -> None:
    chapter, leader = home
    roster = csv_bytes(
        ROSTER_HEADER,
        [
            ["Dr.", "Ana Ruiz", "", "", "", "", "Active", "2024-03-01", "", ""],
            ["Mr. Rahul", "Mehta", "Mehta Tax", "Accountant", "", "", "Active", "", "", ""],
        ],
    )
    imported(chapter, leader, data=roster, filename="roster.csv", options={})
    people = {m.user.first_name: m for m in members_by_key(chapter.id).values()}
    ana, rahul = people["Ana"], people["Rahul"]
    assert (ana.user.last_name, ana.business_name, ana.joined_on) == ("Ruiz", "", date(2024, 3, 1))
    assert (rahul.user.last_name, rahul.business_name, rahul.classification) == (
        "Mehta",
        "Mehta Tax",
        "Accountant",
    )
    missing = {
        item.member.user.first_name: item.missing for item in members.to_complete(chapter.id)
    }
    assert missing["Ana"] == ("business", "classification", "e-mail address")
    assert missing["Rahul"] == ("e-mail address",)


def test_members_of_a_summary_over_a_range_joined_by_its_first_day(home) -> None:
    chapter, leader = home
    batch = imported(chapter, leader, name=PALMS_US_RANGE, options={})
    joined = set(
        db.session.scalars(db.select(Member.joined_on).where(Member.import_batch_id == batch.id))
    )
    assert joined == {date(2025, 10, 1)}


@pytest.mark.parametrize("chosen", [BusinessType.NEW, BusinessType.REPEAT])
def test_the_leader_marks_a_batchs_thank_yous_new_or_repeat(home, chosen) -> None:
    chapter, leader = home
    options = {"meeting_on": date(2025, 8, 27), "thanks_type": chosen}
    plan = preview(chapter, leader, SLIPS_SMALL, **options)
    assert plan.thanks_type is chosen
    batch = imported(chapter, leader, name=SLIPS_SMALL, options=options)
    kinds = db.session.scalars(
        db.select(ThankYou.business_type).where(ThankYou.import_batch_id == batch.id)
    ).all()
    assert kinds == [chosen] * 4


def test_thank_yous_are_new_business_unless_the_leader_says_repeat(home) -> None:
    chapter, leader = home
    batch = imported(chapter, leader, name=SLIPS_SMALL, options={"meeting_on": date(2025, 8, 27)})
    kinds = set(
        db.session.scalars(
            db.select(ThankYou.business_type).where(ThankYou.import_batch_id == batch.id)
        )
    )
    assert kinds == {BusinessType.NEW}
