"""The attendance roster of a meeting (leaders): save a draft, complete, reopen, audit."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from chapter.attendance import audit_trail, bp
from chapter.attendance import service as attendance
from chapter.attendance.forms import RosterForm
from chapter.attendance.routes import _meeting, today_for
from chapter.attendance.rules import Palms
from chapter.chapters.models import Chapter
from chapter.errors import Conflict
from chapter.forms import ActionForm, saved, saved_once
from chapter.meetings.models import Meeting
from chapter.members import service as members
from chapter.members.roles import Role
from chapter.permissions import current_actor, role_required

VISITOR_LINES = 8  # blank lines for visitors on the sign-in sheet
LETTER_STYLES = {"P": "success", "A": "danger", "L": "warning", "M": "info", "S": "primary"}


def _fresh_form(roster: attendance.Roster) -> RosterForm:
    """The roster form filled from what is stored."""
    form = RosterForm(formdata=None, version=roster.meeting.roster_version)
    for line in roster.lines:
        row = line.attendance
        substitute = row.substitute if row is not None else None
        form.rows.append_entry(
            {
                "member_id": line.member.id,
                "status": row.status.value if row else None,
                "note": row.note if row else "",
                "substitute_name": substitute.name if substitute else "",
                "substitute_business": substitute.business_name if substitute else "",
                "substitute_email": substitute.email if substitute else "",
                "substitute_phone": substitute.phone if substitute else "",
            }
        )
    return form


def _page(
    chapter: Chapter,
    meeting: Meeting,
    roster: attendance.Roster,
    form: RosterForm,
    status: int = 200,
) -> tuple[str, int]:
    member_choices = members.active_choices(chapter.id)
    form.set_member_choices(member_choices)
    lines = {line.member.id: line for line in roster.lines}
    return render_template(
        "attendance/roster.html",
        chapter=chapter,
        meeting=meeting,
        roster=roster,
        form=form,
        problems=form.problems(
            {member_id: line.member.full_name for member_id, line in lines.items()}
        ),
        saved=audit_trail.draft_saved(meeting, chapter.timezone),
        today=today_for(chapter),
        lines=lines,
        member_names=members.names_by_member(chapter.id),
        member_choices=member_choices,
        letters=list(Palms),
        letter_styles=LETTER_STYLES,
        action_form=ActionForm(),
    ), status


@bp.route("/meetings/<int:meeting_id>/roster", methods=["GET", "POST"])
@role_required(Role.LEADER)
def roster(meeting_id: int) -> Response | tuple[str, int]:
    chapter, meeting = _meeting(meeting_id)
    today = today_for(chapter)
    form = RosterForm()  # its visitors' "invited by" choices are set when a page shows them
    if not form.is_submitted():
        current = attendance.load_roster(meeting, chapter, today)
        return _page(chapter, meeting, current, _fresh_form(current))
    if not form.validate():
        return _page(chapter, meeting, attendance.load_roster(meeting, chapter, today), form, 422)

    def save(key: str | None) -> Meeting:
        saved_roster = attendance.save_roster(
            meeting,
            chapter,
            form.entries(),
            form.visitor_entries(),
            version=form.version.data,  # type: ignore[arg-type]
            actor=current_actor(),
            today=today,
            mark_rest_present=bool(form.mark_rest_present.data),
            form_key=key,
        )
        if form.complete.data:
            attendance.complete_roster(
                meeting, chapter, actor=current_actor(), today=today, roster=saved_roster
            )
        return meeting

    try:  # the same save sent twice lands on the first, not on "the roster changed"
        done = saved_once(form, Meeting.roster_form_key, save, only=meeting)
    except Conflict as error:  # rolled back: show what the other leader saved
        fresh = attendance.load_roster(meeting, chapter, today)
        page_form = _fresh_form(fresh)
        page_form.form_errors.append(error.message)
        return _page(chapter, meeting, fresh, page_form, 409)
    if not done:
        return _page(chapter, meeting, attendance.load_roster(meeting, chapter, today), form, 422)
    flash("Roster completed." if form.complete.data else "Roster saved as a draft.", "success")
    return redirect(url_for("attendance.roster", meeting_id=meeting_id))  # not read again


@bp.route("/meetings/<int:meeting_id>/roster/reopen", methods=["POST"])
@role_required(Role.LEADER)
def reopen(meeting_id: int) -> Response | tuple[str, int]:
    chapter, meeting = _meeting(meeting_id)
    refusal = ActionForm()
    if not saved(refusal, lambda: attendance.reopen_roster(meeting, actor=current_actor())):
        current = attendance.load_roster(meeting, chapter, today_for(chapter))
        page_form = _fresh_form(current)
        page_form.form_errors.append(refusal.error_text())
        return _page(chapter, meeting, current, page_form, 422)
    flash("Roster reopened: changes are possible again, and audited.", "success")
    return redirect(url_for("attendance.roster", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/audit")
@role_required(Role.LEADER)
def meeting_audit(meeting_id: int) -> str:
    chapter, meeting = _meeting(meeting_id)
    return render_template(
        "attendance/audit.html",
        chapter=chapter,
        meeting=meeting,
        entries=audit_trail.meeting_trail(meeting, chapter.timezone),
    )


@bp.route("/meetings/<int:meeting_id>/sign-in-sheet")
@role_required(Role.LEADER)
def sign_in_sheet(meeting_id: int) -> str:
    """The roster on paper, for chapters that still pass a sheet round: members to sign,
    PALMS boxes to tick, lines for visitors (print CSS in chapter.css)."""
    chapter, meeting = _meeting(meeting_id)
    return render_template(
        "attendance/sign_in_sheet.html",
        chapter=chapter,
        meeting=meeting,
        roster=attendance.load_roster(meeting, chapter, today_for(chapter)),
        member_names=members.names_by_member(chapter.id),
        letters=list(Palms),
        visitor_lines=VISITOR_LINES,
    )
