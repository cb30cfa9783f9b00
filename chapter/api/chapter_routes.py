"""The chapter as a member sees it: directory, upcoming meetings, announcing ahead,
the leaderboard."""

from __future__ import annotations

from typing import Any

from flask import abort

from chapter.api import bp, present
from chapter.api.access import caller, committed, documented
from chapter.api.schemas import (
    AnnounceIn,
    AnnouncementOut,
    BoardArgs,
    BoardOut,
    DirectoryArgs,
    MeetingOut,
    MemberOut,
    MemberPage,
)
from chapter.attendance import guests
from chapter.attendance import service as attendance
from chapter.attendance.rules import Palms
from chapter.chapters import service as chapters
from chapter.db import utcnow
from chapter.extensions import db
from chapter.leaderboard import service as leaderboard
from chapter.meetings import service as meetings
from chapter.members import service as members
from chapter.rotation import service as rotation


@bp.route("/members")
@bp.arguments(DirectoryArgs, location="query")
@bp.response(200, MemberPage)
@documented(422)
def directory(args: dict[str, Any]) -> dict[str, Any]:
    """The chapter's active members by name (last, first, id: a stable order), searched by
    name, business or profession."""
    query = members.directory_query(caller().chapter.id, args["q"])
    page = db.paginate(
        query, page=args["page"], per_page=args["per_page"], max_per_page=100, error_out=False
    )
    return {"items": [present.member(m) for m in page.items], "page": present.page_of(page)}


@bp.route("/members/<int(min=1, max=2147483647):member_id>")
@bp.response(200, MemberOut)
@documented(404)
def member(member_id: int) -> dict[str, Any]:
    """A member of my chapter (404 for anyone else's)."""
    return present.member(members.get_in_chapter(caller().chapter.id, member_id))


@bp.route("/meetings")
@bp.response(200, MeetingOut(many=True))
@documented()
def upcoming() -> list[dict[str, Any]]:
    """The chapter's upcoming meetings with their presenters and my announcement."""
    found = caller()
    chapter = found.chapter
    today = chapters.today_in(chapter, utcnow())
    coming = meetings.upcoming(chapter.id, today)
    ids = [m.id for m in coming]
    talks = rotation.presentations_for(ids)
    mine = attendance.rows_of(found.member.id, ids)
    names = members.names_by_member(chapter.id)
    return [
        {
            "id": m.id,
            "meets_on": m.meets_on,
            "starts_at": m.starts_at,
            "is_cancelled": m.is_cancelled,
            "roster_completed": m.roster_completed_at is not None,
            "roster_version": m.roster_version,
            "presenters": [
                {"member_id": p.member_id, "name": names.get(p.member_id, "")}
                for p in talks.get(m.id, [])
            ],
            "my_announcement": mine[m.id].status.value
            if m.id in mine and mine[m.id].announced
            else None,
        }
        for m in coming
    ]


@bp.route("/meetings/<int(min=1, max=2147483647):meeting_id>/announcement", methods=["PUT"])
@bp.arguments(AnnounceIn)
@bp.response(200, AnnouncementOut)
@documented(404, 422)
def announce(args: dict[str, Any], meeting_id: int) -> dict[str, Any]:
    """Say ahead of a meeting that I send a substitute (S, with their name), am away for
    medical reasons (M) or absent (A); I can change it until the roster is completed."""
    found = caller()
    meeting = meetings.get_in_chapter(found.chapter.id, meeting_id)
    sub = args["substitute"]
    substitute = guests.GuestDetails(**sub) if sub else None
    row = committed(
        lambda: attendance.announce(
            meeting,
            found.member,
            Palms(args["status"]),
            substitute=substitute,
            note=args["note"],
            today=chapters.today_in(found.chapter, utcnow()),
        )
    )
    return {
        "meeting_id": meeting.id,
        "status": row.status.value,
        "note": row.note,
        "substitute": sub["name"] if sub else None,
    }


@bp.route("/leaderboard")
@bp.arguments(BoardArgs, location="query")
@bp.response(200, BoardOut)
@documented(422)
def board(args: dict[str, Any]) -> dict[str, Any]:
    """The leaderboard for a meeting week, the rolling six months, this year or all time."""
    chapter = caller().chapter
    now = utcnow()
    today = chapters.today_in(chapter, now)
    current = meetings.week_of(chapter, now)
    current_week = current.week_on if current.meeting_id is not None else None
    try:
        period = leaderboard.period_for(
            chapter.id, args["period"], args["week"], today, current_week
        )
    except ValueError as error:
        abort(422, description=f"That period cannot be shown: {error}.")
    rows = leaderboard.board(
        chapter.id,
        period.start,
        period.end,
        args["sort"],
        period.previous,
        balances=period.key in leaderboard.BALANCE_PERIODS,
    )
    return {
        "period": {
            "key": period.key,
            "label": period.label,
            "start": period.start,
            "end": period.end if period.end.year < 9999 else None,
        },
        "sort": args["sort"],
        "provisional": period.is_provisional,
        "rows": [
            {
                "rank": r.rank,
                "member_id": r.member_id,
                "name": r.name,
                "given": r.given,
                "received": r.received,
                "tyfcb_cents": r.totals["tyfcb_credited_cents"],
                "one_to_ones": r.totals["one_to_ones"],
                "visitors": r.totals["visitors"],
                "testimonials": r.totals["testimonials"],
                "attendance_percent": r.attendance,
            }
            for r in rows
        ],
    }
