"""Mail preferences, chapter defaults, unsubscribe links, and the sent-mail ledger.

The ledger is how scheduled mail stays exactly-once across runs and hosts: a run claims a
(member, kind, period) with a unique insert before it sends, marks it sent when the SMTP
server accepted the message, and releases it when sending failed, so a later run retries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError

from chapter.auth.models import User
from chapter.digests.models import ChapterMailSettings, MailDelivery, MailPreference
from chapter.digests.rules import CLAIM_LEASE, DEFAULT_SEND_HOUR, MailKind, Topic, wants
from chapter.errors import NotFound
from chapter.extensions import db
from chapter.members.models import Member
from chapter.members.roles import MemberStatus
from chapter.platform import audit


@dataclass(frozen=True)
class ChapterDefaults:
    digest_default: bool
    reminders_default: bool
    send_hour: int = DEFAULT_SEND_HOUR


@dataclass(frozen=True)
class Choices:
    """A member's own choices; None follows the chapter's default."""

    digest: bool | None
    reminders: bool | None


def settings_of(chapter_id: int) -> ChapterMailSettings:
    """The chapter's mail defaults (an unsaved default row when leaders never set them)."""
    found = db.session.get(ChapterMailSettings, chapter_id)
    if found is not None:
        return found
    return ChapterMailSettings(
        chapter_id=chapter_id,
        digest_default=True,
        reminders_default=True,
        send_hour=DEFAULT_SEND_HOUR,
    )


def all_settings(chapter_ids: Iterable[int]) -> dict[int, ChapterMailSettings]:
    """Mail defaults of these chapters, by chapter id (one query)."""
    ids = list(chapter_ids)
    found = {
        row.chapter_id: row
        for row in db.session.scalars(
            db.select(ChapterMailSettings).where(ChapterMailSettings.chapter_id.in_(ids))
        )
    }
    return {chapter_id: found.get(chapter_id) or settings_of(chapter_id) for chapter_id in ids}


def update_chapter_defaults(
    chapter_id: int, details: ChapterDefaults, *, actor: User
) -> ChapterMailSettings:
    """A leader sets the chapter's defaults (members who chose themselves keep their choice)."""
    row = db.session.get(ChapterMailSettings, chapter_id)
    before = None
    if row is None:
        row = ChapterMailSettings(chapter_id=chapter_id)
        db.session.add(row)
    else:
        before = _defaults_state(row)
    row.digest_default = details.digest_default
    row.reminders_default = details.reminders_default
    row.send_hour = details.send_hour
    db.session.flush()
    audit.record(
        actor,
        "mail.defaults_changed",
        row,
        chapter_id=chapter_id,
        before=before,
        after=_defaults_state(row),
    )
    return row


def _defaults_state(row: ChapterMailSettings) -> dict[str, object]:
    return {
        "digest_default": row.digest_default,
        "reminders_default": row.reminders_default,
        "send_hour": row.send_hour,
    }


def choices_of(member_id: int) -> Choices:
    """A member's own choices (both None when they never chose)."""
    row = db.session.get(MailPreference, member_id)
    return Choices(row.digest, row.reminders) if row else Choices(None, None)


def update_choices(member: Member, choices: Choices) -> MailPreference:
    """The member's own choices, from their profile."""
    row = db.session.get(MailPreference, member.id)
    if row is None:
        row = MailPreference(member_id=member.id)
        db.session.add(row)
    row.digest = choices.digest
    row.reminders = choices.reminders
    db.session.flush()
    return row


def receives(member_id: int, topic: Topic, chapter_id: int) -> bool:
    """Whether the member gets mail of ``topic`` now (own choice, else the chapter's)."""
    own = choices_of(member_id)
    defaults = settings_of(chapter_id)
    if topic is Topic.DIGEST:
        return wants(own.digest, defaults.digest_default)
    return wants(own.reminders, defaults.reminders_default)


# Unsubscribe links: signed with the app's secret, no expiry (RFC 8058 links live in old
# mail); they name a member and a topic, nothing else.
UNSUBSCRIBE_SALT = "chapter.unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=UNSUBSCRIBE_SALT)  # type: ignore[arg-type]


