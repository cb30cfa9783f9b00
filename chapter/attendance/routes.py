"""Meeting routes: the schedule, a meeting's page, announcing ahead, cancel/move/add,
my attendance, the summary, and the chapter's attendance settings."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from chapter.attendance import bp
from chapter.attendance import reports as attendance_reports
from chapter.attendance import service as attendance
from chapter.attendance.forms import (
    AnnounceForm,
    CancelForm,
    ChapterSettingsForm,
    DateForm,
)
from chapter.attendance.rules import Palms, attendance_share
from chapter.chapters import service as chapters
from chapter.chapters.models import Chapter
from chapter.db import utcnow
from chapter.extensions import db
from chapter.forms import ActionForm, DateRangeForm, saved
from chapter.meetings import service as meetings
from chapter.meetings.models import Meeting
from chapter.members import service as members
from chapter.members.roles import Role
from chapter.permissions import current_actor, current_chapter_id, current_member, role_required
from chapter.platform.csv_download import csv_response
from chapter.rotation import service as rotation


def my_chapter() -> Chapter:
    return chapters.get_chapter(current_chapter_id())


def today_for(chapter: Chapter) -> date:
    return chapters.today_in(chapter, utcnow())


def _meeting(meeting_id: int) -> tuple[Chapter, Meeting]:
    chapter = my_chapter()
    return chapter, meetings.get_in_chapter(chapter.id, meeting_id)


@bp.route("/meetings/")
@role_required(Role.MEMBER)
def index() -> str:
    chapter = my_chapter()
    today = today_for(chapter)
    past = db.paginate(meetings.past_query(chapter.id, today), per_page=20, max_per_page=50)
    upcoming = meetings.upcoming(chapter.id, today)
    member = current_member()
    assert member is not None  # noqa: S101 - MEMBER role
    return render_template(
        "attendance/index.html",
        chapter=chapter,
        upcoming=upcoming,
        past=past,
        mine=attendance.rows_of(member.id, [m.id for m in [*upcoming, *past.items]]),
    )


def _detail_page(
    chapter: Chapter, meeting: Meeting, form: AnnounceForm | None = None, status: int = 200
) -> tuple[str, int]:
    member = current_member()
    assert member is not None  # noqa: S101 - MEMBER role
    mine = attendance.announcement_of(meeting, member)
    if form is None:
        form = AnnounceForm(
            status=mine.status if mine and mine.announced else None,
            note=mine.note if mine else "",
        )
        if mine and mine.substitute is not None:
            form.substitute_name.data = mine.substitute.name
            form.substitute_business.data = mine.substitute.business_name
            form.substitute_email.data = mine.substitute.email
            form.substitute_phone.data = mine.substitute.phone
    today = today_for(chapter)
    return render_template(
        "attendance/detail.html",
        chapter=chapter,
        meeting=meeting,
        mine=mine,
        form=form,
        can_announce=(
            not meeting.is_cancelled
            and not meeting.roster_is_completed
            and meeting.meets_on >= today
        ),
        is_past=meeting.meets_on < today,
        cancel_form=CancelForm(),
        action_form=ActionForm(),
    ), status


@bp.route("/meetings/<int:meeting_id>")
@role_required(Role.MEMBER)
def detail(meeting_id: int) -> tuple[str, int]:
    chapter, meeting = _meeting(meeting_id)
    return _detail_page(chapter, meeting)


@bp.route("/meetings/<int:meeting_id>/announce", methods=["POST"])
@role_required(Role.MEMBER)
def announce(meeting_id: int) -> BaseResponse | tuple[str, int]:
    chapter, meeting = _meeting(meeting_id)
    form = AnnounceForm()
    if form.validate_on_submit() and saved(
        form,
        lambda: attendance.announce(
            meeting,
            current_member(),
            form.status.data,  # type: ignore[arg-type]
            substitute=form.substitute_details(),
            note=form.note.data or "",
            today=today_for(chapter),
        ),
    ):
        flash(
            "Thank you: the chapter knows. You can change this until the roster is completed.",
            "success",
        )
        return redirect(url_for("attendance.detail", meeting_id=meeting.id))
    return _detail_page(chapter, meeting, form, 422)


@bp.route("/meetings/<int:meeting_id>/announce/withdraw", methods=["POST"])
@role_required(Role.MEMBER)
def withdraw(meeting_id: int) -> BaseResponse | tuple[str, int]:
    chapter, meeting = _meeting(meeting_id)
    refusal = ActionForm()
    if not saved(
        refusal,
        lambda: attendance.withdraw_announcement(meeting, current_member()),  # type: ignore[arg-type]
    ):
        flash(refusal.error_text(), "danger")
        return _detail_page(chapter, meeting, status=422)
    flash("Your announcement is withdrawn: see you at the meeting.", "success")
    return redirect(url_for("attendance.detail", meeting_id=meeting.id))


def _flash_rotation(changes: list[rotation.Change], chapter_id: int) -> None:
    if changes:
        names = members.names_by_member(chapter_id)
        flash("Presentation rotation updated: " + rotation.describe_changes(changes, names), "info")


def _leader_change(meeting_id: int, change, done: str) -> BaseResponse | tuple[str, int]:
    chapter, meeting = _meeting(meeting_id)
    refusal = ActionForm()
    changed = saved(refusal, lambda: change(chapter, meeting))
    if not changed:
        flash(refusal.error_text(), "danger")
        return _detail_page(chapter, meeting, status=422)
    flash(done, "success")
    _flash_rotation(changed.result, chapter.id)
    return redirect(url_for("attendance.detail", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/cancel", methods=["POST"])
@role_required(Role.LEADER)
def cancel(meeting_id: int) -> BaseResponse | tuple[str, int]:
    form = CancelForm()
    if not form.validate_on_submit():
        abort(400)
    return _leader_change(
        meeting_id,
        lambda chapter, meeting: meetings.cancel(
            meeting, form.reason.data or "", actor=current_actor(), today=today_for(chapter)
        ),
        "The meeting is cancelled; nobody will be marked absent.",
    )


@bp.route("/meetings/<int:meeting_id>/restore", methods=["POST"])
@role_required(Role.LEADER)
def restore(meeting_id: int) -> BaseResponse | tuple[str, int]:
    return _leader_change(
        meeting_id,
        lambda chapter, meeting: meetings.restore(
            meeting, actor=current_actor(), today=today_for(chapter)
        ),
        "The meeting is back on.",
    )


@bp.route("/meetings/<int:meeting_id>/move", methods=["GET", "POST"])
@role_required(Role.LEADER)
def move(meeting_id: int) -> BaseResponse | tuple[str, int]:
    chapter, meeting = _meeting(meeting_id)
    form = DateForm(meets_on=meeting.meets_on)
    if form.validate_on_submit() and (
        moved := saved(
            form,
            lambda: meetings.move(
                meeting,
                form.meets_on.data,
                chapter,
                actor=current_actor(),  # type: ignore[arg-type]
                today=today_for(chapter),
            ),
        )
    ):
        flash("The meeting is moved.", "success")
        _flash_rotation(moved.result, chapter.id)
        return redirect(url_for("attendance.detail", meeting_id=meeting.id))
    return render_template("attendance/move.html", form=form, meeting=meeting), form.status()


@bp.route("/meetings/new", methods=["GET", "POST"])
@role_required(Role.LEADER)
def new() -> BaseResponse | tuple[str, int]:
    chapter = my_chapter()
    form = DateForm()
    if form.validate_on_submit() and (
        added := saved(
            form,
            lambda: meetings.add_extra(
                chapter,
                form.meets_on.data,
                actor=current_actor(),  # type: ignore[arg-type]
                today=today_for(chapter),
            ),
        )
    ):
        meeting, changes = added.result
        flash("Extra meeting added.", "success")
        _flash_rotation(changes, chapter.id)
        return redirect(url_for("attendance.detail", meeting_id=meeting.id))
    return render_template("attendance/new.html", form=form), form.status()


@bp.route("/attendance/me")
@role_required(Role.MEMBER)
def mine() -> str:
    chapter = my_chapter()
    member = current_member()
    assert member is not None  # noqa: S101 - MEMBER role
    today = today_for(chapter)
    history = db.paginate(
        attendance_reports.member_history_query(member.id), per_page=26, max_per_page=100
    )
    standing = attendance.standing_of(
        attendance.standings(chapter, today), member.id, chapter.absence_limit
    )
    counts = attendance_reports.member_counts(member.id, today)
    return render_template(
        "attendance/mine.html",
        chapter=chapter,
        history=history,
        counts=counts,
        share=attendance_share(counts),
        standing=standing,
        letters=list(Palms),
    )


SUMMARY_COLUMNS = ["Member", "P", "A", "L", "M", "S", "Meetings", "Visitors", "Attendance %"]


@bp.route("/attendance/summary")
@role_required(Role.LEADER)
def summary() -> Response | tuple[str, int]:
    chapter = my_chapter()
    today = today_for(chapter)
    form = DateRangeForm.from_args(request.args, today)
    if not form.is_valid_range():
        return render_template(
            "attendance/summary.html", form=form, rows=None, chapter=chapter, letters=list(Palms)
        ), 422
    rows = attendance_reports.summary(chapter.id, form.start.data, form.end.data)  # type: ignore[arg-type]
    if request.args.get("format") == "csv":
        return _summary_csv(rows, form.start.data, form.end.data)  # type: ignore[arg-type]
    return render_template(
        "attendance/summary.html", form=form, rows=rows, chapter=chapter, letters=list(Palms)
    ), 200


def _summary_csv(rows: list[attendance_reports.SummaryRow], start: date, end: date) -> Response:
    return csv_response(
        f"attendance-{start.isoformat()}-{end.isoformat()}.csv",
        SUMMARY_COLUMNS,
        (
            [
                row.name,
                *(row.counts[letter] for letter in Palms),
                row.meetings,
                row.visitors,
                "" if row.attendance is None else row.attendance,
            ]
            for row in rows
        ),
    )


@bp.route("/chapter/settings", methods=["GET", "POST"])
@role_required(Role.LEADER)
def settings() -> BaseResponse | tuple[str, int]:
    chapter = my_chapter()
    form = ChapterSettingsForm(obj=chapter)
    if form.validate_on_submit() and (
        updated := saved(
            form,
            lambda: chapters.update_settings(
                chapter, form.settings(chapter), actor=current_actor(), today=today_for(chapter)
            ),
        )
    ):
        _flash_rotation(updated.result, chapter.id)
        flash("Chapter settings saved.", "success")
        return redirect(url_for("attendance.settings"))
    return render_template("attendance/settings.html", form=form, chapter=chapter), form.status()
