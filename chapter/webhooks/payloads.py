"""What each webhook event says: one plain function per event kind, and nothing else builds
a payload.

Every function takes exactly the values it publishes, so what an integration receives is
read here in one place. A thank-you names the member credited (the giver of the business)
and the amount, never the member who thanked: ``thank_you_recorded`` has no parameter that
could carry the thanker, nor the linked slip (whose receiver is the thanker) or the note.
Prospects' names and contacts never leave either: a slip is giver, receiver and how warm.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

Payload = dict[str, Any]


@dataclass(frozen=True)
class MemberRef:
    """A member as events name them (no e-mail, no phone)."""

    id: int
    name: str
    business_name: str
    classification: str


def _member(member: MemberRef | None) -> Payload | None:
    return asdict(member) if member is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _moment(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def amount(amount_cents: int, currency: str) -> Payload:
    """Money as integer cents, the exact decimal as a string, and the currency."""
    return {
        "cents": amount_cents,
        "value": str(Decimal(amount_cents).scaleb(-2)),
        "currency": currency,
    }


def slip_passed(
    *,
    slip_id: int,
    giver: MemberRef,
    receiver: MemberRef,
    kind: str,
    warmth: int,
    week_on: date,
    passed_at: datetime,
) -> Payload:
    return {
        "slip": {"id": slip_id, "kind": kind, "warmth": warmth, "status": "new"},
        "giver": _member(giver),
        "receiver": _member(receiver),
        "week_on": _day(week_on),
        "passed_at": _moment(passed_at),
    }


def slip_status_changed(
    *,
    slip_id: int,
    giver: MemberRef,
    receiver: MemberRef,
    status: str,
    changed_at: datetime,
) -> Payload:
    return {
        "slip": {"id": slip_id, "status": status},
        "giver": _member(giver),
        "receiver": _member(receiver),
        "changed_at": _moment(changed_at),
    }


def thank_you_recorded(
    *,
    thank_you_id: int,
    credited: MemberRef,
    amount_cents: int,
    currency: str,
    business_type: str,
    thanked_on: date,
    week_on: date,
) -> Payload:
    """``credited``: the member who gave the business and is credited with it."""
    return {
        "thank_you": {
            "id": thank_you_id,
            "amount": amount(amount_cents, currency),
            "business_type": business_type,
            "thanked_on": _day(thanked_on),
            "week_on": _day(week_on),
        },
        "credited_member": _member(credited),
    }


def one_to_one_logged(
    *,
    one_to_one_id: int,
    logged_by: MemberRef,
    other: MemberRef,
    met_on: date,
    week_on: date,
) -> Payload:
    return {
        "one_to_one": {"id": one_to_one_id, "met_on": _day(met_on), "week_on": _day(week_on)},
        "logged_by": _member(logged_by),
        "other": _member(other),
    }


def visitor_recorded(
    *,
    visit_id: int,
    visitor_id: int,
    name: str,
    business_name: str,
    email: str,
    phone: str,
    meeting_id: int,
    meets_on: date,
    invited_by: MemberRef | None,
) -> Payload:
    """The visitor's contact goes to the chapter's own tools (their follow-up)."""
    return {
        "visitor": {
            "id": visitor_id,
            "name": name,
            "business_name": business_name,
            "email": email,
            "phone": phone,
        },
        "visit": {"id": visit_id, "meeting_id": meeting_id, "meets_on": _day(meets_on)},
        "invited_by": _member(invited_by),
    }


def member_joined(*, member: MemberRef, joined_on: date, sponsor: MemberRef | None) -> Payload:
    return {"member": _member(member), "joined_on": _day(joined_on), "sponsor": _member(sponsor)}


def member_left(*, member: MemberRef, left_on: date) -> Payload:
    return {"member": _member(member), "left_on": _day(left_on)}


def roster_completed(
    *,
    meeting_id: int,
    meets_on: date,
    completed_at: datetime,
    counts: dict[str, int],
    visitors: int,
) -> Payload:
    """``counts``: members per PALMS letter (P, A, L, M, S)."""
    return {
        "meeting": {"id": meeting_id, "meets_on": _day(meets_on)},
        "completed_at": _moment(completed_at),
        "attendance": dict(sorted(counts.items())),
        "visitors": visitors,
    }


def ping(*, endpoint_id: int, sent_by: str, created_at: datetime) -> Payload:
    return {
        "message": "A test event from the chapter platform.",
        "endpoint_id": endpoint_id,
        "sent_by": sent_by,
        "created_at": _moment(created_at),
    }


def envelope(
    *, event_id: str, kind: str, chapter_id: int, created_at: datetime, data: Payload
) -> Payload:
    """The body every delivery carries around its event's data."""
    return {
        "id": event_id,
        "type": kind,
        "created_at": _moment(created_at),
        "chapter_id": chapter_id,
        "data": data,
    }
