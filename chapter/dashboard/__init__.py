"""The page a person lands on after logging in."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from chapter.dashboard import routes  # noqa: E402, F401
