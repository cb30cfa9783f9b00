"""The chapter document: export a chapter, import it into an empty chapter of a fresh
platform, export again, and the two documents are equal; refusals write nothing."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask

from chapter import create_app
from chapter.attendance.guest_models import Guest
from chapter.attendance.guest_rules import FollowUp
from chapter.auth.models import User
from chapter.bni import exports
from chapter.bni.models import NameMapping, OpeningBalance
from chapter.chapters.models import Chapter
from chapter.demo import service as demo
from chapter.errors import RuleViolation
from chapter.extensions import db
from chapter.leaderboard import reports
from chapter.leaderboard.scoring_presets import PRESETS
from chapter.meetings import service as meetings
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.moving import chapter_import
from chapter.platform.audit_models import AuditEvent
from chapter.rotation.models import Presentation, SwapRequest
from chapter.rotation.states import SwapStatus
from tests.support import factories
from tests.support.databases import fresh_database
from tests.support.referral_helpers import OneToOneFactory, SlipFactory, ThankYouFactory

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def canonical(document: dict[str, Any]) -> str:
    return json.dumps(document, sort_keys=True, ensure_ascii=False)


@contextmanager
def fresh_platform(tmp_path: Path, label: str) -> Iterator[Flask]:
    """Another installation: its own new database, migrated, nobody on it."""
    with fresh_database(tmp_path, label) as url:
        other = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        with other.app_context():
            flask_migrate.upgrade()
        try:
            yield other
        finally:
            with other.app_context():
                db.session.remove()
                db.engine.dispose()


def enrich(chapter: Chapter) -> None:
    """What the demo never makes: imported history with a person of another chapter, a
    thank-you without thanker, a voided slip, a disputed one-to-one, a member who left,
    an opening balance, remembered names, a swap request, a followed-up guest, scoring."""
    chapter.scoring = copy.deepcopy(PRESETS["classic"])
    crew = db.session.scalars(
        sa.select(Member).where(Member.chapter_id == chapter.id).order_by(Member.id)
    ).all()
    leader, one, two = crew[0], crew[1], crew[2]
    week = TODAY - timedelta(days=6)
    ids = {"chapter_id": chapter.id, "week_on": week}
    SlipFactory(
        **ids,
        giver_id=one.id,
        counterpart_name="Olga Outsider",
        counterpart_chapter="Far Chapter, North, UK",
        import_key="k" * 64,
    )
    SlipFactory(
        **ids,
        giver_id=two.id,
        receiver_id=one.id,
        voided_at=NOW,
        voided_by_id=leader.user_id,
        void_reason="Entered twice",
    )
    ThankYouFactory(**ids, giver_id=two.id, thanked_on=week, amount_cents=1234_50)
    OneToOneFactory(
        **ids,
        logged_by_id=one.id,
        met_on=week,
        counterpart_name="Olga Outsider",
        disputed_at=NOW,
        dispute_reason="Never met",
    )
    leaver = factories.MemberFactory(
        chapter=chapter, status=MemberStatus.LEFT, sponsor=one, joined_on=date(2020, 1, 1)
    )
    db.session.add_all(
        [
            OpeningBalance(
                chapter_id=chapter.id,
                member_id=leaver.id,
                starts_on=date(2025, 1, 1),
                ends_on=date(2025, 6, 30),
                present=20,
                given_outside=7,
                tyfcb_credited_cents=99_00,
                import_key="b" * 64,
            ),
            NameMapping(
                chapter_id=chapter.id, name_key="olga", name="Olga  Outsider", other_chapter=True
            ),
            NameMapping(chapter_id=chapter.id, name_key="d m", name="D M", member_id=one.id),
        ]
    )
    guest = db.session.scalars(sa.select(Guest).order_by(Guest.id).limit(1)).one()
    guest.follow_up, guest.responsible_id, guest.follow_up_note = FollowUp.CONTACTED, one.id, "Tea"
    ahead = db.session.scalars(
        sa.select(Presentation)
        .join(Meeting)
        .where(Meeting.meets_on > TODAY)
        .order_by(Meeting.meets_on, Presentation.member_id)
    ).all()
    mine, theirs = ahead[0], next(p for p in ahead if p.meeting_id != ahead[0].meeting_id)
    db.session.add(
        SwapRequest(
            chapter_id=chapter.id,
            requester_id=mine.member_id,
            target_id=theirs.member_id,
            requester_presentation_id=mine.id,
            target_presentation_id=theirs.id,
            status=SwapStatus.DECLINED,
            decided_at=NOW,
        )
    )


def palms(chapter_id: int) -> list[list[object]]:
    rows, total = reports.palms_summary(chapter_id, date(2000, 1, 1), date(2100, 1, 1))
    return [row.cells() for row in [*rows, total]]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The enriched demo chapter of one platform: its document and its PALMS summary."""
    where = tmp_path_factory.mktemp("source")
    with fresh_platform(where, "source") as platform, platform.app_context():
        demo.load_demo(today=TODAY)
        chapter = db.session.scalars(sa.select(Chapter)).one()
        enrich(chapter)
        db.session.commit()
        return {"document": exports.chapter_document(chapter.id), "palms": palms(chapter.id)}


