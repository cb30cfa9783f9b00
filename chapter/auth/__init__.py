"""Log-in, log-out, passwords and invitations."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from chapter.auth import routes  # noqa: E402, F401
