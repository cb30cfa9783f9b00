"""Importing BNI Connect exports, at the service level on the real database: the preview
(stage + plan) writes nothing; names are matched, mapped, created or marked as another
chapter and remembered; confirm writes one batch; the same file again doubles nothing; undo
voids the batch; PALMS summaries become attendance or opening balances; rosters create members.

Expected numbers come from the fixtures in ``tests/fixtures/bni`` (see their README).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func

from chapter.attendance.guest_models import Guest, Visit
from chapter.attendance.models import Attendance
from chapter.attendance.rules import Palms
from chapter.auth.models import User
from chapter.bni import import_writes, imports
from chapter.bni.imports import CREATE, OTHER, ImportRefused
from chapter.bni.models import (
    BALANCE_COLUMNS,
    ImportBatch,
    ImportUpload,
    NameMapping,
    OpeningBalance,
)
from chapter.bni.reports import ReportKind
from chapter.errors import Conflict, NotFound, RuleViolation
from chapter.extensions import db
from chapter.leaderboard import service as leaderboard
from chapter.ledger.models import EducationCredit, OneToOne, ReferralSlip, ThankYou
from chapter.ledger.rules import SlipKind
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from tests.support import factories
from tests.support.import_helpers import (
    MEETING,
    NOW,
    PALMS_UAE,
    PALMS_US_RANGE,
    PALMS_US_WEEK,
    RANGE,
    ROSTER_HEADER,
    SLIP_HEADER,
    SLIPS_SMALL,
    SLIPS_UAE,
    SLIPS_XLSX,
    WEEK_MEETING,
    add_member,
    audit_actions,
    chapter_with_leader,
    create_unknown,
    csv_bytes,
    expected_week_totals,
    live,
    load,
    members_by_key,
    preview,
    replan,
    report,
    stored,
)

# The small Slips Audit: 16 people of the chapter (plain) and 12 of other chapters (bold).
SMALL_MEMBERS = [
    "Briogeapu Dugrou",
    "Chezu Chiprio",
    "Douthushen Coushiozen",
    "Draikodon Cousolo",
    "Drobrin Grobe Probreakra",
    "Faisai Boupai",
    "Frouprean Thotrou",
    "Houbrai Gaiva Kraithujen",
    "Joubrufo Praseafra",
    "Kibrai Trefea",
    "Nuhon Traikoustai",
    "Petounoun Fregewea",
    "Rofin Fuhen Stustehe",
    "Sheheafra Shioprela Loufreastea",
    "Ziodea Nokean",
    "Zougi Gogroupro Thuzeazu",
]
SMALL_BOLD = [
    "Fometrou Frugran",
    "Frikrejain Teasteamen Shudehea",
    "Frujioran Thiopou",
    "KOUZA STAIRORA",
    "Kesehio Jevon",
    "Nishouco Friogrin",
    "Routoucion Theawokio",
    "Saithea Vefrea",
    "Siowe Stibrurin",
    "Trouprai Wolan",
    "Vioralion Kofuhi",
    "Wasiosi Kewa",
]
SMALL_NEW = {
    "slips": 20,
    "thank_yous": 4,
    "one_to_ones": 14,
    "education_credits": 13,
    "members": 16,
}
LEDGER = (ReferralSlip, ThankYou, OneToOne, EducationCredit)


@pytest.fixture
def home(in_app):
    return chapter_with_leader()


def ready_small_plan(chapter, leader):
    """The small Slips Audit for MEETING, every unknown name a new member."""
    return create_unknown(preview(chapter, leader, SLIPS_SMALL), meeting_on=MEETING)


def confirmed(plan, leader) -> ImportBatch:
    batch = import_writes.confirm(plan, actor=leader.user, now=NOW)
    db.session.commit()
    return batch


def nonzero(counter) -> dict[str, int]:
    return {key: value for key, value in counter.items() if value}


# --- 1. the preview -------------------------------------------------------------------------


def test_a_preview_writes_nothing_and_asks_for_the_meeting_and_the_unknown_names(home) -> None:
    chapter, leader = home
    before = stored()
    plan = preview(chapter, leader, SLIPS_SMALL)
    assert plan.kind is ReportKind.SLIPS_AUDIT
    assert (plan.needs_meeting, plan.asks_meeting, plan.ready) == (True, True, False)
    assert (plan.meeting_on, plan.meeting, plan.earlier) == (None, None, None)
    assert [name.name for name in plan.unknown] == SMALL_MEMBERS
    assert {name.name: name.rows for name in plan.unknown}["Petounoun Fregewea"] == 11

    bold = {name.name: name for name in plan.names.values() if name.source == "bold"}
    assert sorted(bold) == sorted(SMALL_BOLD)
    assert all(name.choice == OTHER and name.member_id is None for name in bold.values())
    assert all(name.resolved for name in bold.values())  # never asked
    assert bold["Vioralion Kofuhi"].detail == "BNI Froukrin, Deira Dubai, United Arab Emirates"
    assert bold["KOUZA STAIRORA"].detail == "STIOZI, Surat South, India"

    with_meeting = replan(plan, meeting_on=MEETING)
    assert (with_meeting.needs_meeting, with_meeting.meeting_on) == (False, MEETING)
    assert with_meeting.meeting is None  # no such meeting yet: confirming adds it
    assert [name.name for name in with_meeting.unknown] == SMALL_MEMBERS
    assert not with_meeting.ready

    ready = create_unknown(plan, meeting_on=MEETING)
    assert ready.ready
    assert ready.unknown == []
    assert nonzero(ready.new) == SMALL_NEW
    assert nonzero(ready.existing) == {}
    assert all(r.matches for r in ready.reconciliation), ready.reconciliation

    db.session.commit()  # whatever the previews left in the session would be written now
    assert stored() == {**before, "uploads": 1}  # only the staged file itself


def test_a_file_that_names_its_meeting_does_not_ask_for_one(home) -> None:
    chapter, leader = home
    plan = preview(chapter, leader, SLIPS_XLSX)
    assert (plan.needs_meeting, plan.asks_meeting) == (False, False)
    assert plan.meeting_on == date(2025, 2, 13)
    ignored = replan(plan, meeting_on=MEETING)  # the file's own date wins
    assert ignored.meeting_on == date(2025, 2, 13)


# --- 2. names -------------------------------------------------------------------------------


def test_members_are_matched_whatever_the_case_spacing_or_honorific(home) -> None:
    chapter, leader = home
    ziodea = add_member(chapter, "ZIODEA", "nokean")
    houbrai = add_member(chapter, "Houbrai  gaiva", "KRAITHUJEN")
    petounoun = add_member(chapter, "Dr. Petounoun", "Fregewea")
    plan = preview(chapter, leader, SLIPS_SMALL, meeting_on=MEETING)
    matched = {n.name: n.member_id for n in plan.names.values() if n.source == "matched"}
    assert matched == {
        "Ziodea Nokean": ziodea.id,
        "Houbrai Gaiva Kraithujen": houbrai.id,
        "Petounoun Fregewea": petounoun.id,
    }
    assert len(plan.unknown) == len(SMALL_MEMBERS) - 3

    anna, carl = add_member(chapter, "Anna", "Berg"), add_member(chapter, "Carl", "Dorn")
    data = csv_bytes(
        SLIP_HEADER,
        [
            ["Mrs.  anna   BERG", "carl dorn", "Referral", "Inside", "", "", ""],
            ["Dr Carl  Dorn", "ANNA BERG", "One to One", "", "", "", ""],
        ],
    )
    plan = preview(chapter, leader, data=data, filename="slips.csv", meeting_on=MEETING)
    assert {n.key: (n.member_id, n.source) for n in plan.names.values()} == {
        "anna berg": (anna.id, "matched"),
        "carl dorn": (carl.id, "matched"),
    }
    assert plan.ready
    assert nonzero(plan.new) == {"slips": 1, "one_to_ones": 1}


def test_a_name_matches_an_active_member_before_one_who_left(home) -> None:
    chapter, _ = home
    gone = add_member(chapter, "Ziodea", "Nokean", status=MemberStatus.LEFT)
    here = add_member(chapter, "Ziodea", "Nokean", classification="Other trade")
    plan = preview(chapter, home[1], SLIPS_SMALL, meeting_on=MEETING)
    assert plan.names["ziodea nokean"].member_id == here.id != gone.id


def test_choices_map_create_or_mark_another_chapter_and_are_remembered(home) -> None:
    chapter, leader = home
    someone = add_member(chapter, "Someone", "Else")  # a name the file does not use
    first = preview(chapter, leader, SLIPS_SMALL)
    choices = {name.key: CREATE for name in first.unknown}
    choices["ziodea nokean"] = str(someone.id)
    choices["petounoun fregewea"] = OTHER
    plan = replan(first, choices=choices, meeting_on=MEETING)
    assert plan.ready
    assert (plan.names["ziodea nokean"].member_id, plan.names["ziodea nokean"].source) == (
        someone.id,
        "chosen",
    )
    assert plan.names["petounoun fregewea"].choice == OTHER
    assert plan.new["members"] == 14
    # the one-to-one of a bold person with Petounoun and the thank-yous to Petounoun
    # involve nobody of this chapter now
    nobody = {p.row for p in plan.skipped if p.message == "nobody of this chapter on the slip"}
    assert nobody == {9, 21, 43, 44, 50, 51}
    assert plan.new["thank_yous"] == 2
    batch = confirmed(plan, leader)

    created = db.session.scalars(db.select(Member).where(Member.import_batch_id == batch.id)).all()
    assert len(created) == 14
    assert all(m.user.email.endswith("@imported.invalid") for m in created)
    assert len({m.user.email for m in created}) == 14
    assert all(m.status is MemberStatus.ACTIVE and m.joined_on == MEETING for m in created)
    assert all(m.user.password_hash is None for m in created)  # nobody can log in as them
    by_key = members_by_key(chapter.id)
    assert "petounoun fregewea" not in by_key
    assert "ziodea nokean" not in by_key

    given_by_someone = db.session.scalars(
        db.select(ReferralSlip).where(ReferralSlip.giver_id == someone.id)
    ).all()
    assert len(given_by_someone) == 2  # rows 7 and 8
    to_petounoun = [s for s in given_by_someone if s.counterpart_name == "Petounoun Fregewea"]
    assert len(to_petounoun) == 1
    assert (to_petounoun[0].receiver_id, to_petounoun[0].counterpart_chapter) == (None, "")
    to_bold = [s for s in given_by_someone if s.receiver_id is None and s is not to_petounoun[0]]
    assert [(s.counterpart_name, s.counterpart_chapter) for s in to_bold] == [
        ("Fometrou Frugran", "BNI Shochean, Deira Dubai, United Arab Emirates")
    ]

    mappings = {
        m.name_key: (m.member_id, m.other_chapter)
        for m in db.session.scalars(
            db.select(NameMapping).where(NameMapping.chapter_id == chapter.id)
        )
    }
    assert mappings["ziodea nokean"] == (someone.id, False)
    assert mappings["petounoun fregewea"] == (None, True)
    assert mappings["chezu chiprio"] == (by_key["chezu chiprio"].id, False)
    assert len(mappings) == 16  # the chosen names; bold ones need no memory

    again = preview(chapter, leader, SLIPS_SMALL, meeting_on=MEETING)
    assert again.unknown == []
    assert again.ready
    assert (again.names["ziodea nokean"].member_id, again.names["ziodea nokean"].source) == (
        someone.id,
        "remembered",
    )
    petounoun = again.names["petounoun fregewea"]
    assert (petounoun.member_id, petounoun.choice, petounoun.source) == (None, OTHER, "remembered")
    assert again.names["chezu chiprio"].source == "matched"  # the member it created


def test_a_remembered_name_counts_only_in_its_own_chapter(home) -> None:
    chapter, leader = home
    someone = add_member(chapter, "Someone", "Else")
    first = preview(chapter, leader, SLIPS_SMALL)
    choices = {name.key: OTHER for name in first.unknown}
    choices["ziodea nokean"] = str(someone.id)
    confirmed(replan(first, choices=choices, meeting_on=MEETING), leader)

    away = factories.ChapterFactory(name="Away")
    away_leader = factories.MemberFactory(chapter=away, position=leader.position)
    plan = preview(away, away_leader, SLIPS_SMALL, meeting_on=MEETING)
    assert [name.name for name in plan.unknown] == SMALL_MEMBERS
    # a member id of another chapter is no valid choice either
    plan = replan(plan, choices={"ziodea nokean": str(someone.id)}, meeting_on=MEETING)
    assert plan.names["ziodea nokean"].member_id is None
    assert "Ziodea Nokean" in [name.name for name in plan.unknown]


# --- 3. confirm -----------------------------------------------------------------------------


def test_confirm_writes_one_batch_with_what_the_preview_showed(home) -> None:
    chapter, leader = home
    plan = ready_small_plan(chapter, leader)
    upload_id = plan.upload.id
    batch = confirmed(plan, leader)

    data = load(SLIPS_SMALL)
    assert batch.filename == SLIPS_SMALL
    assert batch.checksum == hashlib.sha256(data).hexdigest()
    assert batch.imported_by_id == leader.user_id
    assert batch.report is ReportKind.SLIPS_AUDIT
    assert (batch.starts_on, batch.ends_on, batch.undone_at) == (MEETING, MEETING, None)
    assert nonzero(batch.counts["new"]) == SMALL_NEW
    assert nonzero(batch.counts["existing"]) == {}
    meeting = db.session.get(Meeting, batch.meeting_id)
    assert (meeting.chapter_id, meeting.meets_on) == (chapter.id, MEETING)
    assert meeting.roster_completed_at is not None  # a meeting in the past was held

    for model, category in (
        (ReferralSlip, "slips"),
        (ThankYou, "thank_yous"),
        (OneToOne, "one_to_ones"),
        (EducationCredit, "education_credits"),
    ):
        rows = db.session.scalars(db.select(model)).all()
        assert len(rows) == SMALL_NEW[category], model
        assert {(r.import_batch_id, r.week_on, r.meeting_id) for r in rows} == {
            (batch.id, MEETING, meeting.id)
        }
        assert all(r.import_key and len(r.import_key) == 64 for r in rows)
        assert len({r.import_key for r in rows}) == len(rows)  # identical rows get their own
    assert db.session.scalar(db.select(func.count()).select_from(Member)) == 1 + 16

    people = members_by_key(chapter.id)
    thanks = db.session.scalars(db.select(ThankYou)).all()
    assert all(t.thanker_id is None for t in thanks)  # the thanker is anonymous
    assert sorted((t.giver_id, t.amount_cents) for t in thanks) == sorted(
        [
            (people["houbrai gaiva kraithujen"].id, 606400),
            (people["petounoun fregewea"].id, 10000),
            (people["petounoun fregewea"].id, 367000),
            (people["chezu chiprio"].id, 2000000),
        ]
    )
    slips = db.session.scalars(db.select(ReferralSlip)).all()
    assert Counter(s.kind for s in slips) == {SlipKind.INSIDE: 9, SlipKind.OUTSIDE: 11}
    twice = [  # rows 13 and 14 are the same referral, passed twice: both are kept
        s
        for s in slips
        if s.giver_id == people["houbrai gaiva kraithujen"].id
        and s.counterpart_name == "Vioralion Kofuhi"
    ]
    assert len(twice) == 2
    assert all(s.receiver_id is None and s.kind is SlipKind.OUTSIDE for s in twice)
    assert {s.counterpart_chapter for s in twice} == {
        "BNI Froukrin, Deira Dubai, United Arab Emirates"
    }
    from_bold = [s for s in slips if s.giver_id is None]
    assert sorted((s.counterpart_name, s.kind.value) for s in from_bold) == [
        ("Routoucion Theawokio", "inside"),
        ("Routoucion Theawokio", "inside"),
        ("Routoucion Theawokio", "outside"),
        ("Wasiosi Kewa", "inside"),
    ]
    ziodea_credits = db.session.scalars(
        db.select(EducationCredit.credits).where(
            EducationCredit.member_id == people["ziodea nokean"].id
        )
    ).all()
    assert ziodea_credits == [1, 1, 1]  # three identical CEU rows
    one_to_ones = db.session.scalars(db.select(OneToOne)).all()
    assert all(o.logged_by_id is not None for o in one_to_ones)
    with_bold = [o for o in one_to_ones if o.other_id is None]
    assert len(with_bold) == 8
    assert all(o.counterpart_name for o in with_bold)

    assert db.session.get(ImportUpload, upload_id) is None
    assert audit_actions(batch.id) == ["import.confirmed"]
    assert import_writes.batches(chapter.id) == [batch]
    assert import_writes.get_batch(chapter.id, batch.id) is batch


def test_the_weekly_totals_show_the_imported_week(home) -> None:
    chapter, leader = home
    confirmed(ready_small_plan(chapter, leader), leader)
    people = members_by_key(chapter.id)
    expected = {
        people[key].id: nonzero(values)
        for key, values in expected_week_totals(report(SLIPS_SMALL)).items()
    }
    week = leaderboard.sums(chapter.id, MEETING, MEETING)
    assert {member_id: nonzero(values) for member_id, values in week.items()} == expected
    assert leaderboard.sums(chapter.id, date(2025, 9, 1), date(2025, 12, 31)) == {}
    ranked = leaderboard.board(chapter.id, MEETING, MEETING, sort="tyfcb")
    assert (ranked[0].name, ranked[0].totals["tyfcb_credited_cents"]) == (
        "Chezu Chiprio",
        2000000,
    )


def test_confirm_is_refused_while_names_are_unknown_or_the_meeting_is_missing(home) -> None:
    chapter, leader = home
    plan = preview(chapter, leader, SLIPS_SMALL)
    before = stored()
    with pytest.raises(RuleViolation, match="meeting") as missing:
        import_writes.confirm(plan, actor=leader.user, now=NOW)
    assert missing.value.field == "meeting_on"
    with pytest.raises(RuleViolation, match="Say who these are first: Briogeapu Dugrou") as who:
        import_writes.confirm(replan(plan, meeting_on=MEETING), actor=leader.user, now=NOW)
    assert who.value.field == "names"
    without_meeting = create_unknown(plan)
    assert without_meeting.unknown == []
    assert without_meeting.needs_meeting
    with pytest.raises(RuleViolation, match="meeting"):
        import_writes.confirm(without_meeting, actor=leader.user, now=NOW)
    db.session.commit()
    assert stored() == before
    assert db.session.get(ImportUpload, plan.upload.id) is not None  # still there to retry


def test_a_thank_you_to_someone_of_another_chapter_is_skipped_even_with_a_from(home) -> None:
    chapter, leader = home
    add_member(chapter, "Anna", "Berg")
    data = csv_bytes(
        SLIP_HEADER,
        [
            ["Anna Berg", "Olga Other", "TYFCB", "", "100.00", "", ""],
            ["", "Anna Berg", "TYFCB", "", "50.00", "", ""],
        ],
    )
    plan = preview(
        chapter,
        leader,
        data=data,
        filename="thanks.csv",
        choices={"olga other": OTHER},
        meeting_on=MEETING,
    )
    assert plan.new["thank_yous"] == 1
    assert [p.row for p in plan.skipped] == [2]
    confirmed(plan, leader)
    assert live(ThankYou) == 1


def test_the_full_month_imports_every_row_but_the_tyfcb_credited_to_bni(home) -> None:
    chapter, leader = home
    audit = report(SLIPS_UAE)
    plan = create_unknown(preview(chapter, leader, SLIPS_UAE), meeting_on=MEETING)
    assert plan.ready
    assert plan.new["members"] == 42
    rows = {r.label: r for r in plan.reconciliation}
    assert all(r.matches for r in plan.reconciliation), plan.reconciliation
    tyfcb = rows["TYFCB amount"]
    assert (tyfcb.in_file, tyfcb.to_import, tyfcb.elsewhere) == (
        65162900,
        65162900 - 1413000,
        1413000,
    )
    assert any("14,130.00 of TYFCB was credited to BNI" in note for note in plan.notes)
    assert [(p.row, p.message) for p in plan.skipped] == [
        (488, "TYFCB credited to BNI, not to a member")
    ]
    assert (rows["Referrals inside"].in_file, rows["Referrals outside"].in_file) == (111, 121)
    assert nonzero(plan.new) == {
        "slips": 232,
        "thank_yous": 72,
        "one_to_ones": 135,
        "education_credits": 71,
        "visitors": 2,
        "members": 42,
    }
    batch = confirmed(plan, leader)

    assert live(ThankYou) == 72
    assert db.session.scalar(db.select(func.sum(ThankYou.amount_cents))) == 65162900 - 1413000
    assert db.session.scalar(db.select(func.count()).where(ThankYou.amount_cents == 1413000)) == 0
    people = members_by_key(chapter.id)
    assert "bni" not in people
    credits = db.session.scalars(
        db.select(EducationCredit.credits).where(
            EducationCredit.member_id == people["brebro kibrechin"].id
        )
    ).all()
    assert 21 in credits  # row 21: more than a member may log, as exported
    assert db.session.scalar(db.select(func.sum(EducationCredit.credits))) == sum(
        line.credits for line in audit.lines if line.credits
    )
    slips = db.session.scalars(db.select(ReferralSlip)).all()
    assert Counter(s.kind for s in slips) == {SlipKind.INSIDE: 111, SlipKind.OUTSIDE: 121}
    rows_19_20 = [
        s
        for s in slips
        if s.counterpart_name == "Fakoukra Coushiozen"
        and s.receiver_id == people["tupracu niwoutio"].id
    ]
    assert len(rows_19_20) == 2
    assert {s.counterpart_chapter for s in rows_19_20} == {"Prainiofio, Pune East, India"}
    three_times = [
        s
        for s in slips
        if (s.giver_id, s.receiver_id)
        == (people["brebro kibrechin"].id, people["kriobrun maboukran toukrai"].id)
    ]
    assert len(three_times) == 3
    visits = db.session.scalars(db.select(Visit)).all()
    assert {v.invited_by_id for v in visits} == {people["kriobrun maboukran toukrai"].id}
    guests = {g.id: g.name for g in db.session.scalars(db.select(Guest))}
    assert sorted(guests[v.guest_id] for v in visits) == ["Catho Wejostin", "Kiolare Wejostin"]
    assert {v.import_batch_id for v in visits} == {batch.id}

    week = leaderboard.sums(chapter.id, MEETING, MEETING)
    expected = {people[key].id: nonzero(v) for key, v in expected_week_totals(audit).items()}
    assert {member_id: nonzero(values) for member_id, values in week.items()} == expected


# --- 4. the same file again -----------------------------------------------------------------


def test_the_same_file_again_finds_everything_already_there(home) -> None:
    chapter, leader = home
    batch = confirmed(ready_small_plan(chapter, leader), leader)
    after_first = stored()

    again = preview(chapter, leader, SLIPS_SMALL, meeting_on=MEETING)
    assert again.ready  # the members it created match by name now
    assert again.earlier is not None
    assert again.earlier.id == batch.id
    assert nonzero(again.new) == {}
    assert nonzero(again.existing) == {k: v for k, v in SMALL_NEW.items() if k != "members"}
    assert again.pending == []
    assert again.writes_nothing
    assert confirmed(again, leader) is None  # a re-import that writes nothing: no batch
    assert stored() == {**after_first, "uploads": 0}


def test_a_longer_version_of_a_file_adds_only_the_rows_it_did_not_have(home) -> None:
    chapter, leader = home
    anna, carl = add_member(chapter, "Anna", "Berg"), add_member(chapter, "Carl", "Dorn")
    row = ["Anna Berg", "Carl Dorn", "Referral", "Outside", "", "", ""]
    twice = csv_bytes(SLIP_HEADER, [row, row])
    confirmed(preview(chapter, leader, data=twice, filename="a.csv", meeting_on=MEETING), leader)
    assert live(ReferralSlip) == 2  # a referral passed twice is two referrals

    thrice = csv_bytes(SLIP_HEADER, [row, row, row])
    plan = preview(chapter, leader, data=thrice, filename="b.csv", meeting_on=MEETING)
    assert plan.earlier is None  # another file
    assert (plan.new["slips"], plan.existing["slips"]) == (1, 2)
    confirmed(plan, leader)
    assert live(ReferralSlip) == 3
    assert leaderboard.sums(chapter.id, MEETING, MEETING)[anna.id]["given_outside"] == 3
    other_week = preview(
        chapter, leader, data=thrice, filename="c.csv", meeting_on=date(2025, 9, 3)
    )
    assert (other_week.new["slips"], other_week.existing["slips"]) == (3, 0)
    assert carl.id in leaderboard.sums(chapter.id, MEETING, MEETING)


# --- 5. undo --------------------------------------------------------------------------------


def test_undo_voids_what_the_batch_wrote_and_the_file_can_be_imported_again(home) -> None:
    chapter, leader = home
    plan = ready_small_plan(chapter, leader)
    batch = confirmed(plan, leader)
    assert leaderboard.sums(chapter.id, MEETING, MEETING)
    before = stored()

    counts = import_writes.undo(batch, actor=leader.user, now=NOW)
    db.session.commit()
    assert counts == {
        "referral_slips": 20,
        "thank_yous": 4,
        "one_to_ones": 14,
        "education_credits": 13,
        "opening_balances": 0,
        "attendance": 0,
        "visits": 0,
        "members_marked_left": 16,
        "returned_to_left": 0,
        "meeting_cancelled": 1,  # the meeting only this import knew of
        "roster_reopened": 1,
    }
    for model in LEDGER:
        rows = db.session.scalars(db.select(model)).all()
        assert {r.voided_at for r in rows} == {NOW}, model  # kept, voided
        assert {(r.voided_by_id, r.void_reason) for r in rows} == {
            (leader.user_id, f"Import {batch.id} undone")
        }
    assert stored() == {**before, "weekly_totals": 0}
    created = db.session.scalars(db.select(Member).where(Member.import_batch_id == batch.id)).all()
    assert len(created) == 16
    # they leave on the day they joined: on no roster, in no list
    assert {(m.status, m.left_on) for m in created} == {(MemberStatus.LEFT, MEETING)}
    assert {m.joined_on for m in created} == {MEETING}
    assert db.session.get(Member, leader.id).status is MemberStatus.ACTIVE
    assert (batch.undone_at, batch.undone_by_id, batch.is_undone) == (NOW, leader.user_id, True)
    assert audit_actions(batch.id) == ["import.confirmed", "import.undone"]
    assert leaderboard.sums(chapter.id, MEETING, MEETING) == {}

    with pytest.raises(Conflict, match="already undone"):
        import_writes.undo(batch, actor=leader.user, now=NOW)

    again = preview(chapter, leader, SLIPS_SMALL, meeting_on=MEETING)
    assert again.earlier is None  # an undone import does not count
    assert nonzero(again.new) == {k: v for k, v in SMALL_NEW.items() if k != "members"}
    assert nonzero(again.existing) == {}
    confirmed(again, leader)
    assert [live(model) for model in LEDGER] == [20, 4, 14, 13]
    people = members_by_key(chapter.id)
    expected = {
        people[key].id: nonzero(values)
        for key, values in expected_week_totals(report(SLIPS_SMALL)).items()
    }
    week = leaderboard.sums(chapter.id, MEETING, MEETING)
    assert {member_id: nonzero(values) for member_id, values in week.items()} == expected


def test_after_undo_a_re_import_shows_its_people_on_the_leaderboard_again(home) -> None:
    chapter, leader = home
    batch = confirmed(ready_small_plan(chapter, leader), leader)
    import_writes.undo(batch, actor=leader.user, now=NOW)
    db.session.commit()
    confirmed(preview(chapter, leader, SLIPS_SMALL, meeting_on=MEETING), leader)
    names = {row.name for row in leaderboard.board(chapter.id, MEETING, MEETING)}
    assert "Chezu Chiprio" in names


def test_undo_removes_the_attendance_and_visits_a_batch_added(home) -> None:
    chapter, leader = home
    anna = add_member(chapter, "Anna", "Berg")
    data = csv_bytes(
        SLIP_HEADER,
        [
            ["Anna Berg", "Vera Visitor", "Visitor", "", "", "", ""],
            ["Anna Berg", "Vera Visitor", "Visitor", "", "", "", ""],
            ["Anna Berg", "Otto Outsider", "Visitor", "", "", "", ""],
        ],
    )
    plan = preview(chapter, leader, data=data, filename="visitors.csv", meeting_on=MEETING)
    assert plan.ready
    assert plan.new["visitors"] == 2  # the second slip naming Vera is the same visit
    slips_batch = confirmed(plan, leader)
    visits = db.session.scalars(db.select(Visit)).all()
    assert len(visits) == 2  # one visit per visitor per meeting
    assert leaderboard.sums(chapter.id, MEETING, MEETING)[anna.id]["visitors"] == 2

    week = create_unknown(preview(chapter, leader, PALMS_US_WEEK))
    week_batch = confirmed(week, leader)
    assert db.session.scalar(db.select(func.count()).select_from(Attendance)) == 34

    counts = import_writes.undo(week_batch, actor=leader.user, now=NOW)
    assert (counts["attendance"], counts["members_marked_left"]) == (34, 34)
    counts = import_writes.undo(slips_batch, actor=leader.user, now=NOW)
    assert (counts["visits"], counts["members_marked_left"]) == (2, 0)
    db.session.commit()
    assert db.session.scalar(db.select(func.count()).select_from(Attendance)) == 0
    assert db.session.scalar(db.select(func.count()).select_from(Visit)) == 0
    assert db.session.scalar(db.select(func.count()).select_from(Guest)) == 2  # kept
    assert leaderboard.sums(chapter.id, None, date(2026, 12, 31)) == {}


def test_a_visitor_named_twice_is_not_doubled_by_importing_the_file_again(home) -> None:
    chapter, leader = home
    add_member(chapter, "Anna", "Berg")
    add_member(chapter, "Carl", "Dorn")
    data = csv_bytes(
        SLIP_HEADER,
        [
            ["Anna Berg", "Vera Visitor", "Visitor", "", "", "", ""],
            ["Carl Dorn", "Vera Visitor", "Visitor", "", "", "", ""],
        ],
    )
    confirmed(preview(chapter, leader, data=data, filename="v.csv", meeting_on=MEETING), leader)
    again = preview(chapter, leader, data=data, filename="v.csv", meeting_on=MEETING)
    assert again.new["visitors"] == 0
    confirmed(again, leader)
    assert db.session.scalar(db.select(func.count()).select_from(Visit)) == 1
    assert db.session.scalar(db.select(func.count()).select_from(Guest)) == 1


# --- 6. PALMS summary of one meeting --------------------------------------------------------


def test_a_summary_of_one_meeting_becomes_that_meetings_attendance(home) -> None:
    chapter, leader = home
    summary = report(PALMS_US_WEEK)
    plan = preview(chapter, leader, PALMS_US_WEEK)
    assert plan.kind is ReportKind.PALMS_SUMMARY
    assert (plan.needs_meeting, plan.needs_period) == (False, False)
    assert (plan.meeting_on, plan.meeting) == (WEEK_MEETING, None)
    assert len(plan.unknown) == 34
    assert "Total" not in plan.names
    assert "total" not in plan.names
    assert not {"visitors", "bni", "total"} & set(plan.names)
    plan = create_unknown(plan)
    assert nonzero(plan.new) == {"attendance": 34, "members": 34}
    assert any("becomes that meeting's attendance" in note for note in plan.notes)
    by_label = {r.label: r for r in plan.reconciliation}
    assert all(r.matches for r in plan.reconciliation), plan.reconciliation
    total = summary.total
    assert (by_label["P"].in_file, by_label["P"].to_import) == (total.counts["p"], 32)
    assert (by_label["A"].in_file, by_label["A"].to_import) == (total.counts["a"], 2)
    assert by_label["TYFCB"].in_file == total.tyfcb_cents == 8104400
    assert by_label["1-2-1"].in_file == 108

    batch = confirmed(plan, leader)
    meeting = db.session.scalars(db.select(Meeting)).one()  # created: there was none
    assert (meeting.chapter_id, meeting.meets_on, batch.meeting_id) == (
        chapter.id,
        WEEK_MEETING,
        meeting.id,
    )
    assert batch.report is ReportKind.PALMS_SUMMARY
    assert (batch.starts_on, batch.ends_on) == (WEEK_MEETING, WEEK_MEETING)
    people = members_by_key(chapter.id)
    marks = {a.member_id: a.status for a in db.session.scalars(db.select(Attendance))}
    expected = {
        people[line.key].id: Palms.PRESENT if line.counts["p"] else Palms.ABSENT
        for line in summary.lines
    }
    assert marks == expected
    assert Counter(marks.values()) == {Palms.PRESENT: 32, Palms.ABSENT: 2}
    assert all(a.meeting_id == meeting.id for a in db.session.scalars(db.select(Attendance)))
    week = leaderboard.sums(chapter.id, WEEK_MEETING, WEEK_MEETING)
    assert sum(v["present"] for v in week.values()) == 32
    assert sum(v["absent"] for v in week.values()) == 2
    assert sum(v["given_outside"] for v in week.values()) == 0  # counts are not slips

    again = preview(chapter, leader, PALMS_US_WEEK)
    assert again.meeting is not None
    assert again.meeting.id == meeting.id
    assert (nonzero(again.new), nonzero(again.existing)) == ({}, {"attendance": 34})


def test_a_summary_of_one_meeting_uses_the_meeting_already_there(home) -> None:
    chapter, leader = home
    meeting = Meeting(
        chapter_id=chapter.id,
        scheduled_on=WEEK_MEETING,
        meets_on=WEEK_MEETING,
        starts_at=NOW.replace(year=2026, month=2, day=25, hour=3),
    )
    db.session.add(meeting)
    db.session.flush()
    plan = create_unknown(preview(chapter, leader, PALMS_US_WEEK))
    assert plan.meeting is meeting
    batch = confirmed(plan, leader)
    assert batch.meeting_id == meeting.id
    assert db.session.scalar(db.select(func.count()).select_from(Meeting)) == 1
    assert (
        db.session.scalar(db.select(func.count()).where(Attendance.meeting_id == meeting.id)) == 34
    )


# --- 7. PALMS summary over a range ----------------------------------------------------------


def test_a_summary_over_a_range_becomes_opening_balances(home) -> None:
    chapter, leader = home
    summary = report(PALMS_US_RANGE)
    plan = create_unknown(preview(chapter, leader, PALMS_US_RANGE))
    assert (plan.needs_period, plan.meeting_on, plan.meeting) == (False, None, None)
    assert nonzero(plan.new) == {"opening_balances": 38, "members": 38}
    assert all(r.matches for r in plan.reconciliation), plan.reconciliation
    assert any("opening balance for 01 Oct 2025 to 25 Feb 2026" in n for n in plan.notes)
    batch = confirmed(plan, leader)
    assert (batch.starts_on, batch.ends_on, batch.meeting_id) == (*RANGE, None)
    assert db.session.scalar(db.select(func.count()).select_from(Meeting)) == 0

    people = members_by_key(chapter.id)
    balances = {b.member_id: b for b in db.session.scalars(db.select(OpeningBalance))}
    assert len(balances) == 38
    fields = dict(
        zip(
            BALANCE_COLUMNS,
            ("p", "a", "l", "m", "s", "rgi", "rgo", "rri", "rro", "v", "one_to_ones", "ceu"),
            strict=False,
        )
    )
    for line in summary.lines:
        balance = balances[people[line.key].id]
        assert (balance.starts_on, balance.ends_on) == RANGE
        assert {c: getattr(balance, c) for c in fields} == {
            c: line.counts[f] for c, f in fields.items()
        }, line.name
        assert balance.tyfcb_credited_cents == line.tyfcb_cents
        assert balance.import_batch_id == batch.id
        assert balance.voided_at is None

    end = RANGE[1]
    with_balances = leaderboard.sums(chapter.id, None, end, balances=True)
    assert set(with_balances) == set(balances)
    assert sum(v["given_outside"] for v in with_balances.values()) == summary.total.counts["rgo"]
    assert sum(v["tyfcb_credited_cents"] for v in with_balances.values()) == 140914100 - sum(
        x.tyfcb_cents for x in (summary.visitors, summary.bni)
    )
    assert leaderboard.sums(chapter.id, None, end) == {}  # balances=False
    assert leaderboard.sums(chapter.id, None, date(2026, 2, 24), balances=True) == {}
    assert leaderboard.sums(chapter.id, date(2026, 1, 1), date(2026, 6, 30), balances=True)
    assert leaderboard.opening_balance_spans(chapter.id, None, date(2026, 11, 23)) == [RANGE]
    assert leaderboard.opening_balance_spans(chapter.id, None, date(2026, 2, 1)) == []
    assert leaderboard.opening_balance_spans(chapter.id, date(2026, 3, 1), NOW.date()) == []
    board = leaderboard.board(chapter.id, None, end, sort="given", balances=True)
    assert board[0].given == max(x.counts["rgi"] + x.counts["rgo"] for x in summary.lines)

    again = preview(chapter, leader, PALMS_US_RANGE)
    assert (nonzero(again.new), nonzero(again.existing)) == ({}, {"opening_balances": 38})
    import_writes.undo(batch, actor=leader.user, now=NOW)
    db.session.commit()
    assert all(b.voided_at == NOW for b in db.session.scalars(db.select(OpeningBalance)))
    assert leaderboard.sums(chapter.id, None, end, balances=True) == {}
    assert leaderboard.opening_balance_spans(chapter.id, None, end) == []


def test_a_summary_without_its_dates_asks_for_them(home) -> None:
    chapter, leader = home
    plan = create_unknown(preview(chapter, leader, PALMS_UAE))
    assert (plan.needs_period, plan.asks_period, plan.ready) == (True, True, False)
    assert any("give its From and To dates" in note for note in plan.notes)
    assert nonzero(plan.new) == {}
    assert plan.pending == []
    with pytest.raises(RuleViolation, match="dates") as refused:
        import_writes.confirm(plan, actor=leader.user, now=NOW)
    assert refused.value.field == "starts_on"
    with pytest.raises(ImportRefused, match="From must not be after To"):
        replan(plan, period=(date(2025, 8, 31), date(2025, 8, 1)))
    db.session.commit()
    assert live(OpeningBalance) == 0


def test_a_summary_given_its_dates_plans_balances_and_shows_where_the_total_differs(
    home,
) -> None:
    chapter, leader = home
    period = (date(2025, 8, 1), date(2025, 8, 31))
    plan = create_unknown(preview(chapter, leader, PALMS_UAE), period=period)
    assert not plan.needs_period
    assert plan.ready
    assert nonzero(plan.new) == {"opening_balances": 43, "members": 43}
    rows = {r.label: r for r in plan.reconciliation}
    present = rows["P"]
    assert (present.in_file, present.to_import, present.elsewhere) == (765, 727, 0)
    assert not present.matches
    notes = " ".join(plan.notes)
    assert "P 765 against 727" in notes
    assert "TYFCB 9,531,265.00 against 9,222,424.00" in notes
    assert not rows["TYFCB"].matches
    assert rows["TYFCB"].money
    assert rows["L"].matches  # 15 and 15
    batch = confirmed(plan, leader)
    assert (batch.starts_on, batch.ends_on) == period
    assert live(OpeningBalance) == 43
    assert leaderboard.opening_balance_spans(chapter.id, None, period[1]) == [period]


# --- 8. rosters -----------------------------------------------------------------------------


ROSTER = [
    [
        "Rosa",
        "Plumb",
        "Rosa Plumbing",
        "Plumber",
        "+971 50 000 0001",
        "Rosa@Plumb.example",
        "Active",
        "2023-04-01",
        "2026-04-01",
        "Carl Dorn",
    ],
    ["Ivan", "Roof", "Roof & Co", "Roofer", "", "", "Active", "15/01/2024", "", ""],
    ["Old", "Timer", "Gone Ltd", "Baker", "", "", "Dropped", "", "", ""],
]


def test_a_roster_creates_members_with_their_details_and_finds_them_next_time(home) -> None:
    chapter, leader = home
    data = csv_bytes(ROSTER_HEADER, ROSTER)
    plan = preview(chapter, leader, data=data, filename="roster.csv")
    assert plan.kind is ReportKind.ROSTER
    assert plan.ready
    assert plan.unknown == []
    assert {n.name: (n.choice, n.source) for n in plan.names.values()} == {
        "Rosa Plumb": (CREATE, "new"),
        "Ivan Roof": (CREATE, "new"),
        "Old Timer": (CREATE, "new"),
    }
    assert nonzero(plan.new) == {"members": 3}
    batch = confirmed(plan, leader)
    assert batch.report is ReportKind.ROSTER
    assert batch.meeting_id is None

    people = members_by_key(chapter.id)
    rosa = people["rosa plumb"]
    assert (rosa.user.email, rosa.business_name, rosa.classification, rosa.phone) == (
        "rosa@plumb.example",
        "Rosa Plumbing",
        "Plumber",
        "+971 50 000 0001",
    )
    assert (rosa.joined_on, rosa.renewal_on, rosa.status) == (
        date(2023, 4, 1),
        date(2026, 4, 1),
        MemberStatus.ACTIVE,
    )
    assert rosa.import_batch_id == batch.id
    ivan = people["ivan roof"]
    assert ivan.user.email.endswith("@imported.invalid")
    assert (ivan.joined_on, ivan.renewal_on, ivan.business_name) == (
        date(2024, 1, 15),
        None,
        "Roof & Co",
    )
    old = people["old timer"]
    assert (old.status, old.left_on) == (MemberStatus.LEFT, NOW.date())

    again = preview(chapter, leader, data=data, filename="roster.csv")
    assert again.earlier is not None
    assert again.earlier.id == batch.id
    assert (nonzero(again.new), nonzero(again.existing)) == ({}, {"members": 3})
    assert {n.source for n in again.names.values()} == {"matched"}
    before = stored()
    assert confirmed(again, leader) is None  # nothing new: no empty batch
    assert stored() == {**before, "uploads": 0}


def test_a_roster_row_with_an_e_mail_already_on_the_platform(home) -> None:
    chapter, leader = home
    elsewhere = factories.MemberFactory(user__email="taken@away.example")  # another chapter
    renamed = add_member(chapter, "Rosalind", "Plumb-Smith", user__email="rosa@home.example")
    data = csv_bytes(
        ROSTER_HEADER,
        [
            ["Tom", "Taken", "", "Tiler", "", "TAKEN@away.example", "Active", "", "", ""],
            ["Rosa", "Plumb", "", "Plumber", "", "rosa@home.example", "Active", "", "", ""],
        ],
    )
    plan = preview(chapter, leader, data=data, filename="roster.csv")
    # in the chapter: the same person under another name, found by e-mail
    assert (plan.names["rosa plumb"].member_id, plan.names["rosa plumb"].source) == (
        renamed.id,
        "matched",
    )
    # on the platform but not in the chapter: imported with a placeholder e-mail
    assert plan.names["tom taken"].choice == CREATE
    assert (plan.new["members"], plan.existing["members"]) == (1, 1)
    assert any("1 e-mail address(es) in this file already have" in n for n in plan.notes)
    assert not any("taken@away.example" in note for note in plan.notes)  # not whose
    confirmed(plan, leader)
    tom = members_by_key(chapter.id)["tom taken"]
    assert tom.user.email.endswith("@imported.invalid")
    assert tom.user_id != elsewhere.user_id
    assert db.session.get(User, elsewhere.user_id).email == "taken@away.example"
    assert db.session.get(Member, renamed.id).user.first_name == "Rosalind"  # not overwritten


def test_a_roster_classification_already_held_gets_the_name_added(home) -> None:
    chapter, leader = home
    add_member(chapter, "Pat", "Pipes", classification="Plumber")
    data = csv_bytes(ROSTER_HEADER, [ROSTER[0]])
    confirmed(preview(chapter, leader, data=data, filename="roster.csv"), leader)
    rosa = members_by_key(chapter.id)["rosa plumb"]
    assert rosa.classification == "Plumber (Rosa Plumb)"


# --- 9. refusals ----------------------------------------------------------------------------

DOCTYPE = (
    b'<?xml version="1.0"?><!DOCTYPE Workbook [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;">]>'
    b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
    b'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Report">'
    b"<Table><Row><Cell><Data>&b;</Data></Cell></Row></Table></Worksheet></Workbook>"
)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\x00\x01\x02\x03\xff\xfe junk", "not a file"),
        (b"%PDF-1.7\n", "not a file"),
        (DOCTYPE, "DTD"),
        (b"Date,Amount,Note\n2025-01-01,10,x\n", "not a report the importer knows"),
        (b"", "empty"),
    ],
)
def test_stage_refuses_what_it_cannot_import_and_writes_nothing(home, data, says) -> None:
    chapter, leader = home
    before = stored()
    with pytest.raises(ImportRefused, match=f"(?i){says}") as refused:
        imports.stage(chapter.id, "file.xls", data, actor=leader.user, max_bytes=2**20)
    assert isinstance(refused.value, RuleViolation)
    assert refused.value.field == "file"
    db.session.commit()
    assert stored() == before


def test_stage_refuses_a_file_over_the_limit(home) -> None:
    chapter, leader = home
    data = load(SLIPS_SMALL)
    with pytest.raises(ImportRefused, match="larger than 1 MB"):
        imports.stage(
            chapter.id, "big.xls", data + b" " * 2**20, actor=leader.user, max_bytes=2**20
        )
    with pytest.raises(RuleViolation):
        imports.stage(chapter.id, "x.xls", data, actor=leader.user, max_bytes=len(data) - 1)
    assert stored()["uploads"] == 0
    upload_id = imports.stage(chapter.id, "x.xls", data, actor=leader.user, max_bytes=len(data))
    assert imports.get_upload(chapter.id, upload_id).data == data


def test_an_upload_belongs_to_its_chapter(home) -> None:
    chapter, leader = home
    upload_id = imports.stage(
        chapter.id, "../../etc/slips.xls", load(SLIPS_SMALL), actor=leader.user, max_bytes=2**20
    )
    upload = imports.get_upload(chapter.id, upload_id)
    assert upload.filename == "slips.xls"  # no path kept
    assert upload.checksum == hashlib.sha256(load(SLIPS_SMALL)).hexdigest()
    away = factories.ChapterFactory(name="Away")
    with pytest.raises(NotFound):
        imports.get_upload(away.id, upload_id)
    with pytest.raises(NotFound):
        imports.get_upload(chapter.id, upload_id + 1000)
    batch = confirmed(create_unknown(imports.plan(upload), meeting_on=MEETING), leader)
    with pytest.raises(NotFound):
        import_writes.get_batch(away.id, batch.id)
    assert import_writes.batches(away.id) == []
