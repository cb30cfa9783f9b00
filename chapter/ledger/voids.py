"""Voiding a ledger entry: the one place an entry becomes voided.

A voided entry is never deleted: it stays (struck through where it is listed), leaves every
total, and keeps when, by whom and why it was voided; the change is audited with its values
before and after. Who may void what is a separate rule (``rules.may_void``), checked by the
member-facing paths (``referrals.void``) before they call ``void_entry``; an import undone by
a leader voids its rows here too.
"""

from __future__ import annotations

from datetime import datetime

from chapter.auth.models import User
from chapter.bni.models import OpeningBalance
from chapter.errors import RuleViolation
from chapter.extensions import db
from chapter.ledger.models import (
    EducationCredit,
    OneToOne,
    ReferralSlip,
    Testimonial,
    ThankYou,
    Voidable,
)
from chapter.platform import audit

LedgerEntry = ReferralSlip | ThankYou | OneToOne | EducationCredit | Testimonial | OpeningBalance

NOUNS: dict[type, str] = {
    ReferralSlip: "slip",
    ThankYou: "thank-you",
    OneToOne: "one-to-one",
    EducationCredit: "education credit",
    Testimonial: "testimonial",
    OpeningBalance: "opening balance",
}


def noun(entry: LedgerEntry) -> str:
    """What people call the entry in messages: ``slip``, ``thank-you``, ``one-to-one``..."""
    return NOUNS[type(entry)]


def refuse_if_voided(entry: LedgerEntry) -> None:
    """An entry is voided once: a second void is refused."""
    if entry.voided_at is not None:
        raise RuleViolation(f"This {noun(entry)} is already voided.")


def void_entry(entry: LedgerEntry, *, actor: User, reason: str, now: datetime) -> None:
    """Void ``entry`` (kept, out of every total) at ``now`` by ``actor`` because of ``reason``,
    and audit it (``<entry type>.voided``, before and after).

    Refused when the entry is already voided or the reason is blank. Does not check who may
    void it: callers acting for a member check ``rules.may_void`` first.
    """
    refuse_if_voided(entry)
    reason = reason.strip()
    if not reason:
        raise RuleViolation(f"Say why the {noun(entry)} is voided.", field="reason")
    entry.voided_at = now
    if isinstance(entry, Voidable):  # opening balances keep only when (the audit keeps the rest)
        entry.voided_by_id = actor.id
        entry.void_reason = reason
    db.session.flush()
    audit.record(
        actor,
        f"{type(entry).__name__.lower()}.voided",
        entry,
        chapter_id=entry.chapter_id,
        before={"voided": False},
        after={"voided": True, "reason": reason},
    )
