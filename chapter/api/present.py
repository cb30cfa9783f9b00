"""Rows as the API shows them (the same names and the same thanker rule as the pages)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_sqlalchemy.pagination import Pagination

from chapter.ledger.models import EducationCredit, OneToOne, ReferralSlip, Testimonial, ThankYou
from chapter.ledger.rules import can_see_thanker, thanker_label
from chapter.meetings.weeks import Period
from chapter.members.models import Member


def page_of(page: Pagination) -> dict[str, int]:
    return {
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total or 0,
        "pages": page.pages,
    }


def period(found: Period) -> dict[str, Any]:
    from datetime import date

    return {
        "key": found.key,
        "label": found.label,
        "start": found.start,
        "end": None if found.end == date.max else found.end,
    }


def member(found: Member) -> dict[str, Any]:
    return {
        "id": found.id,
        "first_name": found.user.first_name,
        "last_name": found.user.last_name,
        "business_name": found.business_name,
        "classification": found.classification,
        "phone": found.phone,
        "website": found.website,
        "email": found.email,
        "status": found.status.value,
        "position": found.position.value if found.position else None,
        "offer": found.offer,
        "ask": found.ask,
    }


def _void(entry: Any) -> dict[str, Any]:
    return {"voided": entry.voided_at is not None, "void_reason": entry.void_reason}


def slip(entry: ReferralSlip, names: Mapping[int, str]) -> dict[str, Any]:
    return {
        **_void(entry),
        "id": entry.id,
        "week_on": entry.week_on,
        "giver": entry.name_of(names, entry.giver_id),
        "giver_id": entry.giver_id,
        "receiver": entry.name_of(names, entry.receiver_id),
        "receiver_id": entry.receiver_id,
        "kind": entry.kind.value,
        "prospect_name": entry.prospect_name,
        "prospect_phone": entry.prospect_phone,
        "prospect_email": entry.prospect_email,
        "need": entry.need,
        "warmth": entry.warmth,
        "may_contact": entry.may_contact,
        "status": entry.status.value,
        "status_note": entry.status_note,
    }


def thank_you(entry: ThankYou, viewer_id: int, names: Mapping[int, str]) -> dict[str, Any]:
    """The thanker through chapter.ledger.rules, as on the pages: named (with an id) only to
    the thanker, and to the giver when the thanker allowed it."""
    return {
        **_void(entry),
        "id": entry.id,
        "week_on": entry.week_on,
        "giver": names.get(entry.giver_id, ""),
        "giver_id": entry.giver_id,
        "thanker": thanker_label(viewer_id, entry, names),
        "thanker_id": entry.thanker_id if can_see_thanker(viewer_id, entry) else None,
        "amount_cents": entry.amount_cents,
        "business_type": entry.business_type.value,
        "thanked_on": entry.thanked_on,
        "slip_id": entry.slip_id,
        "note": entry.note if can_see_thanker(viewer_id, entry) else "",
    }


def one_to_one(entry: OneToOne, names: Mapping[int, str]) -> dict[str, Any]:
    return {
        **_void(entry),
        "id": entry.id,
        "week_on": entry.week_on,
        "logged_by": entry.name_of(names, entry.logged_by_id),
        "other": entry.name_of(names, entry.other_id),
        "met_on": entry.met_on,
        "place": entry.place,
        "disputed": entry.disputed_at is not None,
    }


def education(entry: EducationCredit) -> dict[str, Any]:
    return {
        **_void(entry),
        "id": entry.id,
        "week_on": entry.week_on,
        "earned_on": entry.earned_on,
        "topic": entry.topic,
        "credits": entry.credits,
    }


def testimonial(entry: Testimonial, names: Mapping[int, str]) -> dict[str, Any]:
    return {
        **_void(entry),
        "id": entry.id,
        "week_on": entry.week_on,
        "giver": names.get(entry.giver_id, ""),
        "receiver": names.get(entry.receiver_id, ""),
        "given_on": entry.given_on,
        "kind": entry.kind.value,
        "text": entry.text,
    }
