"""Visitors and substitutes: recorded once as people, followed up as prospects."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func

from chapter.attendance.guest_models import Guest, Visit
from chapter.attendance.guest_rules import FollowUp
from chapter.attendance.models import Attendance
from chapter.auth.models import User
from chapter.errors import NotFound, RuleViolation
from chapter.extensions import db
from chapter.members.identity import normalise_email
from chapter.members.models import Member
from chapter.platform import audit


@dataclass(frozen=True)
class GuestDetails:
    """A visitor's or substitute's name and contact."""

    name: str
    business_name: str = ""
    email: str = ""
    phone: str = ""


def find_or_add(chapter_id: int, details: GuestDetails) -> Guest:
    """The chapter's guest with this e-mail (or, without an e-mail, this name and no
    e-mail), with details refreshed; or a new guest.

    A guest whose e-mail belongs to a member of another chapter on the platform is linked to
    that member (a substitute from another chapter).
    """
    email = normalise_email(details.email) if details.email else ""
    same_person = (
        Guest.email == email
        if email  # without an e-mail, the same name without an e-mail is the same person
        else (func.lower(Guest.name) == details.name.strip().lower()) & (Guest.email == "")
    )
    guest = db.session.scalar(
        db.select(Guest)
        .where(Guest.chapter_id == chapter_id, same_person)
        .order_by(Guest.id)
        .limit(1)
    )
    if guest is None:
        guest = Guest(chapter_id=chapter_id, name=details.name.strip(), email=email)
        db.session.add(guest)
    guest.name = details.name.strip() or guest.name
    guest.business_name = details.business_name.strip() or guest.business_name or ""
    guest.phone = details.phone.strip() or guest.phone or ""
    if email:
        guest.other_member_id = db.session.scalar(
            db.select(Member.id)
            .join(Member.user)
            .where(User.email == email, Member.chapter_id != chapter_id)
        )
    db.session.flush()
    return guest


def add_visit(meeting_id: int, guest: Guest, invited_by_id: int | None) -> Visit | None:
    """Record that ``guest`` visited the meeting (once per meeting)."""
    exists = db.session.scalar(
        db.select(Visit.id).where(Visit.meeting_id == meeting_id, Visit.guest_id == guest.id)
    )
    if exists is not None:
        return None
    visit = Visit(meeting_id=meeting_id, guest_id=guest.id, invited_by_id=invited_by_id)
    db.session.add(visit)
    db.session.flush()
    return visit


def get_in_chapter(chapter_id: int, guest_id: int) -> Guest:
    guest = db.session.scalar(
        db.select(Guest).where(Guest.id == guest_id, Guest.chapter_id == chapter_id)
    )
    if guest is None:
        raise NotFound("There is no such visitor or substitute in your chapter.")
    return guest


@dataclass(frozen=True)
class GuestRow:
    guest: Guest
    visits: int
    substitutions: int
    responsible_name: str | None
    invited_by: str | None  # who invited them on their latest visit


def follow_up_query(chapter_id: int, status: FollowUp | None = None) -> Select[tuple[Guest]]:
    """The chapter's visitors and substitutes, newest first, optionally by follow-up status."""
    query = (
        db.select(Guest)
        .where(Guest.chapter_id == chapter_id)
        .order_by(Guest.created_at.desc(), Guest.id.desc())
    )
    if status is not None:
        query = query.where(Guest.follow_up == status)
    return query


def follow_up_rows(guests: list[Guest]) -> list[GuestRow]:
    """Visit and substitution counts and the responsible member, for a page of guests."""
    ids = [guest.id for guest in guests]
    visits = dict(
        db.session.execute(
            db.select(Visit.guest_id, func.count())
            .where(Visit.guest_id.in_(ids))
            .group_by(Visit.guest_id)
        ).all()
    )
    substitutions = dict(
        db.session.execute(
            db.select(Attendance.substitute_id, func.count())
            .where(Attendance.substitute_id.in_(ids))
            .group_by(Attendance.substitute_id)
        ).all()
    )
    inviters = dict(
        db.session.execute(
            db.select(Visit.guest_id, Visit.invited_by_id)
            .where(Visit.guest_id.in_(ids), Visit.invited_by_id.is_not(None))
            .order_by(Visit.id)  # the latest visit wins in the dict
        ).all()
    )
    responsible_ids = {guest.responsible_id for guest in guests if guest.responsible_id}
    responsible_ids |= set(inviters.values())
    names = {
        row.id: f"{row.first_name} {row.last_name}"
        for row in db.session.execute(
            db.select(Member.id, User.first_name, User.last_name)
            .join(Member.user)
            .where(Member.id.in_(responsible_ids))
        )
    }
    return [
        GuestRow(
            guest,
            visits.get(guest.id, 0),
            substitutions.get(guest.id, 0),
            names.get(guest.responsible_id) if guest.responsible_id else None,
            names.get(inviters[guest.id]) if guest.id in inviters else None,
        )
        for guest in guests
    ]


def update_follow_up(
    guest: Guest, status: FollowUp, responsible_id: int | None, note: str, *, actor: User
) -> None:
    """Record where the chapter stands with a visitor or substitute, and who follows up."""
    if responsible_id is not None:
        chapter_of = db.session.scalar(
            db.select(Member.chapter_id).where(Member.id == responsible_id)
        )
        if chapter_of != guest.chapter_id:
            raise RuleViolation("Choose a member of this chapter.", field="responsible_id")
    if status is FollowUp.JOINED and guest.joined_as_id is None:
        raise RuleViolation(
            "Use “Make a member” to record that this guest joined.", field="follow_up"
        )
    before = {"follow_up": guest.follow_up.value, "responsible_id": guest.responsible_id}
    guest.follow_up = status
    guest.responsible_id = responsible_id
    guest.follow_up_note = note.strip()
    db.session.flush()
    audit.record(
        actor,
        "guest.follow_up",
        guest,
        chapter_id=guest.chapter_id,
        before=before,
        after={"follow_up": status.value, "responsible_id": responsible_id},
    )


def mark_joined(guest: Guest, member: Member, *, actor: User) -> None:
    """The guest became ``member``: their follow-up ends as joined."""
    guest.joined_as_id = member.id
    guest.follow_up = FollowUp.JOINED
    db.session.flush()
    audit.record(
        actor, "guest.joined", guest, chapter_id=guest.chapter_id, after={"member_id": member.id}
    )


def split_name(name: str) -> tuple[str, str]:
    """First and last name from a single name field (the last word is the last name)."""
    parts = name.split()
    if len(parts) < 2:
        return name.strip(), ""
    return " ".join(parts[:-1]), parts[-1]
