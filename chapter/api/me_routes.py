"""The caller's own data: profile, ask, ledger, attendance, traffic light."""

from __future__ import annotations

from typing import Any

from flask import abort

from chapter.api import bp, present
from chapter.api.access import caller, committed, documented
from chapter.api.schemas import (
    AskIn,
    AskOut,
    AttendanceOut,
    LedgerOut,
    LightArgs,
    LightOut,
    MeOut,
    PeriodArgs,
)
from chapter.attendance import reports as attendance_reports
from chapter.attendance import service as attendance
from chapter.attendance.rules import attendance_share
from chapter.chapters import service as chapters
from chapter.db import utcnow
from chapter.extensions import db
from chapter.leaderboard import service as leaderboard
from chapter.leaderboard import traffic_lights
from chapter.ledger import service as ledgers
from chapter.ledger import testimonials
from chapter.ledger.models import Testimonial
from chapter.meetings import service as meetings
from chapter.meetings.weeks import periods
from chapter.members import service as members


@bp.route("/me")
@bp.response(200, MeOut)
@documented()
def me() -> dict[str, Any]:
    """My profile."""
    found = caller()
    return {
        **present.member(found.member),
        "chapter_id": found.chapter.id,
        "chapter_name": found.chapter.name,
        "is_leader": found.member.is_leader,
        "joined_on": found.member.joined_on,
        "renewal_on": found.member.renewal_on,
        "token_scope": found.token.scope,
    }


@bp.route("/me/ask")
@bp.response(200, AskOut)
@documented()
def my_ask() -> dict[str, Any]:
    """What I ask the chapter for, and what I offer."""
    found = caller().member
    return {"ask": found.ask, "offer": found.offer}


@bp.route("/me/ask", methods=["PUT"])
@bp.arguments(AskIn)
@bp.response(200, AskOut)
@documented(422)
def update_ask(args: dict[str, Any]) -> dict[str, Any]:
    """Change what I ask the chapter for and what I offer (as on my profile page)."""
    found = caller()
    member = found.member
    details = members.ProfileDetails(
        business_name=member.business_name,
        phone=member.phone,
        website=member.website,
        offer=args["offer"],
        ask=args["ask"],
    )
    committed(lambda: members.update_profile(member, details, actor=found.user))
    return {"ask": member.ask, "offer": member.offer}


@bp.route("/me/ledger")
@bp.arguments(PeriodArgs, location="query")
@bp.response(200, LedgerOut)
@documented(422)
def my_ledger(args: dict[str, Any]) -> dict[str, Any]:
    """My ledger over a period (week, six_months, year, all): totals, and one page of each
    list (slips given and received, thank-yous, one-to-ones, education, testimonials),
    newest first. ``page`` counts the longest list's pages."""
    found = caller()
    member, chapter = found.member, found.chapter
    now = utcnow()
    all_periods = periods(chapters.today_in(chapter, now), meetings.week_of(chapter, now).week_on)
    period = all_periods[args["period"]]
    names = members.names_by_member(chapter.id)

    def page(query):
        return db.paginate(
            query, page=args["page"], per_page=args["per_page"], max_per_page=100, error_out=False
        )

    lists = {
        "slips_given": page(ledgers.slips_given(member.id, period)),
        "slips_received": page(ledgers.slips_received(member.id, period)),
        "thanks_credited": page(ledgers.thanks_credited(member.id, period)),
        "thanks_written": page(ledgers.thanks_written(member.id, period)),
        "one_to_ones": page(ledgers.one_to_ones_of(member.id, period)),
        "education": page(ledgers.education_of(member.id, period)),
        "testimonials_given": page(
            testimonials.given_by(member.id, period).order_by(
                Testimonial.week_on.desc(), Testimonial.id.desc()
            )
        ),
        "testimonials_received": page(
            testimonials.received_by(member.id, period).order_by(
                Testimonial.week_on.desc(), Testimonial.id.desc()
            )
        ),
    }
    totals = ledgers.member_totals(member.id, period)
    said_given, said_received = testimonials.count_in(member.id, period)
    longest = max(lists.values(), key=lambda p: p.total or 0)
    return {
        "period": present.period(period),
        "periods": [present.period(p) for p in all_periods.values()],
        "totals": {
            "given": totals.given,
            "given_inside": totals.given_inside,
            "given_outside": totals.given_outside,
            "received": totals.received,
            "credited_cents": totals.credited_cents,
            "thanked_cents": totals.thanked_cents,
            "one_to_ones": totals.one_to_ones,
            "education_credits": totals.education_credits,
            "testimonials_given": said_given,
            "testimonials_received": said_received,
        },
        "slips_given": [present.slip(s, names) for s in lists["slips_given"].items],
        "slips_received": [present.slip(s, names) for s in lists["slips_received"].items],
        "thanks_credited": [
            present.thank_you(t, member.id, names) for t in lists["thanks_credited"].items
        ],
        "thanks_written": [
            present.thank_you(t, member.id, names) for t in lists["thanks_written"].items
        ],
        "one_to_ones": [present.one_to_one(o, names) for o in lists["one_to_ones"].items],
        "education": [present.education(e) for e in lists["education"].items],
        "testimonials_given": [
            present.testimonial(t, names) for t in lists["testimonials_given"].items
        ],
        "testimonials_received": [
            present.testimonial(t, names) for t in lists["testimonials_received"].items
        ],
        "page": present.page_of(longest),
    }


@bp.route("/me/attendance")
@bp.response(200, AttendanceOut)
@documented()
def my_attendance() -> dict[str, Any]:
    """My attendance over the rolling six months, and the absences I have left."""
    found = caller()
    chapter, member = found.chapter, found.member
    today = chapters.today_in(chapter, utcnow())
    standing = attendance.standing_of(
        attendance.standings(chapter, today), member.id, chapter.absence_limit
    )
    counts = attendance_reports.member_counts(member.id, today)
    return {
        "absence_limit": standing.limit,
        "absences": standing.absences,
        "absences_left": standing.remaining,
        "at_limit": standing.at_limit,
        "lates": standing.lates,
        "absence_dates": list(standing.absence_dates),
        "counts": {letter.value: count for letter, count in counts.items()},
        "attendance_percent": attendance_share(counts).percent,
    }


@bp.route("/me/traffic-light")
@bp.arguments(LightArgs, location="query")
@bp.response(200, LightOut)
@documented(404, 422)
def my_light(args: dict[str, Any]) -> dict[str, Any]:
    """My traffic light (the chapter's scoring table) over the previous or rolling window."""
    found = caller()
    chapter = found.chapter
    today = chapters.today_in(chapter, utcnow())
    held = leaderboard.held_weeks(chapter.id)
    start, end = traffic_lights.window(args["view"], today, held[0] if held else None)
    lights = traffic_lights.lights(chapter, start, end, member_id=found.member.id)
    if not lights:
        abort(404, description="Only active members have a traffic light.")
    light = lights[0]
    return {
        "member_id": light.member_id,
        "name": light.name,
        "view": args["view"],
        "start": start,
        "end": end,
        "total": light.score.total,
        "colour": light.score.colour,
        "metrics": [{"name": m.metric.label, "points": m.points} for m in light.score.metrics],
    }
