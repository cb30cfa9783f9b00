"""Imports (leaders): upload, preview (nothing written), confirm, undo."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from chapter.bni import import_writes, imports
from chapter.bni.models import ImportBatch
from chapter.db import utcnow
from chapter.errors import ChapterError
from chapter.forms import ActionForm, made_before, saved, saved_once
from chapter.ledger.rules import BusinessType
from chapter.members import service as members
from chapter.members.roles import Role
from chapter.moving import bp
from chapter.moving.forms import PreviewForm, UploadForm
from chapter.permissions import current_actor, current_chapter_id, role_required

Page = Response | str | tuple[str, int]


def _max_bytes() -> int:
    return int(current_app.config["IMPORT_MAX_BYTES"])


@bp.route("/import", methods=["GET", "POST"])
@role_required(Role.LEADER)
def upload() -> Page:
    form = UploadForm()
    if form.validate_on_submit() and (
        staged := saved(
            form,
            lambda: imports.stage(
                current_chapter_id(),
                form.file.data.filename or "",
                form.file.data.read(_max_bytes() + 1),
                actor=current_actor(),
                max_bytes=_max_bytes(),
            ),
            refused=ChapterError,
        )
    ):
        return redirect(url_for("imports.preview", upload_id=staged.result))
    history = import_writes.batches(current_chapter_id())
    return render_template(
        "imports/upload.html",
        form=form,
        history=history,
        limit=imports.size_label(_max_bytes()),
        names=members.names_by_user(current_chapter_id()),
        to_complete=members.to_complete(current_chapter_id()),
    ), form.status()


def _choices() -> dict[str, str]:
    chosen: dict[str, str] = {}
    for field, key in request.form.items():
        if field.startswith("names-") and field.endswith("-key"):
            value = request.form.get(field[: -len("-key")] + "-choice", "")
            if value:
                chosen[key] = value
    return chosen


@bp.route("/import/<int:upload_id>", methods=["GET", "POST"])
@role_required(Role.LEADER)
def preview(upload_id: int) -> Page:
    chapter_id = current_chapter_id()
    form = PreviewForm()
    confirming = request.method == "POST" and request.form.get("action") == "confirm"
    if confirming:  # sent again: the first sending imported the file and dropped the upload
        earlier = made_before(ImportBatch.form_key, form.once_key())
        if earlier is not None and earlier.chapter_id == chapter_id:
            return _imported(earlier)
    upload = imports.get_upload(chapter_id, upload_id)
    if request.method == "POST" and not form.validate():
        plan = imports.plan(upload)
    else:
        period = (
            (form.starts_on.data, form.ends_on.data)
            if form.starts_on.data and form.ends_on.data
            else None
        )
        choices = _choices()
        thanks = BusinessType(form.thanks_type.data or BusinessType.NEW.value)
        try:
            plan = imports.plan(
                upload,
                choices=choices,
                meeting_on=form.meeting_on.data,
                period=period,
                thanks_type=thanks,
            )
        except ChapterError as error:  # e.g. From after To: shown at its field
            form.add_error(error)
            plan = imports.plan(
                upload, choices=choices, meeting_on=form.meeting_on.data, thanks_type=thanks
            )
            period, confirming = None, False
        undecided = request.form.get("undecided", "")
        if undecided in (imports.CREATE, imports.OTHER) and plan.unknown:
            choices |= {name.key: undecided for name in plan.unknown}
            plan = imports.plan(
                upload,
                choices=choices,
                meeting_on=form.meeting_on.data,
                period=period,
                thanks_type=thanks,
            )
        if confirming and (
            confirmed := saved_once(
                form,
                ImportBatch.form_key,
                lambda key: import_writes.confirm(
                    plan, actor=current_actor(), now=utcnow(), form_key=key
                ),
                refused=ChapterError,
            )
        ):
            if confirmed.result is None:
                flash(
                    f"Nothing new in {upload.filename}: everything in it is already here, so "
                    "no import was recorded.",
                    "info",
                )
                return redirect(url_for("imports.upload"))
            return _imported(confirmed.result)
    status = 422 if form.has_errors() else 200
    return render_template(
        "imports/preview.html",
        form=form,
        plan=plan,
        upload=upload,
        member_choices=members.active_choices(chapter_id),
        labels=imports.CATEGORY_LABELS,
    ), status


def _imported(batch: ImportBatch) -> Response:
    flash(f"Imported {batch.filename}: {_summary(batch.counts['new'])}.", "success")
    return redirect(url_for("imports.upload"))


def _summary(counts: dict[str, int]) -> str:
    parts = [f"{n} {imports.CATEGORY_LABELS[k].lower()}" for k, n in counts.items() if n]
    return ", ".join(parts) or "nothing new"


@bp.route("/import/batches/<int:batch_id>/undo", methods=["GET", "POST"])
@role_required(Role.LEADER)
def undo(batch_id: int) -> Page:
    batch = import_writes.get_batch(current_chapter_id(), batch_id)
    form = ActionForm()
    if form.validate_on_submit() and saved(
        form, lambda: import_writes.undo(batch, actor=current_actor(), now=utcnow())
    ):
        flash(f"Import of {batch.filename} undone: its rows are voided.", "success")
        return redirect(url_for("imports.upload"))
    return render_template(
        "imports/undo.html",
        form=form,
        batch=batch,
        undoing=import_writes.undoing(batch),
        labels=UNDO_LABELS,
    ), form.status()


UNDO_LABELS = {
    "referral_slips": "Referral slips",
    "thank_yous": "Thank-yous (TYFCB)",
    "one_to_ones": "One-to-ones",
    "education_credits": "Education credits (CEU)",
    "opening_balances": "Opening balances",
}
