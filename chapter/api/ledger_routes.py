"""Writing to the ledger: pass a slip, move it on, thank, one-to-one, education, void.

Each operation calls the page's service, under the same rules (chapter, author, leader)."""

from __future__ import annotations

from typing import Any

from chapter.api import bp, present
from chapter.api.access import caller, committed, documented
from chapter.api.schemas import (
    CreatedOut,
    EducationIn,
    OneToOneIn,
    SlipIn,
    SlipOut,
    StatusIn,
    ThankIn,
    ThankYouOut,
    VoidIn,
)
from chapter.chapters import service as chapters
from chapter.db import utcnow
from chapter.ledger import activities, referrals, testimonials, thanks
from chapter.ledger.referrals import SlipDetails
from chapter.ledger.rules import BusinessType, SlipKind, SlipStatus
from chapter.ledger.thanks import ThankYouDetails
from chapter.members import service as members


@bp.route("/slips", methods=["POST"])
@bp.arguments(SlipIn)
@bp.response(201, SlipOut)
@documented(422)
def pass_slip(args: dict[str, Any]) -> dict[str, Any]:
    """Pass a referral slip to another active member of my chapter (they are told)."""
    found = caller()
    details = SlipDetails(**{**args, "kind": SlipKind(args["kind"])})
    slip = committed(
        lambda: referrals.pass_slip(found.member, found.chapter, details, now=utcnow())
    )
    return present.slip(slip, members.names_by_member(found.chapter.id))


@bp.route("/slips/<int(min=1, max=2147483647):slip_id>")
@bp.response(200, SlipOut)
@documented(404)
def get_slip(slip_id: int) -> dict[str, Any]:
    """A slip I gave or received (404 otherwise)."""
    found = caller()
    slip = referrals.get_visible(found.member, slip_id)
    return present.slip(slip, members.names_by_member(found.chapter.id))


@bp.route("/slips/<int(min=1, max=2147483647):slip_id>/status", methods=["POST"])
@bp.arguments(StatusIn)
@bp.response(200, SlipOut)
@documented(404, 422)
def slip_status(args: dict[str, Any], slip_id: int) -> dict[str, Any]:
    """The receiver moves a slip on: contacted, closed won, closed lost (the giver is told)."""
    found = caller()
    slip = referrals.get_visible(found.member, slip_id)
    committed(
        lambda: referrals.update_status(
            slip, found.member, SlipStatus(args["status"]), args["note"], now=utcnow()
        )
    )
    return present.slip(slip, members.names_by_member(found.chapter.id))


@bp.route("/slips/<int(min=1, max=2147483647):slip_id>/void", methods=["POST"])
@bp.arguments(VoidIn)
@bp.response(200, SlipOut)
@documented(404, 422)
def void_slip(args: dict[str, Any], slip_id: int) -> dict[str, Any]:
    """Void a slip with a reason: its giver within 7 days, a leader any time. It stays,
    voided, out of every total."""
    found = caller()
    slip = referrals.get_visible(found.member, slip_id)
    committed(lambda: referrals.void_slip(slip, found.member, args["reason"], now=utcnow()))
    return present.slip(slip, members.names_by_member(found.chapter.id))


@bp.route("/thanks", methods=["POST"])
@bp.arguments(ThankIn)
@bp.response(201, ThankYouOut)
@documented(404, 422)
def thank(args: dict[str, Any]) -> dict[str, Any]:
    """Thank a member for closed business (TYFCB), in cents; ``reveal_thanker`` false keeps
    my name from them."""
    found = caller()
    details = ThankYouDetails(**{**args, "business_type": BusinessType(args["business_type"])})
    today = chapters.today_in(found.chapter, utcnow())
    entry = committed(
        lambda: thanks.thank(found.member, found.chapter, details, today=today, now=utcnow())
    )
    return present.thank_you(entry, found.member.id, members.names_by_member(found.chapter.id))


@bp.route("/thanks/<int(min=1, max=2147483647):thank_you_id>/void", methods=["POST"])
@bp.arguments(VoidIn)
@bp.response(200, ThankYouOut)
@documented(404, 422)
def void_thank_you(args: dict[str, Any], thank_you_id: int) -> dict[str, Any]:
    """Void a thank-you I wrote, with a reason."""
    found = caller()
    entry = thanks.get_own(found.member, thank_you_id)
    committed(lambda: thanks.void_thank_you(entry, found.member, args["reason"], now=utcnow()))
    return present.thank_you(entry, found.member.id, members.names_by_member(found.chapter.id))


@bp.route("/one-to-ones", methods=["POST"])
@bp.arguments(OneToOneIn)
@bp.response(201, CreatedOut)
@documented(422)
def one_to_one(args: dict[str, Any]) -> dict[str, Any]:
    """Log a one-to-one with another active member (it shows for both)."""
    found = caller()
    today = chapters.today_in(found.chapter, utcnow())
    entry = committed(
        lambda: activities.log_one_to_one(
            found.member,
            found.chapter,
            args["other_id"],
            args["met_on"],
            args["place"],
            args["notes"],
            today=today,
            now=utcnow(),
        )
    )
    return {"id": entry.id}


@bp.route("/one-to-ones/<int(min=1, max=2147483647):entry_id>/void", methods=["POST"])
@bp.arguments(VoidIn)
@bp.response(200, CreatedOut)
@documented(404, 422)
def void_one_to_one(args: dict[str, Any], entry_id: int) -> dict[str, Any]:
    """Void a one-to-one, with a reason."""
    found = caller()
    entry = activities.get_one_to_one(found.member, entry_id)
    committed(lambda: activities.void_one_to_one(entry, found.member, args["reason"], now=utcnow()))
    return {"id": entry.id}


@bp.route("/education", methods=["POST"])
@bp.arguments(EducationIn)
@bp.response(201, CreatedOut)
@documented(422)
def education(args: dict[str, Any]) -> dict[str, Any]:
    """Log education (CEU) credits."""
    found = caller()
    today = chapters.today_in(found.chapter, utcnow())
    entry = committed(
        lambda: activities.log_education(
            found.member,
            found.chapter,
            args["earned_on"],
            args["topic"],
            args["credits"],
            today=today,
            now=utcnow(),
        )
    )
    return {"id": entry.id}


@bp.route("/testimonials/<int(min=1, max=2147483647):testimonial_id>/void", methods=["POST"])
@bp.arguments(VoidIn)
@bp.response(200, CreatedOut)
@documented(404, 422)
def void_testimonial(args: dict[str, Any], testimonial_id: int) -> dict[str, Any]:
    """Void a testimonial, with a reason."""
    found = caller()
    entry = testimonials.get_visible(found.member, testimonial_id)
    committed(
        lambda: testimonials.void_testimonial(entry, found.member, args["reason"], now=utcnow())
    )
    return {"id": entry.id}
