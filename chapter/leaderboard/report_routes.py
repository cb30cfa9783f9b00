"""The PALMS summary report (leaders): on screen, as CSV and as XLSX."""

from __future__ import annotations

from datetime import date

from flask import Response, render_template, request

from chapter.chapters import service as chapters
from chapter.db import utcnow
from chapter.forms import DateRangeForm
from chapter.leaderboard import bp, reports
from chapter.members.roles import Role
from chapter.permissions import current_chapter_id, role_required
from chapter.platform import page_cache
from chapter.platform.csv_download import csv_response

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.route("/reports/palms")
@role_required(Role.LEADER)
def palms() -> Response | tuple[str, int]:
    chapter = chapters.get_chapter(current_chapter_id())
    today = chapters.today_in(chapter, utcnow())
    form = DateRangeForm.from_args(request.args, today)
    if not form.is_valid_range():
        return render_template(
            "leaderboard/palms.html",
            form=form,
            rows=None,
            chapter=chapter,
            header=reports.PALMS_HEADER,
        ), 422
    start: date = form.start.data  # type: ignore[assignment]
    end: date = form.end.data  # type: ignore[assignment]
    rows, total = page_cache.remember(  # leaders only; cached until the chapter's data changes
        chapter.id,
        ("palms", "leader", start, end),
        lambda: reports.palms_summary(chapter.id, start, end),
    )
    name = f"palms-summary-{start.isoformat()}-{end.isoformat()}"
    output = request.args.get("format", "")
    if output == "csv":
        return csv_response(
            f"{name}.csv", reports.PALMS_HEADER, [row.cells() for row in [*rows, total]]
        )
    if output == "xlsx":
        title = f"Chapter Summary PALMS: {chapter.name}, {start:%d %b %Y} to {end:%d %b %Y}"
        return Response(
            reports.palms_xlsx(rows, total, title),
            mimetype=XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    return render_template(
        "leaderboard/palms.html",
        form=form,
        rows=rows,
        total=total,
        chapter=chapter,
        header=reports.PALMS_HEADER,
    ), 200
