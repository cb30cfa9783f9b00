"""Loading a chapter document (``exports.chapter_document``) into an empty chapter: moving a
chapter from another installation of this platform.

The whole document is read and checked before anything is written; then everything is
written in the caller's transaction (flushed, never committed), so a refused document
writes nothing. Members get new log-ins without a password: they are invited as usual.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy.exc import DataError, IntegrityError

from chapter.attendance.guest_models import Guest
from chapter.auth.models import User
from chapter.bni.models import ImportBatch, NameMapping, OpeningBalance
from chapter.chapters.models import Chapter
from chapter.errors import NotFound, RuleViolation
from chapter.extensions import db
from chapter.ledger.models import (
    EducationCredit,
    OneToOne,
    ReferralSlip,
    Testimonial,
    ThankYou,
)
from chapter.meetings.models import Meeting
from chapter.members.models import Member
from chapter.moving import document_plan
from chapter.moving.document_plan import Plan, Row
from chapter.moving.document_reader import Record
from chapter.platform import audit
from chapter.rotation.models import SwapRequest

# Rows that make a chapter not empty. Meetings alone do not: a new chapter has its schedule.
HOLDINGS = (
    Member,
    Guest,
    ReferralSlip,
    ThankYou,
    OneToOne,
    EducationCredit,
    Testimonial,
    OpeningBalance,
    NameMapping,
    SwapRequest,
    ImportBatch,
)


def load_document(
    chapter_id: int, document: Any, *, actor: User | None, now: datetime
) -> dict[str, int]:
    """Write ``document`` into the chapter, which must be empty (no members, guests, ledger
    rows, opening balances, remembered names or imports; meetings it already has are
    replaced by the document's). The chapter takes the document's settings and name. Every
    member gets a new log-in: an e-mail already used on the platform is refused. Returns how
    many rows of each kind were written; RuleViolation (nothing written) when the document
    is not a readable chapter document or breaks a rule."""
    chapter = db.session.get(Chapter, chapter_id)
    if chapter is None:
        raise NotFound("There is no such chapter.")
    plan = document_plan.read(Record(document, "document"))
    return _load(chapter, plan, actor=actor, now=now)


def import_chapter(
    document: Any, *, actor: User | None, now: datetime
) -> tuple[Chapter, dict[str, int]]:
    """Create a new chapter from the document (its settings and name) and load it."""
    plan = document_plan.read(Record(document, "document"))
    _check_platform(plan, None)  # before the chapter is created
    chapter = Chapter(**plan.settings)
    db.session.add(chapter)
    db.session.flush()
    return chapter, _load(chapter, plan, actor=actor, now=now)


def _load(chapter: Chapter, plan: Plan, *, actor: User | None, now: datetime) -> dict[str, int]:
    """Check that the chapter is empty and the people are new here, then write the plan."""
    _check_empty(chapter.id)
    _check_platform(plan, chapter.id)
    try:
        counts = _write(chapter, plan)
    except (IntegrityError, DataError) as error:
        raise RuleViolation(
            "The document breaks a rule of the database, so nothing was imported "
            f"({type(error.orig).__name__})."
        ) from error
    event = audit.record(actor, "chapter.imported", chapter, chapter_id=chapter.id, after=counts)
    event.created_at = now
    db.session.flush()
    return counts


def _check_empty(chapter_id: int) -> None:
    for model in HOLDINGS:
        found = db.session.scalar(
            db.select(model.id).where(model.chapter_id == chapter_id).limit(1)
        )
        if found is not None:
            raise RuleViolation(
                "This chapter already has members or history: a chapter document can only "
                "be loaded into an empty chapter."
            )


def _check_name(name: str, chapter_id: int | None) -> None:
    query = db.select(Chapter.id).where(func.lower(Chapter.name) == name.strip().lower())
    if chapter_id is not None:
        query = query.where(Chapter.id != chapter_id)
    if db.session.scalar(query) is not None:
        raise RuleViolation(f"Another chapter on this platform is already called {name!r}.")


def _check_platform(plan: Plan, chapter_id: int | None) -> None:
    """The name must be free for this chapter, and every member needs a new log-in, so their
    e-mail must be free on this platform."""
    _check_name(plan.settings["name"], chapter_id)
    emails = [row.ref for row in plan.sections["members"]]
    taken: list[str] = []
    for start in range(0, len(emails), 500):
        taken += db.session.scalars(
            db.select(User.email).where(User.email.in_(emails[start : start + 500]))
        )
    if taken:
        raise RuleViolation(
            "These e-mail addresses already have an account on this platform, so their "
            f"members cannot be created: {', '.join(sorted(taken))}."
        )


def _write(chapter: Chapter, plan: Plan) -> dict[str, int]:
    """Settings, then each section in order, flushing so later sections can link to ids."""
    for name, value in plan.settings.items():
        setattr(chapter, name, value)
    db.session.execute(delete(Meeting).where(Meeting.chapter_id == chapter.id))
    ids: dict[str, dict[Any, int]] = {kind: {} for kind in document_plan.NOUNS}
    members = plan.sections["members"]
    created = [_member(chapter.id, row) for row in members]
    db.session.flush()
    for row, member in zip(members, created, strict=True):
        ids["member"][row.ref] = member.id
        ids["user"][row.ref] = member.user_id
    for row, member in zip(members, created, strict=True):
        member.sponsor_id = _resolve(row, "sponsor_id", ids)
    for name, rows in plan.sections.items():
        if name == "members":
            continue
        kind = document_plan.NUMBERED.get(name) or (
            "presentation" if name == "presentations" else None
        )
        written = [_add(chapter.id, row, ids) for row in rows]
        db.session.flush()
        if kind is not None:
            ids[kind].update({row.ref: obj.id for row, obj in zip(rows, written, strict=True)})
    return {name: len(rows) for name, rows in plan.sections.items()}


def _resolve(row: Row, column: str, ids: dict[str, dict[Any, int]]) -> int | None:
    kind, ref = row.links[column]
    return None if ref is None else ids[kind][ref]


def _add(chapter_id: int, row: Row, ids: dict[str, dict[Any, int]]) -> Any:
    values = dict(row.values)
    if "chapter_id" in row.model.__table__.columns:
        values["chapter_id"] = chapter_id
    values.update({column: _resolve(row, column, ids) for column in row.links})
    obj = row.model(**values)
    db.session.add(obj)
    return obj


def _member(chapter_id: int, row: Row) -> Member:
    assert row.user is not None  # noqa: S101 - every member row carries its log-in
    member = Member(chapter_id=chapter_id, user=User(**row.user), **row.values)
    db.session.add(member)
    return member
