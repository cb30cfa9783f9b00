"""Leaderboard routes: the board with its pictures (members), traffic lights, PALMS report."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import abort, render_template, request

from chapter.chapters import service as chapters
from chapter.db import utcnow
from chapter.leaderboard import bp
from chapter.leaderboard import service as leaderboard
from chapter.meetings import service as meetings
from chapter.members.roles import Role
from chapter.permissions import current_member, page_viewer, role_required
from chapter.platform import charts, page_cache


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
def index() -> str | bytes:
    member = current_member()
    assert member is not None  # noqa: S101 - MEMBER role
    chapter = chapters.get_chapter(member.chapter_id)
    now = utcnow()
    today = chapters.today_in(chapter, now)
    current = meetings.week_of_cached(chapter, now)
    current_week = current.week_on if current.meeting_id is not None else None
    sort = request.args.get("sort", "given")
    if sort not in leaderboard.SORTS:
        abort(400, description="Unknown column to sort by.")
    key, week = request.args.get("period", "week"), _week_arg()
    is_leader = member.is_leader
    parts = (key, week, sort, today, current_week)
    kind = "leader" if is_leader else "member"

    def data() -> dict[str, Any]:
        # The same for every member (or every leader) of the chapter until its data changes.
        return page_cache.remember(
            chapter.id,
            ("leaderboard", kind, *parts),
            lambda: _board_data(chapter.id, key, week, sort, today, current_week, is_leader),
        )

    def page() -> str:
        return render_template(
            "leaderboard/index.html",
            chapter=chapter,
            member=member,
            sorts=leaderboard.SORTS,
            periods=leaderboard.PERIOD_KEYS,
            sort=sort,
            **data(),
        )

    # The whole page, kept per viewer (their own row is marked; the navigation follows their
    # roles) until the chapter's data changes: a repeat view renders nothing.
    try:
        return page_cache.remember_page(
            chapter.id, ("leaderboard", *page_viewer(member), *parts), page
        )
    except ValueError as error:
        abort(400, description=f"That period cannot be shown: {error}.")


def _board_data(
    chapter_id: int,
    key: str,
    week: date | None,
    sort: str,
    today: date,
    current_week: date | None,
    is_leader: bool,
) -> dict[str, Any]:
    """What the board shows, the same for every viewer of a kind (the matrix: leaders only)."""
    period = leaderboard.period_for(chapter_id, key, week, today, current_week)
    balances = period.key in leaderboard.BALANCE_PERIODS
    rows = leaderboard.board(
        chapter_id, period.start, period.end, sort, period.previous, balances=balances
    )
    trend_weeks = leaderboard.held_weeks(chapter_id)[:12]
    trend = leaderboard.weekly_trend(chapter_id, trend_weeks)
    bars, bars_height = charts.pair_bars([(r.name, r.given, r.received) for r in rows])
    trend_columns, trend_width = charts.columns([(f"{w:%d %b}", given) for w, given, _ in trend])
    data: dict[str, Any] = {
        "period": period,
        "rows": rows,
        "is_empty": not any(
            r.given
            or r.received
            or r.meetings
            or r.totals["one_to_ones"]
            or r.totals["tyfcb_credited_cents"]
            for r in rows
        ),
        "bars_svg": charts.pair_bars_svg(bars),
        "bars_height": bars_height,
        "trend": bool(trend_columns),
        "trend_svg": charts.columns_svg(trend_columns, "referrals"),
        "trend_width": trend_width,
        "balance_spans": (
            leaderboard.opening_balance_spans(chapter_id, period.start, period.end)
            if balances
            else []
        ),
    }
    if is_leader:  # written out once per data version, then cached with the rest
        by_name = sorted(((r.member_id, r.name) for r in rows), key=lambda p: p[1].lower())
        data["matrix_rows"] = charts.give_get_rows(
            by_name, leaderboard.give_get_matrix(chapter_id, period.start, period.end)
        )
    return data
