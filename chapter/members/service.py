"""Members of a chapter: the directory, profiles, and the leader's member admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_
from sqlalchemy.orm import contains_eager, selectinload

from chapter.auth import service as accounts
from chapter.auth.models import User
from chapter.bni.models import ImportBatch
from chapter.errors import NotFound, RuleViolation
from chapter.extensions import db
from chapter.meetings.schedule import renewal_is_due
from chapter.members.identity import (
    PLACEHOLDER_EMAIL_DOMAIN,
    UNASSIGNED,
    classification_key,
    normalise_email,
)
from chapter.members.models import Member
from chapter.members.roles import MemberStatus, Position
from chapter.platform import audit
from chapter.rotation import service as rotation
from chapter.webhooks import payloads
from chapter.webhooks import service as webhooks
from chapter.webhooks.rules import EventKind


@dataclass(frozen=True)
class MemberDetails:
    """What a leader enters for a member."""

    first_name: str
    last_name: str
    email: str
    business_name: str
    classification: str
    phone: str = ""
    website: str = ""
    joined_on: date | None = None
    renewal_on: date | None = None
    sponsor_id: int | None = None
    offer: str = ""
    ask: str = ""


@dataclass(frozen=True)
class ProfileDetails:
    """What a member edits on their own profile."""

    business_name: str
    phone: str
    website: str
    offer: str
    ask: str


AUDITED = (
    "first_name",
    "last_name",
    "email",
    "business_name",
    "classification",
    "phone",
    "website",
    "joined_on",
    "renewal_on",
    "sponsor_id",
    "offer",
    "ask",
    "status",
    "left_on",
    "position",
)


def snapshot(member: Member) -> dict[str, Any]:
    """The audited fields of a member, as JSON-ready values."""
    values: dict[str, Any] = {}
    for name in AUDITED:
        holder = member.user if name in ("first_name", "last_name", "email") else member
        value = getattr(holder, name)
        values[name] = value.isoformat() if isinstance(value, date) else value
    return values


def get_in_chapter(chapter_id: int, member_id: int) -> Member:
    """A member of ``chapter_id`` (any status); NotFound for members of other chapters."""
    member = db.session.scalar(
        db.select(Member)
        .where(Member.id == member_id, Member.chapter_id == chapter_id)
        .options(selectinload(Member.sponsor))
    )
    if member is None:
        raise NotFound("There is no such member in your chapter.")
    return member


def _search(query: Select[tuple[Member]], text: str) -> Select[tuple[Member]]:
    for word in text.lower().split():
        # autoescape: "%" and "_" typed by a person match themselves, not everything
        query = query.where(
            or_(
                func.lower(User.first_name).contains(word, autoescape=True),
                func.lower(User.last_name).contains(word, autoescape=True),
                func.lower(Member.business_name).contains(word, autoescape=True),
                func.lower(Member.classification).contains(word, autoescape=True),
            )
        )
    return query


def listed() -> ColumnElement[bool]:
    """Members an undone import created (and so marked as left) stay in the history but are
    listed nowhere: not in the directory, the leader's member list, its counts or choices."""
    undone = db.select(ImportBatch.id).where(ImportBatch.undone_at.is_not(None))
    return or_(
        Member.status != MemberStatus.LEFT,
        Member.import_batch_id.is_(None),
        Member.import_batch_id.not_in(undone),
    )


def directory_query(chapter_id: int, search: str = "") -> Select[tuple[Member]]:
    """Active members of the chapter, by name, optionally filtered by name/business/profession."""
    query = (
        db.select(Member)
        .join(Member.user)
        .options(contains_eager(Member.user))
        .where(Member.chapter_id == chapter_id, Member.status == MemberStatus.ACTIVE)
        .order_by(User.last_name, User.first_name, Member.id)
    )
    return _search(query, search)


def admin_query(
    chapter_id: int, status: MemberStatus | None = None, search: str = ""
) -> Select[tuple[Member]]:
    """Every member of the chapter (or those with ``status``) for the leader's admin list."""
    query = (
        db.select(Member)
        .join(Member.user)
        .options(contains_eager(Member.user))
        .where(Member.chapter_id == chapter_id, listed())
        .order_by(User.last_name, User.first_name, Member.id)
    )
    if status is not None:
        query = query.where(Member.status == status)
    return _search(query, search)


