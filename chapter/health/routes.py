"""`/healthz`: the process answers. `/readyz`: the database answers and its schema is at the
migrations' head. Both reveal nothing but ok / not ready."""

from __future__ import annotations

from flask import jsonify
from werkzeug.wrappers import Response

from chapter.health import bp
from chapter.permissions import public
from chapter.services import readiness


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
