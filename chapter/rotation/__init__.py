"""The feature-presentation rotation and calendar feeds."""

from flask import Blueprint

bp = Blueprint("rotation", __name__)

from chapter.rotation import routes  # noqa: E402, F401