def status_counts(chapter_id: int) -> dict[MemberStatus, int]:
    """How many members the chapter has in each status (one aggregate query)."""
    rows = db.session.execute(
        db.select(Member.status, func.count())
        .where(Member.chapter_id == chapter_id, listed())
        .group_by(Member.status)
    )
    counts = dict.fromkeys(MemberStatus, 0)
    counts.update({MemberStatus(status): count for status, count in rows})
    return counts


def sponsor_choices(chapter_id: int, *, exclude_id: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the chapter's members who can be named as a sponsor."""
    query = (
        db.select(Member.id, User.first_name, User.last_name)
        .join(Member.user)
        .where(Member.chapter_id == chapter_id, listed())
        .order_by(User.last_name, User.first_name)
    )
    if exclude_id is not None:
        query = query.where(Member.id != exclude_id)
    return [(row.id, f"{row.first_name} {row.last_name}") for row in db.session.execute(query)]


def classification_holder(
    chapter_id: int, classification: str, *, except_member_id: int | None = None
) -> Member | None:
    """The active member of the chapter who already holds this classification, if any."""
    query = db.select(Member).where(
        Member.chapter_id == chapter_id,
        Member.status == MemberStatus.ACTIVE,
        Member.classification_key == classification_key(classification),
    )
    if except_member_id is not None:
        query = query.where(Member.id != except_member_id)
    return db.session.scalar(query)


def _check_classification_free(
    chapter_id: int, classification: str, except_member_id: int | None = None
) -> None:
    holder = classification_holder(chapter_id, classification, except_member_id=except_member_id)
    if holder is not None:
        raise RuleViolation(
            f"{holder.full_name} ({holder.business_name}) already holds the classification "
            f"“{holder.classification}” in this chapter.",
            field="classification",
        )


def _check_sponsor(chapter_id: int, sponsor_id: int | None, member_id: int | None) -> None:
    if sponsor_id is None:
        return
    if sponsor_id == member_id:
        raise RuleViolation("A member cannot be their own sponsor.", field="sponsor_id")
    sponsor_chapter = db.session.scalar(db.select(Member.chapter_id).where(Member.id == sponsor_id))
    if sponsor_chapter != chapter_id:
        raise RuleViolation("The sponsor must be a member of this chapter.", field="sponsor_id")


def _check_email_free(email: str, except_user_id: int | None = None) -> None:
    if accounts.email_taken(email, except_user_id=except_user_id):
        raise RuleViolation("Another account already uses this e-mail address.", field="email")


def add_member(
    chapter_id: int,
    details: MemberDetails,
    *,
    actor: User | None,
    today: date,
    form_key: str | None = None,
) -> Member:
    """Add an active member (and their log-in account, without a password until invited);
    the presentation rotation follows.

    Refused when the e-mail is taken or an active member already holds the classification.
    ``form_key``: the one-time key of the form that sent it (``chapter.forms.OnceForm``).
    """
    member, _ = add_member_with_changes(
        chapter_id, details, actor=actor, today=today, form_key=form_key
    )
    return member


def add_member_with_changes(
    chapter_id: int,
    details: MemberDetails,
    *,
    actor: User | None,
    today: date,
    form_key: str | None = None,
) -> tuple[Member, list[rotation.Change]]:
    """``add_member``, also returning the presentation slots that moved (for the leader)."""
    _check_email_free(details.email)
    _check_classification_free(chapter_id, details.classification)
    _check_sponsor(chapter_id, details.sponsor_id, None)
    user = User(
        email=normalise_email(details.email),
        first_name=details.first_name.strip(),
        last_name=details.last_name.strip(),
    )
    member = Member(
        user=user,
        chapter_id=chapter_id,
        status=MemberStatus.ACTIVE,
        joined_on=details.joined_on or today,
        form_key=form_key,
    )
    _apply(member, details)
    db.session.add(member)
    db.session.flush()
    audit.record(actor, "member.added", member, chapter_id=chapter_id, after=snapshot(member))
    _joined(member)
    return member, rotation.follow_changes(chapter_id, actor=actor, today=today)


def _apply(member: Member, details: MemberDetails) -> None:
    member.user.first_name = details.first_name.strip()
    member.user.last_name = details.last_name.strip()
    member.user.email = normalise_email(details.email)
    member.business_name = details.business_name.strip()
    member.classification = details.classification.strip()
    member.classification_key = classification_key(details.classification)
    member.phone = details.phone.strip()
    member.website = details.website.strip()
    member.joined_on = details.joined_on or member.joined_on
    member.renewal_on = details.renewal_on
    member.sponsor_id = details.sponsor_id
    member.offer = details.offer.strip()
    member.ask = details.ask.strip()


def update_member(member: Member, details: MemberDetails, *, actor: User) -> None:
    """A leader edits a member's details (same rules as adding one)."""
    _check_email_free(details.email, except_user_id=member.user_id)
    if member.is_active:
        _check_classification_free(member.chapter_id, details.classification, member.id)
    _check_sponsor(member.chapter_id, details.sponsor_id, member.id)
    before = snapshot(member)
    _apply(member, details)
    db.session.flush()
    audit.record(
        actor,
        "member.updated",
        member,
        chapter_id=member.chapter_id,
        before=before,
        after=snapshot(member),
    )


def update_profile(member: Member, details: ProfileDetails, *, actor: User) -> None:
    """A member edits their own business details, contact data and ask."""
    member.business_name = details.business_name.strip()
    member.phone = details.phone.strip()
    member.website = details.website.strip()
    member.offer = details.offer.strip()
    member.ask = details.ask.strip()
    db.session.flush()


def change_status(
    member: Member,
    status: MemberStatus,
    *,
    actor: User,
    today: date,
    left_on: date | None = None,
) -> list[rotation.Change]:
    """Put a member on leave, mark them as left (log-in disabled), or re-activate them; the
    presentation rotation follows. Returns the slots that moved.

    Nothing is deleted: a member who left keeps their history and can be re-activated, if
    their classification is still free. ``left_on`` (default today) is the day they left: an
    undone import's members leave on the day they joined, so no roster ever lists them.
    """
    if member.status is status:
        raise RuleViolation(f"{member.full_name} is already {status.label.lower()}.")
    if status is MemberStatus.ACTIVE:
        _check_classification_free(member.chapter_id, member.classification, member.id)
    if member.user_id == actor.id and status is MemberStatus.LEFT:
        raise RuleViolation("You cannot mark yourself as left; ask another leader.")
    before = snapshot(member)
    member.status = status
    member.left_on = (left_on or today) if status is MemberStatus.LEFT else None
    if status is MemberStatus.LEFT:
        member.position = None
    db.session.flush()
    audit.record(
        actor,
        f"member.{status.value}",
        member,
        chapter_id=member.chapter_id,
        before=before,
        after=snapshot(member),
    )
    if status is MemberStatus.LEFT:
        webhooks.record_event(
            member.chapter_id,
            EventKind.MEMBER_LEFT,
            payloads.member_left(member=webhooks.member_ref(member), left_on=member.left_on),
        )
    elif status is MemberStatus.ACTIVE and before["status"] == MemberStatus.LEFT.value:
        _joined(member)  # back after leaving: joins again
    return rotation.follow_changes(member.chapter_id, actor=actor, today=today)


def _joined(member: Member) -> None:
    sponsor = db.session.get(Member, member.sponsor_id) if member.sponsor_id else None
    webhooks.record_event(
        member.chapter_id,
        EventKind.MEMBER_JOINED,
        payloads.member_joined(
            member=webhooks.member_ref(member),
            joined_on=member.joined_on,
            sponsor=webhooks.member_ref(sponsor) if sponsor else None,
        ),
    )


def assign_position(member: Member, position: Position | None, *, actor: User) -> None:
    """Give a member a leadership position (or none). Members who left hold no position."""
    if member.status is MemberStatus.LEFT and position is not None:
        raise RuleViolation("A member who left cannot hold a leadership position.")
    if member.user_id == actor.id and position is None:
        raise RuleViolation("You cannot remove your own leadership; ask another leader.")
    before = snapshot(member)
    member.position = position
    db.session.flush()
    audit.record(
        actor,
        "member.position",
        member,
        chapter_id=member.chapter_id,
        before=before,
        after=snapshot(member),
    )


def leaders(chapter_id: int) -> list[Member]:
    """The chapter's leadership team."""
    return list(
        db.session.scalars(
            db.select(Member)
            .join(Member.user)
            .where(Member.chapter_id == chapter_id, Member.position.is_not(None))
            .order_by(Member.position, User.last_name)
        )
    )


def without_password_count(chapter_id: int) -> int:
    """Active members of the chapter who have not yet set a password (invitation pending)."""
    return (
        db.session.scalar(
            db.select(func.count())
            .select_from(Member)
            .join(Member.user)
            .where(
                Member.chapter_id == chapter_id,
                Member.status == MemberStatus.ACTIVE,
                User.password_hash.is_(None),
            )
        )
        or 0
    )


def renewals_due(members: list[Member], today: date, within_days: int) -> set[int]:
    """Ids of the given members whose renewal falls within ``within_days`` (or is overdue)."""
    return {
        member.id
        for member in members
        if member.status is not MemberStatus.LEFT
        and renewal_is_due(member.renewal_on, today, within_days)
    }


def names_by_user(chapter_id: int) -> dict[int, str]:
    """User id -> full name for the chapter's members (to show who did what)."""
    return {
        row.id: f"{row.first_name} {row.last_name}"
        for row in db.session.execute(
            db.select(User.id, User.first_name, User.last_name)
            .join(Member, Member.user_id == User.id)
            .where(Member.chapter_id == chapter_id)
        )
    }


def names_by_member(chapter_id: int) -> dict[int, str]:
    """Member id -> full name for everyone who was ever in the chapter (one query)."""
    return {
        row.id: f"{row.first_name} {row.last_name}"
        for row in db.session.execute(
            db.select(Member.id, User.first_name, User.last_name)
            .join(Member.user)
            .where(Member.chapter_id == chapter_id)
        )
    }


def active_choices(chapter_id: int) -> list[tuple[int, str]]:
    """(id, name) of the chapter's active members, by name."""
    return [
        (row.id, f"{row.first_name} {row.last_name}")
        for row in db.session.execute(
            db.select(Member.id, User.first_name, User.last_name)
            .join(Member.user)
            .where(Member.chapter_id == chapter_id, Member.status == MemberStatus.ACTIVE)
            .order_by(User.last_name, User.first_name)
        )
    ]


@dataclass(frozen=True)
class Incomplete:
    """A member an import added, and which of their details are still missing."""

    member: Member
    missing: tuple[str, ...]


def missing_details(member: Member) -> tuple[str, ...]:
    """What an imported member still lacks: a business, a classification (the import's
    placeholder), a real e-mail address (the import's placeholder)."""
    missing = []
    if not member.business_name:
        missing.append("business")
    if member.classification.startswith(f"{UNASSIGNED} ("):
        missing.append("classification")
    if member.email.endswith(f"@{PLACEHOLDER_EMAIL_DOMAIN}"):
        missing.append("e-mail address")
    return tuple(missing)


def to_complete(chapter_id: int) -> list[Incomplete]:
    """Active members an import added whose details are still missing (no business, a
    placeholder classification or e-mail address): the leader's "to complete" list."""
    found = db.session.scalars(
        db.select(Member)
        .join(Member.user)
        .options(contains_eager(Member.user))
        .where(
            Member.chapter_id == chapter_id,
            Member.status == MemberStatus.ACTIVE,
            Member.import_batch_id.is_not(None),
            or_(
                Member.business_name == "",
                Member.classification.startswith(f"{UNASSIGNED} (", autoescape=True),
                User.email.endswith(f"@{PLACEHOLDER_EMAIL_DOMAIN}", autoescape=True),
            ),
        )
        .order_by(User.last_name, User.first_name, Member.id)
    )
    return [Incomplete(member, missing_details(member)) for member in found]