def document_of(source: dict[str, Any]) -> dict[str, Any]:
    """A copy that went through JSON, as a file would."""
    return json.loads(json.dumps(source["document"]))


def test_the_document_holds_the_whole_chapter_without_ids_or_secrets(source) -> None:
    document = source["document"]
    assert document["format"] == "chapter-platform/chapter"
    assert document["version"] == 1
    assert document["chapter"]["name"] == demo.DEMO_CHAPTER
    assert set(document["chapter"]) >= {"timezone", "meeting_weekday", "meeting_time", "currency"}
    assert len(document["members"]) == 26
    assert {"leader@demo.example", "member@demo.example"} <= {
        m["email"] for m in document["members"]
    }
    for section in ("guests", "meetings", "attendance", "visits"):
        assert document[section], section
    assert document["rotation"]["presentations"]
    assert document["rotation"]["swap_requests"]
    assert all(document["ledger"][name] for name in document["ledger"])
    assert document["opening_balances"]
    assert document["name_mappings"]
    text = canonical(document)
    for secret in ('"id"', "password", "calendar_token", "_id"):
        assert secret not in text
    # who thanked whom is private, leaders included: the file leaders download never says
    assert all("thanker" not in t for t in document["ledger"]["thank_yous"])
    outsider = [s for s in document["ledger"]["referral_slips"] if s["receiver"] is None]
    assert outsider[0]["counterpart_chapter"] == "Far Chapter, North, UK"
    assert any(s["voided_at"] for s in document["ledger"]["referral_slips"])


def test_export_import_export_gives_the_same_document(source, tmp_path: Path) -> None:
    with fresh_platform(tmp_path, "target") as platform, platform.app_context():
        chapter, counts = chapter_import.import_chapter(document_of(source), actor=None, now=NOW)
        db.session.commit()
        again = exports.chapter_document(chapter.id)
        assert palms(chapter.id) == source["palms"]  # weekly totals kept in step
        assert db.session.scalars(sa.select(User.password_hash)).all() == [None] * 26
        event = db.session.scalars(sa.select(AuditEvent)).one()
        assert (event.action, event.created_at) == ("chapter.imported", NOW)
    assert canonical(again) == canonical(source["document"])
    assert counts["members"] == 26
    assert counts["referral_slips"] == len(source["document"]["ledger"]["referral_slips"])


def test_loading_into_a_new_empty_chapter_replaces_its_schedule(source, tmp_path: Path) -> None:
    with fresh_platform(tmp_path, "target") as platform, platform.app_context():
        chapter = factories.ChapterFactory(name="Placeholder", meeting_time=time(12, 0))
        meetings.ensure_slots(chapter, TODAY, 8)
        db.session.commit()
        chapter_import.load_document(chapter.id, document_of(source), actor=None, now=NOW)
        db.session.commit()
        assert chapter.name == demo.DEMO_CHAPTER
        again = exports.chapter_document(chapter.id)
    assert canonical(again) == canonical(source["document"])


def test_a_chapter_with_members_is_refused(in_app, source) -> None:
    member = factories.MemberFactory()
    db.session.commit()
    with pytest.raises(RuleViolation, match="can only be loaded into an empty chapter"):
        chapter_import.load_document(member.chapter_id, document_of(source), actor=None, now=NOW)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_an_email_already_on_the_platform_is_refused_and_nothing_is_written(in_app, source) -> None:
    factories.UserFactory(email="member@demo.example", is_platform_admin=True)
    chapter = factories.ChapterFactory()
    db.session.commit()
    with pytest.raises(RuleViolation, match=re.escape("member@demo.example")) as refused:
        chapter_import.load_document(chapter.id, document_of(source), actor=None, now=NOW)
    assert "already have an account" in refused.value.message
    assert not db.session.new
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Member)) == 0
    assert db.session.get(Chapter, chapter.id).name != demo.DEMO_CHAPTER


def test_no_chapter_is_created_when_an_email_is_taken(in_app, source) -> None:
    factories.UserFactory(email="leader@demo.example")
    db.session.commit()
    with pytest.raises(RuleViolation, match=re.escape("leader@demo.example")):
        chapter_import.import_chapter(document_of(source), actor=None, now=NOW)
    assert not db.session.new
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Chapter)) == 0


