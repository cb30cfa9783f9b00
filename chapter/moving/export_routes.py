"""Exports (leaders): PALMS summary and slips listing in BNI Connect's columns, and JSON."""

from __future__ import annotations

import json
import re
from datetime import date

from flask import Response, abort, render_template, request

from chapter.bni import exports
from chapter.chapters import service as chapters
from chapter.chapters.models import Chapter
from chapter.db import utcnow
from chapter.forms import DateRangeForm
from chapter.members.roles import Role
from chapter.moving import bp
from chapter.permissions import current_chapter_id, role_required
from chapter.platform.csv_download import csv_response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _range_form(chapter: Chapter) -> DateRangeForm:
    return DateRangeForm.from_args(request.args, chapters.today_in(chapter, utcnow()))


def _attachment(body: str | bytes, mimetype: str, filename: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.route("/export")
@role_required(Role.LEADER)
def export() -> tuple[str, int]:
    chapter = chapters.get_chapter(current_chapter_id())
    form = _range_form(chapter)
    status = 200 if form.is_valid_range() else 422
    return render_template("imports/export.html", form=form, chapter=chapter), status


@bp.route("/export/slips")
@role_required(Role.LEADER)
def export_slips() -> Response | tuple[str, int]:
    chapter = chapters.get_chapter(current_chapter_id())
    form = _range_form(chapter)
    output = request.args.get("format", "csv")
    if output not in ("csv", "xlsx"):
        abort(400, description="Choose format=csv or format=xlsx.")
    if not form.is_valid_range():
        return render_template("imports/export.html", form=form, chapter=chapter), 422
    start: date = form.start.data  # type: ignore[assignment]
    end: date = form.end.data  # type: ignore[assignment]
    rows = exports.slips_listing(chapter.id, start, end)
    name = f"slips-audit-{start.isoformat()}-{end.isoformat()}"
    if output == "xlsx":
        title = f"Slips Audit: {chapter.name}, {start:%d %b %Y} to {end:%d %b %Y}"
        return _attachment(exports.slips_xlsx(rows, title), XLSX, f"{name}.xlsx")
    return csv_response(f"{name}.csv", exports.SLIPS_HEADER, rows)


@bp.route("/export/chapter.json")
@role_required(Role.LEADER)
def export_chapter() -> Response:
    chapter = chapters.get_chapter(current_chapter_id())
    document = exports.chapter_document(chapter.id)
    slug = re.sub(r"[^a-z0-9]+", "-", chapter.name.lower()).strip("-") or "chapter"
    today = chapters.today_in(chapter, utcnow())
    body = json.dumps(document, ensure_ascii=False, indent=1)
    return _attachment(body, "application/json", f"{slug}-{today.isoformat()}.json")
