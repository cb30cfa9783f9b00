"""Member directory, profiles, and the leader's member admin."""

from flask import Blueprint

bp = Blueprint("members", __name__)

from chapter.members import routes  # noqa: E402, F401
