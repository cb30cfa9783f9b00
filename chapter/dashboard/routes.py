"""Dashboard: who I am, my chapter, its next meeting, and my role's shortcuts."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template

from chapter.attendance import service as attendance
from chapter.chapters import service as chapters
from chapter.dashboard import bp
from chapter.dashboard import service as dashboard
from chapter.db import utcnow
from chapter.forms import ActionForm
from chapter.ledger import referrals
from chapter.meetings import service as meetings
from chapter.members import service as members
from chapter.permissions import current_member, signed_in
from chapter.platform import notifications
from chapter.rotation import service as rotation


@bp.route("/")
@signed_in
def index() -> str:
    member = current_member()
    context: dict[str, object] = {"member": member}
    if member is not None:
        chapter = chapters.get_chapter(member.chapter_id)
        today = chapters.today_in(chapter, utcnow())
        next_meeting = meetings.next_meeting(chapter.id, today)
        context.update(
            chapter=chapter,
            next_meeting=next_meeting,
            next_start=chapters.next_meeting(chapter, utcnow()),
            my_row=attendance.announcement_of(next_meeting, member) if next_meeting else None,
            standing=attendance.standing_of(
                attendance.standings(chapter, today), member.id, chapter.absence_limit
            ),
            new_slips=referrals.new_count(member.id),
            presenting=rotation.next_presentation(member.id, today, within=timedelta(weeks=4)),
            notices=notifications.unread(member.id),
            action_form=ActionForm(),
        )
        if member.is_leader:
            context.update(
                pending_invitations=members.without_password_count(chapter.id),
                at_limit=attendance.members_at_limit(chapter, today),
                open_roster=meetings.last_meeting_before(chapter.id, today),
                first_run=dashboard.first_run_checklist(chapter),
            )
    return render_template("dashboard/index.html", **context)
