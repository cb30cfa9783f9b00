"""Wire the API into the app: flask-smorest's Api (serving /api/v1/openapi.json), token
authentication, CSRF exemption for token requests, a per-token rate limit, problem details."""

from __future__ import annotations

import http

from flask import Flask, Response, current_app
from flask_smorest import Api
from flask_smorest.utils import prepare_response
from werkzeug.exceptions import HTTPException

from chapter.api import access, bp, pages
from chapter.api.problems import PROBLEM_JSON, ProblemSchema, from_http_exception, problem
from chapter.errors import ChapterError
from chapter.extensions import csrf, db, limiter

DEFAULTS = {
    "API_TITLE": "Chapter platform API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    # No UI of flask-smorest's own: its templates load from a CDN with an inline script.
    # chapter.api.page_routes serves the docs page from the packaged swagger-ui-bundle.
    "API_RATE_LIMIT": "120 per minute",
    "API_SPEC_OPTIONS": {
        "components": {
            "securitySchemes": {
                "bearer": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal access token from your profile (chp_...).",
                }
            }
        },
        "security": [{"bearer": []}],
    },
}


class ChapterApi(Api):
    """flask-smorest's Api, with errors as problem details and the app's HTML error pages left
    alone (flask-smorest would otherwise answer every HTTP error of the app in JSON)."""

    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self) -> None:
        """The API blueprint's own handlers do it (install), and chapter.errors for routing
        errors under /api/."""

    def _register_responses(self) -> None:
        for status in http.HTTPStatus:
            response: dict[str, object] = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_JSON)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "Problem details (RFC 9457)", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_JSON)
        self.spec.components.response("DEFAULT_ERROR", response, lazy=True)


def _domain_error(error: ChapterError) -> Response:
    db.session.rollback()
    errors = {error.field: [error.message]} if error.field else None
    return problem(error.status, error.message, errors=errors)


def _http_error(error: HTTPException) -> Response:
    db.session.rollback()
    return from_http_exception(error)


# Set up once, on the blueprint (every app created shares it).
bp.before_request(access.authenticate)
bp.register_error_handler(ChapterError, _domain_error)
bp.register_error_handler(HTTPException, _http_error)
csrf.exempt(bp)  # token requests only: access.authenticate never reads the session
limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=access.rate_key)(bp)


def install(app: Flask) -> None:
    """Register the API (after create_app imported its route modules) and its pages."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    api = ChapterApi()
    api.init_app(app)
    api.register_blueprint(bp)
    app.register_blueprint(pages)
