"""Traffic lights: leaders see everyone; a member sees their own, with what would move them
up; leaders choose or edit the chapter's scoring table."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response
from wtforms import SelectField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from chapter.chapters import service as chapters
from chapter.db import utcnow
from chapter.errors import RuleViolation
from chapter.forms import BaseForm, choices, saved
from chapter.leaderboard import bp, traffic_lights
from chapter.leaderboard import service as leaderboard
from chapter.leaderboard.scoring_presets import PRESETS
from chapter.members.roles import Role
from chapter.permissions import current_actor, current_member, role_required
from chapter.platform import page_cache


class PresetForm(BaseForm):
    preset = SelectField("Preset", choices=choices((k, v["name"]) for k, v in PRESETS.items()))
    submit = SubmitField("Use this preset")


class TableForm(BaseForm):
    table = TextAreaField("Scoring table (JSON)", validators=[DataRequired(), Length(max=20000)])
    submit = SubmitField("Save the table")


def _context():
    member = current_member()
    assert member is not None  # noqa: S101 - MEMBER role
    chapter = chapters.get_chapter(member.chapter_id)
    view = request.args.get("view", "previous")
    if view not in traffic_lights.VIEWS:
        abort(400, description="Choose the previous six months or the rolling view.")
    today = chapters.today_in(chapter, utcnow())
    held = leaderboard.held_weeks(chapter.id)
    start, end = traffic_lights.window(view, today, held[0] if held else None)
    return member, chapter, view, start, end


@bp.route("/traffic-lights/")
@role_required(Role.MEMBER)
def lights() -> Response | str:
    member, chapter, view, start, end = _context()
    if not member.is_leader:
        return redirect(url_for("leaderboard.light", member_id=member.id, view=view))
    return render_template(
        "leaderboard/lights.html",
        chapter=chapter,
        view=view,
        views=traffic_lights.VIEWS,
        start=start,
        end=end,
        table=traffic_lights.table_for(chapter),
        # every leader of the chapter sees the same lights: cached until its data changes
        lights=page_cache.remember(
            chapter.id,
            ("lights", "leader", start, end),
            lambda: traffic_lights.lights(chapter, start, end),
        ),
    )


@bp.route("/traffic-lights/<int:member_id>")
@role_required(Role.MEMBER)
def light(member_id: int) -> str:
    member, chapter, view, start, end = _context()
    if member_id != member.id and not member.is_leader:
        abort(403)
    # one member's light, the same for that member and their leaders (the member is in the key)
    found = page_cache.remember(
        chapter.id,
        ("light", member_id, start, end),
        lambda: traffic_lights.lights(chapter, start, end, member_id=member_id),
    )
    if not found:
        abort(404)
    return render_template(
        "leaderboard/light.html",
        chapter=chapter,
        view=view,
        views=traffic_lights.VIEWS,
        start=start,
        end=end,
        table=traffic_lights.table_for(chapter),
        light=found[0],
        is_self=member_id == member.id,
    )


@bp.route("/traffic-lights/settings", methods=["GET", "POST"])
@role_required(Role.LEADER)
def light_settings() -> Response | tuple[str, int]:
    _, chapter, *_ = _context()
    preset_form = PresetForm(prefix="preset")
    table_form = TableForm(prefix="table")
    if request.method == "GET":
        table_form.table.data = json.dumps(traffic_lights.table_data(chapter), indent=2)
    if preset_form.submit.data and preset_form.validate_on_submit():
        done = saved(
            table_form,  # where the page shows a refusal, whichever form was sent
            lambda: traffic_lights.choose_preset(
                chapter, preset_form.preset.data or "", actor=current_actor()
            ),
        )
    elif table_form.submit.data and table_form.validate_on_submit():
        done = saved(
            table_form,
            lambda: traffic_lights.save_table(chapter, _table(table_form), actor=current_actor()),
        )
    else:
        status = 422 if request.method == "POST" else 200
        return _settings_page(chapter, preset_form, table_form), status
    if not done:
        return _settings_page(chapter, preset_form, table_form), 422
    flash("The chapter's scoring table is saved.", "success")
    return redirect(url_for("leaderboard.light_settings"))


def _table(form: TableForm) -> object:
    """The scoring table the leader typed, read as JSON (a RuleViolation at the field if not)."""
    try:
        return json.loads(form.table.data or "")
    except json.JSONDecodeError as error:
        raise RuleViolation(
            f"That is not valid JSON: {error.msg} (line {error.lineno}).", field="table"
        ) from error


def _settings_page(chapter, preset_form: PresetForm, table_form: TableForm) -> str:
    return render_template(
        "leaderboard/light_settings.html",
        chapter=chapter,
        preset_form=preset_form,
        table_form=table_form,
        table=traffic_lights.table_for(chapter),
    )
