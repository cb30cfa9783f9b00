"""Leaders only (checked per request from the member's current position): a meeting's
roster (read, save a draft with the version check, complete), visitors, PALMS summary."""

from __future__ import annotations

from typing import Any

from chapter.api import bp, present
from chapter.api.access import committed, documented, leader
from chapter.api.schemas import (
    CompleteIn,
    GuestPage,
    PalmsOut,
    RangeArgs,
    RosterIn,
    RosterOut,
    VisitorArgs,
)
from chapter.attendance import guests
from chapter.attendance import service as attendance
from chapter.attendance.guest_rules import FollowUp
from chapter.attendance.rules import Palms
from chapter.chapters import service as chapters
from chapter.db import utcnow
from chapter.errors import RuleViolation
from chapter.extensions import db
from chapter.leaderboard import reports
from chapter.meetings import service as meetings
from chapter.meetings.models import Meeting


def _roster(meeting: Meeting) -> dict[str, Any]:
    found = leader()
    roster = attendance.load_roster(
        meeting, found.chapter, chapters.today_in(found.chapter, utcnow())
    )
    return {
        "meeting_id": meeting.id,
        "meets_on": meeting.meets_on,
        "version": meeting.roster_version,
        "completed": meeting.roster_completed_at is not None,
        "lines": [
            {
                "member_id": line.member.id,
                "name": line.member.full_name,
                "status": line.attendance.status.value if line.attendance else None,
                "announced": bool(line.attendance and line.attendance.announced),
                "note": line.attendance.note if line.attendance else "",
                "substitute": line.attendance.substitute.name
                if line.attendance and line.attendance.substitute
                else None,
                "absences": line.standing.absences,
                "absences_left": line.standing.remaining,
            }
            for line in roster.lines
        ],
        "on_leave": [{"member_id": m.id, "name": m.full_name} for m in roster.on_leave],
        "visitors": [
            {"guest_id": guest.id, "name": guest.name, "business_name": guest.business_name}
            for _, guest in roster.visits
        ],
    }


@bp.route("/meetings/<int(min=1, max=2147483647):meeting_id>/roster")
@bp.response(200, RosterOut)
@documented(404)
def roster(meeting_id: int) -> dict[str, Any]:
    """A meeting's roster: each member's letter, announcement and absences left; visitors."""
    found = leader()
    return _roster(meetings.get_in_chapter(found.chapter.id, meeting_id))


def _guest(details: dict[str, Any] | None) -> guests.GuestDetails | None:
    if not details:
        return None
    fields = ("name", "business_name", "email", "phone")
    return guests.GuestDetails(**{key: details[key] for key in fields})


@bp.route("/meetings/<int(min=1, max=2147483647):meeting_id>/roster", methods=["PUT"])
@bp.arguments(RosterIn)
@bp.response(200, RosterOut)
@documented(404, 409, 422)
def save_roster(args: dict[str, Any], meeting_id: int) -> dict[str, Any]:
    """Save the roster as a draft. ``version`` is the one read: if another leader saved
    meanwhile, nothing is saved and the answer is 409."""
    found = leader()
    meeting = meetings.get_in_chapter(found.chapter.id, meeting_id)
    entries = [
        attendance.RosterEntry(
            member_id=line["member_id"],
            status=Palms(line["status"]) if line["status"] else None,
            note=line["note"],
            substitute=_guest(line["substitute"]),
        )
        for line in args["lines"]
    ]
    visitors = [
        attendance.VisitorEntry(_guest(v), v["invited_by_id"], row=index)  # type: ignore[arg-type]
        for index, v in enumerate(args["visitors"])
    ]
    committed(
        lambda: attendance.save_roster(
            meeting,
            found.chapter,
            entries,
            visitors,
            version=args["version"],
            actor=found.user,
            today=chapters.today_in(found.chapter, utcnow()),
            mark_rest_present=args["mark_rest_present"],
        )
    )
    return _roster(meeting)


@bp.route("/meetings/<int(min=1, max=2147483647):meeting_id>/roster/complete", methods=["POST"])
@bp.arguments(CompleteIn)
@bp.response(200, RosterOut)
@documented(404, 409, 422)
def complete_roster(args: dict[str, Any], meeting_id: int) -> dict[str, Any]:
    """Complete the roster as it stands (every member needs a letter), at ``version``."""
    found = leader()
    meeting = meetings.get_in_chapter(found.chapter.id, meeting_id)
    today = chapters.today_in(found.chapter, utcnow())

    def complete() -> None:
        saved_roster = attendance.save_roster(
            meeting, found.chapter, [], [], version=args["version"], actor=found.user, today=today
        )
        attendance.complete_roster(
            meeting, found.chapter, actor=found.user, today=today, roster=saved_roster
        )

    committed(complete)
    return _roster(meeting)


@bp.route("/visitors")
@bp.arguments(VisitorArgs, location="query")
@bp.response(200, GuestPage)
@documented(422)
def visitors(args: dict[str, Any]) -> dict[str, Any]:
    """The chapter's visitors and their follow-up."""
    found = leader()
    status = FollowUp(args["status"]) if args["status"] else None
    page = db.paginate(
        guests.follow_up_query(found.chapter.id, status),
        page=args["page"],
        per_page=args["per_page"],
        max_per_page=100,
        error_out=False,
    )
    return {
        "items": [
            {
                "id": row.guest.id,
                "name": row.guest.name,
                "business_name": row.guest.business_name,
                "email": row.guest.email,
                "phone": row.guest.phone,
                "follow_up": row.guest.follow_up.value,
                "follow_up_note": row.guest.follow_up_note,
                "responsible": row.responsible_name,
                "invited_by": row.invited_by,
                "visits": row.visits,
                "substitutions": row.substitutions,
            }
            for row in guests.follow_up_rows(page.items)
        ],
        "page": present.page_of(page),
    }


@bp.route("/reports/palms")
@bp.arguments(RangeArgs, location="query")
@bp.response(200, PalmsOut)
@documented(422)
def palms(args: dict[str, Any]) -> dict[str, Any]:
    """The chapter's PALMS summary over a date range, per member and in total."""
    found = leader()
    start, end = args["start"], args["end"]
    if start > end:
        raise RuleViolation("The end must not be before the start.", field="end")
    rows, total = reports.palms_summary(found.chapter.id, start, end)

    def row(r: reports.PalmsRow) -> dict[str, Any]:
        return {
            "first_name": r.first_name,
            "last_name": r.last_name,
            "values": dict(r.values),
            "attendance_percent": r.attendance,
        }

    return {"start": start, "end": end, "rows": [row(r) for r in rows], "total": row(total)}
