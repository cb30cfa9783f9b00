"""`/healthz`: the process answers. `/readyz`: the database answers and its schema is at the
migrations' head. Both reveal nothing but ok / not ready."""

from __future__ import annotations

from flask import Blueprint, jsonify
from werkzeug.wrappers import Response

from chapter.permissions import public
from chapter.platform import readiness

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@public
def healthz() -> Response:
    return jsonify(status="ok")


@bp.route("/readyz")
@public
def readyz() -> tuple[Response, int]:
    problem = readiness.problem()
    if problem:
        return jsonify(status="not ready", reason=problem), 503
    return jsonify(status="ready"), 200