def unsubscribe_token(member_id: int, topic: Topic) -> str:
    return _serializer().dumps([member_id, topic.value])


def read_unsubscribe_token(token: str) -> tuple[Member, Topic]:
    """The member and topic a link names; NotFound for a forged or mangled link."""
    try:
        member_id, topic = _serializer().loads(token)
        found = db.session.get(Member, int(member_id))
        chosen = Topic(topic)
    except (BadSignature, ValueError, TypeError) as error:
        raise NotFound("This unsubscribe link is not valid.") from error
    if found is None:
        raise NotFound("This unsubscribe link is not valid.")
    return found, chosen


def unsubscribe(member: Member, topic: Topic) -> None:
    """The one-click unsubscribe: the member's own choice for ``topic`` becomes off."""
    own = choices_of(member.id)
    if topic is Topic.DIGEST:
        update_choices(member, Choices(False, own.reminders))
    else:
        update_choices(member, Choices(own.digest, False))


def recipients(chapter_id: int, topic: Topic, default: bool) -> list[Member]:
    """Active members with a password (they can follow the links) who want ``topic``."""
    column = MailPreference.digest if topic is Topic.DIGEST else MailPreference.reminders
    rows = db.session.execute(
        db.select(Member, column)
        .join(Member.user)
        .outerjoin(MailPreference, MailPreference.member_id == Member.id)
        .where(
            Member.chapter_id == chapter_id,
            Member.status == MemberStatus.ACTIVE,
            User.password_hash.is_not(None),
        )
        .order_by(User.last_name, User.first_name, Member.id)
    ).all()
    return [member for member, own in rows if wants(own, default)]


def sent_to(
    kind: MailKind, period_key: str, member_ids: Iterable[int], *, now: datetime
) -> set[int]:
    """Which of these members got this mail already, or are being sent it by a live run
    (one query); a released or stale claim is due again."""
    ids = list(member_ids)
    if not ids:
        return set()
    return set(
        db.session.scalars(
            db.select(MailDelivery.member_id).where(
                MailDelivery.kind == kind,
                MailDelivery.period_key == period_key,
                MailDelivery.member_id.in_(ids),
                or_(
                    MailDelivery.sent_at.is_not(None),
                    MailDelivery.claimed_at > now - CLAIM_LEASE,
                ),
            )
        )
    )


def claim(member_id: int, kind: MailKind, period_key: str, *, now: datetime) -> int | None:
    """Take the right to send this mail: the id of the claimed ledger row, or None when it is
    sent already or another run holds it. The caller commits before sending, so other runs
    see the claim. A row left unsent by a failure (or by a run that died CLAIM_LEASE ago) is
    taken over with a compare-and-set update."""
    try:
        with db.session.begin_nested():
            row = MailDelivery(
                member_id=member_id, kind=kind, period_key=period_key, claimed_at=now, attempts=1
            )
            db.session.add(row)
        return row.id
    except IntegrityError:
        pass
    taken = db.session.execute(
        update(MailDelivery)
        .where(
            MailDelivery.member_id == member_id,
            MailDelivery.kind == kind,
            MailDelivery.period_key == period_key,
            MailDelivery.sent_at.is_(None),
            or_(MailDelivery.claimed_at.is_(None), MailDelivery.claimed_at <= now - CLAIM_LEASE),
        )
        .values(claimed_at=now, attempts=MailDelivery.attempts + 1)
        .returning(MailDelivery.id)
    ).scalar()
    return taken


def mark_sent(delivery_id: int, *, now: datetime) -> None:
    """The SMTP server accepted the message."""
    db.session.execute(
        update(MailDelivery)
        .where(MailDelivery.id == delivery_id)
        .values(sent_at=now, last_error="")
    )


def release(delivery_id: int, error: str) -> None:
    """Sending failed: the row stays unsent and unclaimed, so the next run retries."""
    db.session.execute(
        update(MailDelivery)
        .where(MailDelivery.id == delivery_id, MailDelivery.sent_at.is_(None))
        .values(claimed_at=None, last_error=error[:200])
    )
