"""Shared pieces of the BNI Connect import tests: the fixture files, a chapter with a leader,
previews (stage + plan), and counts of what is stored."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, date, datetime, time
from pathlib import Path

from sqlalchemy import func

from chapter.attendance.guest_models import Guest, Visit
from chapter.attendance.models import Attendance
from chapter.auth.models import User
from chapter.bni import imports
from chapter.bni.imports import CREATE, Plan
from chapter.bni.models import ImportBatch, ImportUpload, NameMapping, OpeningBalance
from chapter.bni.reports import SlipsAudit, SlipType, name_key, parse_report
from chapter.chapters.models import Chapter
from chapter.extensions import db
from chapter.leaderboard.models import WeeklyTotal
from chapter.ledger.models import EducationCredit, OneToOne, ReferralSlip, ThankYou
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.members.roles import Position
from chapter.platform.audit_models import AuditEvent
from tests.support import factories

FIXTURES = Path(__file__).parents[1] / "fixtures" / "bni"
PALMS_UAE = "palms-summary_noheaders_uae_2025-08.xls"
PALMS_US_RANGE = "palms-summary_withheaders_us_2025-10-01_to_2026-02-25.xls"
PALMS_US_WEEK = "palms-summary_withheaders_us_week_2026-02-25.xls"
SLIPS_UAE = "slips-audit_noheaders_uae_2025-08.xls"
SLIPS_SMALL = "slips-audit_noheaders_uae_small_2025-08.xls"
SLIPS_XLSX = "slips-audit_withheaders_uae_2025-02-13_resaved.xlsx"

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
MEETING = date(2025, 8, 27)  # a Wednesday in the month of the UAE slips audits
WEEK_MEETING = date(2026, 2, 25)  # the US one-meeting summary
RANGE = (date(2025, 10, 1), date(2026, 2, 25))  # the US summary over a range

SLIP_HEADER = ["From", "To", "Slip Type", "Inside/Outside", "TYFCB Amount", "CEU Credits", "Detail"]
ROSTER_HEADER = [
    "First Name",
    "Last Name",
    "Company",
    "Profession/Classification",
    "Phone",
    "Email",
    "Status",
    "Join Date",
    "Renewal Date",
    "Sponsor",
]

TABLES = {
    "slips": ReferralSlip,
    "thank_yous": ThankYou,
    "one_to_ones": OneToOne,
    "education_credits": EducationCredit,
    "opening_balances": OpeningBalance,
    "attendance": Attendance,
    "visits": Visit,
    "guests": Guest,
    "members": Member,
    "users": User,
    "meetings": Meeting,
    "batches": ImportBatch,
    "uploads": ImportUpload,
    "name_mappings": NameMapping,
    "weekly_totals": WeeklyTotal,
}


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def report(name: str):
    return parse_report(load(name))


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def chapter_with_leader() -> tuple[Chapter, Member]:
    """A chapter meeting on Wednesdays (as the fixtures' meetings) and its president."""
    chapter = factories.ChapterFactory(
        name="Import Chapter", meeting_weekday=2, meeting_time=time(7, 0), timezone="Asia/Dubai"
    )
    leader = factories.MemberFactory(
        chapter=chapter, position=Position.PRESIDENT, user__email="leader@import.example"
    )
    db.session.flush()
    return chapter, leader


def add_member(chapter: Chapter, first: str, last: str, **fields: object) -> Member:
    member = factories.MemberFactory(
        chapter=chapter, user__first_name=first, user__last_name=last, **fields
    )
    db.session.flush()
    return member


def preview(
    chapter: Chapter,
    leader: Member,
    name: str | None = None,
    *,
    data: bytes | None = None,
    filename: str | None = None,
    **options: object,
) -> Plan:
    """Stage a fixture (or ``data``) and plan it, as the preview page does."""
    data = load(name) if data is None else data
    upload_id = imports.stage(
        chapter.id, filename or name or "upload.csv", data, actor=leader.user, max_bytes=2**24
    )
    return imports.plan(imports.get_upload(chapter.id, upload_id), **options)


def replan(plan: Plan, **options: object) -> Plan:
    return imports.plan(plan.upload, **options)


def create_unknown(plan: Plan, **options: object) -> Plan:
    """The same preview with every unknown name made a new member."""
    choices = {name.key: CREATE for name in plan.unknown}
    return imports.plan(plan.upload, choices=choices, **options)


def stored() -> dict[str, int]:
    """How many rows each table the importer may write holds."""
    return {
        label: db.session.scalar(db.select(func.count()).select_from(model))
        for label, model in TABLES.items()
    }


def live(model: type) -> int:
    """Rows of a voidable table that are not voided."""
    return db.session.scalar(
        db.select(func.count()).select_from(model).where(model.voided_at.is_(None))
    )


def members_by_key(chapter_id: int) -> dict[str, Member]:
    found = db.session.scalars(db.select(Member).where(Member.chapter_id == chapter_id)).all()
    return {name_key(f"{m.user.first_name} {m.user.last_name}"): m for m in found}


def audit_actions(subject_id: int) -> list[str]:
    return list(
        db.session.scalars(
            db.select(AuditEvent.action)
            .where(AuditEvent.subject_type == "ImportBatch", AuditEvent.subject_id == subject_id)
            .order_by(AuditEvent.id)
        )
    )


def expected_week_totals(audit: SlipsAudit) -> dict[str, Counter[str]]:
    """What a Slips Audit adds to each chapter member's week (by name key), counted from the
    parsed lines the way the weekly summary counts the ledger: bold people are not members,
    TYFCB to BNI goes to nobody, a visitor counts once per visitor (one visit a meeting)."""
    totals: dict[str, Counter[str]] = {}

    def add(party, column: str, amount: int = 1) -> None:
        if party is not None and not party.other_chapter and party.key != "bni":
            totals.setdefault(party.key, Counter())[column] += amount

    visitors: set[str] = set()
    for line in audit.lines:
        if line.type is SlipType.REFERRAL:
            where = "inside" if line.inside else "outside"
            add(line.giver, f"given_{where}")
            add(line.receiver, f"received_{where}")
        elif line.type is SlipType.ONE_TO_ONE:
            add(line.giver, "one_to_ones")
            add(line.receiver, "one_to_ones")
        elif line.type is SlipType.TYFCB:
            add(line.receiver, "tyfcb_credited_cents", line.amount_cents)
        elif line.type is SlipType.CEU:
            add(line.giver, "education_credits", line.credits)
        elif line.receiver.key not in visitors:
            visitors.add(line.receiver.key)
            add(line.giver, "visitors")
    return totals
