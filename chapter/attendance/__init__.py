"""Meetings, announcements ahead, attendance rosters (PALMS), visitors and substitutes."""

from flask import Blueprint

bp = Blueprint("attendance", __name__)

from chapter.attendance import guest_routes, roster_routes, routes  # noqa: E402, F401
