"""Leaderboard routes: the board with its pictures (members), traffic lights, PALMS report."""

from __future__ import annotations

from datetime import date

from flask import abort, render_template, request

from chapter.chapters import service as chapters
from chapter.db import utcnow
from chapter.leaderboard import bp
from chapter.leaderboard import service as leaderboard
from chapter.meetings import service as meetings
from chapter.members.roles import Role
from chapter.permissions import current_member, role_required
from chapter.platform import charts


def _week_arg() -> date | None:
    raw = request.args.get("week", "")
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, description="The week must be a date like 2026-11-25.")


@bp.route("/leaderboard/")
@role_required(Role.MEMBER)
def index() -> str:
    member = current_member()
    assert member is not None  # noqa: S101 - MEMBER role
    chapter = chapters.get_chapter(member.chapter_id)
    now = utcnow()
    today = chapters.today_in(chapter, now)
    current = meetings.week_of(chapter, now)
    current_week = current.week_on if current.meeting_id is not None else None
    sort = request.args.get("sort", "given")
    if sort not in leaderboard.SORTS:
        abort(400, description="Unknown column to sort by.")
    try:
        period = leaderboard.period_for(
            chapter.id, request.args.get("period", "week"), _week_arg(), today, current_week
        )
    except ValueError as error:
        abort(400, description=f"That period cannot be shown: {error}.")
    balances = period.key in leaderboard.BALANCE_PERIODS
    rows = leaderboard.board(
        chapter.id, period.start, period.end, sort, period.previous, balances=balances
    )
    trend_weeks = leaderboard.held_weeks(chapter.id)[:12]
    trend = leaderboard.weekly_trend(chapter.id, trend_weeks)
    bars, bars_height = charts.pair_bars([(r.name, r.given, r.received) for r in rows])
    trend_columns, trend_width = charts.columns([(f"{w:%d %b}", given) for w, given, _ in trend])
    context = {
        "chapter": chapter,
        "member": member,
        "period": period,
        "rows": rows,
        "sort": sort,
        "sorts": leaderboard.SORTS,
        "periods": leaderboard.PERIOD_KEYS,
        "is_empty": not any(
            r.given
            or r.received
            or r.meetings
            or r.totals["one_to_ones"]
            or r.totals["tyfcb_credited_cents"]
            for r in rows
        ),
        "bars": bars,
        "bars_height": bars_height,
        "trend": trend_columns,
        "trend_width": trend_width,
        "balance_spans": (
            leaderboard.opening_balance_spans(chapter.id, period.start, period.end)
            if balances
            else []
        ),
    }
    if member.is_leader:
        matrix = leaderboard.give_get_matrix(chapter.id, period.start, period.end)
        largest = max(matrix.values(), default=0)
        context["matrix"] = {
            key: (count, charts.shade(count, largest)) for key, count in matrix.items()
        }
    return render_template("leaderboard/index.html", **context)