def test_a_chapter_name_already_taken_is_refused(in_app, source) -> None:
    factories.ChapterFactory(name=demo.DEMO_CHAPTER.upper())
    db.session.commit()
    with pytest.raises(RuleViolation, match="already called"):
        chapter_import.import_chapter(document_of(source), actor=None, now=NOW)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    """A change to the document: ``ledger.thank_yous.0.amount_cents`` gets ``value``."""

    def change(document: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = document
        for key in parents:
            target = target[int(key)] if isinstance(target, list) else target[key]
        if isinstance(target, list):
            target[int(last)] = value
        elif value is KeyError:
            del target[last]
        else:
            target[last] = value

    return change


MALFORMED = [
    (_set("format", "something-else"), "not a chapter document"),
    (_set("version", 2), "not a chapter document"),
    (_set("version", True), "not a chapter document"),
    (_set("members", {"a": 1}), "document.members: must be a list"),
    (_set("members.0", "alice"), "document.members[0] must be an object"),
    (_set("members.0.email", KeyError), "document.members[0].email: missing"),
    (_set("members.0.email", 42), "document.members[0].email: must be an e-mail address"),
    (_set("members.0.joined_on", "31/12/2020"), "joined_on: must be a date like"),
    (_set("members.0.status", "retired"), "status: must be one of active, on_leave, left"),
    (_set("members.0.first_name", "x" * 81), "first_name: is longer than 80 characters"),
    (_set("meetings.0.starts_at", "2026-01-01T07:00:00"), "with its UTC offset"),
    (_set("meetings.1.number", 1), "number: 1 is used twice"),
    (_set("attendance.0.member", "nobody@nowhere.example"), "names no member of the document"),
    (_set("attendance.0.meeting", 99999), "names no meeting of the document"),
    (_set("ledger.thank_yous.0.amount_cents", -5), "amount_cents: must be between 1 and"),
    (_set("ledger.thank_yous.0.amount_cents", "12.50"), "amount_cents: must be a whole number"),
    (_set("ledger.referral_slips.0.warmth", 9), "warmth: must be between 1 and 5"),
    (_set("ledger.education_credits.0.credits", 0), "credits: must be between 1 and 100"),
    (_set("rotation.presentations.0.outcome", "maybe"), "outcome: must be one of"),
    (_set("chapter.timezone", "Mars/Olympus"), "timezone: is not a known time zone"),
    (_set("chapter.currency", "pounds"), "currency: is longer than 3 characters"),
    (_set("chapter.meeting_weekday", 7), "meeting_weekday: must be between 0 and 6"),
    (_set("chapter.scoring", {"metrics": "lots"}), "scoring: is not a usable scoring table"),
    (_set("chapter", []), "document.chapter must be an object"),
    (_set("ledger", None), "document.ledger must be an object"),
]


@pytest.mark.parametrize(("change", "message"), MALFORMED)
def test_a_malformed_document_is_refused_with_a_message_and_nothing_written(
    in_app, source, change, message
) -> None:
    chapter = factories.ChapterFactory()
    db.session.commit()
    document = document_of(source)
    change(document)
    with pytest.raises(RuleViolation, match=re.escape(message)):
        chapter_import.load_document(chapter.id, document, actor=None, now=NOW)
    assert not db.session.new
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["members"][1].update(email=d["members"][0]["email"].upper()), "used by two"),
        (lambda d: d["members"][0].update(status="left", left_on=None), "exactly when"),
        (lambda d: d["members"][0].update(sponsor=d["members"][0]["email"]), "themselves"),
        (lambda d: d["attendance"].append(dict(d["attendance"][0])), "is there twice"),
        (lambda d: _outsider(d).update(counterpart_name=" "), "must name the person"),
        (lambda d: _outsider(d).update(giver=None), "or the receiver must be a member"),
        (lambda d: _testimonial(d).update(receiver=_testimonial(d)["giver"]), "than the giver"),
        ("not a dict", "document must be an object"),
    ],
)
def test_rules_the_database_would_enforce_are_refused_first(
    in_app, source, change, message
) -> None:
    chapter = factories.ChapterFactory()
    db.session.commit()
    document: Any = document_of(source)
    if callable(change):
        change(document)
    else:
        document = change
    with pytest.raises(RuleViolation, match=message):
        chapter_import.load_document(chapter.id, document, actor=None, now=NOW)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def _outsider(document: dict[str, Any]) -> dict[str, Any]:
    return next(s for s in document["ledger"]["referral_slips"] if s["receiver"] is None)


def _testimonial(document: dict[str, Any]) -> dict[str, Any]:
    return document["ledger"]["testimonials"][0]


def test_testimonials_travel_with_the_chapter(source, tmp_path: Path) -> None:
    given = source["document"]["ledger"]["testimonials"]
    assert given  # the demo records some
    assert {"giver", "receiver", "week_on", "given_on", "kind", "text", "may_publish"} <= set(
        given[0]
    )
    with fresh_platform(tmp_path, "target") as platform, platform.app_context():
        _, counts = chapter_import.import_chapter(document_of(source), actor=None, now=NOW)
        db.session.commit()
    assert counts["testimonials"] == len(given)


def test_a_document_written_before_testimonials_still_loads(source, tmp_path: Path) -> None:
    """Version 1 documents exported before testimonials have no such section and no T in
    their opening balances: they load as none."""
    document = document_of(source)
    del document["ledger"]["testimonials"]
    for balance in document["opening_balances"]:
        del balance["testimonials"]
    with fresh_platform(tmp_path, "target") as platform, platform.app_context():
        chapter, counts = chapter_import.import_chapter(document, actor=None, now=NOW)
        db.session.commit()
        again = exports.chapter_document(chapter.id)
    assert counts["testimonials"] == 0
    assert again["ledger"]["testimonials"] == []
    assert {b["testimonials"] for b in again["opening_balances"]} <= {0}
