"""Health checks for load balancers: no session, no secrets."""

from flask import Blueprint

bp = Blueprint("health", __name__)

from chapter.health import routes  # noqa: E402, F401
