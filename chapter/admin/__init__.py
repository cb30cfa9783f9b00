"""Platform administration: chapters and their first leaders; first-run set-up."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from chapter.admin import routes  # noqa: E402, F401
