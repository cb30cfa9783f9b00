"""Moving a chapter in and out: import BNI Connect files, export in the same shape and JSON."""

from flask import Blueprint

bp = Blueprint("imports", __name__)

from chapter.imports import export_routes, routes  # noqa: E402, F401
