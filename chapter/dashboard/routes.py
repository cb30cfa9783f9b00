"""Dashboard: who I am, my chapter, its next meeting, and my role's shortcuts."""

from __future__ import annotations

from flask import render_template

from chapter.dashboard import bp
from chapter.db import utcnow
from chapter.permissions import current_member, signed_in
from chapter.services import chapters, members


@bp.route("/")
@signed_in
def index() -> str:
    member = current_member()
    chapter = next_meeting = None
    pending_invitations = 0
    if member is not None:
        chapter = chapters.get_chapter(member.chapter_id)
        next_meeting = chapters.next_meeting(chapter, utcnow())
        if member.is_leader:
            pending_invitations = members.without_password_count(member.chapter_id)
    return render_template(
        "dashboard/index.html",
        member=member,
        chapter=chapter,
        next_meeting=next_meeting,
        pending_invitations=pending_invitations,
    )
