"""Visitors and substitutes (leaders): follow-up list, follow-up edit, substitute log."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from chapter.attendance import bp, guests
from chapter.attendance import reports as attendance_reports
from chapter.attendance.forms import FollowUpForm
from chapter.attendance.guest_rules import FollowUp
from chapter.attendance.routes import my_chapter
from chapter.extensions import db
from chapter.forms import choices, saved
from chapter.members import service as members
from chapter.members.roles import Role
from chapter.permissions import current_actor, current_chapter_id, role_required


@bp.route("/visitors/")
@role_required(Role.LEADER)
def visitors() -> str:
    status_arg = request.args.get("status", "")
    try:
        status = FollowUp(status_arg) if status_arg else None
    except ValueError:
        abort(400)
    page = db.paginate(
        guests.follow_up_query(current_chapter_id(), status), per_page=25, max_per_page=100
    )
    return render_template(
        "attendance/visitors.html",
        page=page,
        rows=guests.follow_up_rows(page.items),
        status=status,
        statuses=list(FollowUp),
    )


@bp.route("/visitors/<int:guest_id>", methods=["GET", "POST"])
@role_required(Role.LEADER)
def follow_up(guest_id: int) -> Response | tuple[str, int]:
    chapter_id = current_chapter_id()
    guest = guests.get_in_chapter(chapter_id, guest_id)
    form = FollowUpForm(obj=guest)
    form.responsible_id.choices = choices(members.active_choices(chapter_id), empty="Nobody yet")
    if form.validate_on_submit() and saved(
        form,
        lambda: guests.update_follow_up(
            guest,
            form.follow_up.data,
            form.responsible_id.data,
            form.follow_up_note.data or "",
            actor=current_actor(),
        ),
    ):
        flash(f"Follow-up of {guest.name} saved.", "success")
        return redirect(url_for("attendance.visitors"))
    return render_template(
        "attendance/follow_up.html", form=form, guest=guest, row=guests.follow_up_rows([guest])[0]
    ), form.status()


@bp.route("/visitors/substitutes")
@role_required(Role.LEADER)
def substitutes() -> str:
    chapter = my_chapter()
    return render_template(
        "attendance/substitutes.html",
        rows=attendance_reports.substitute_log(chapter.id),
    )
