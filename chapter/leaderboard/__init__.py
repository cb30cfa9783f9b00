"""The weekly give/get leaderboard, traffic lights and the PALMS summary report."""

from flask import Blueprint

bp = Blueprint("leaderboard", __name__)

from chapter.leaderboard import light_routes, report_routes, routes  # noqa: E402, F401
