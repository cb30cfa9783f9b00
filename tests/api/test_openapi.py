"""The OpenAPI document is valid OpenAPI 3, documents every API route, and the docs page works
offline under the app's CSP (Swagger UI from this app, started by a script file)."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from chapter.platform.headers import CONTENT_SECURITY_POLICY


def test_the_document_validates_and_lists_every_api_route(app: Flask, client: FlaskClient) -> None:
    answer = client.get("/api/v1/openapi.json")  # public: no token needed
    assert answer.status_code == 200
    document = answer.json
    validate(document)
    assert document["openapi"].startswith("3.")
    documented = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method in item
        if method in {"get", "put", "post", "delete", "patch"}
    }
    routed = {
        (method, re.sub(r"<(?:[^:>]+:)?([a-z_]+)>", r"{\1}", rule.rule))
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed == documented
    assert len(documented) >= 25
    problem = document["components"]["responses"]["NOT_FOUND"]["content"]
    assert list(problem) == ["application/problem+json"]
    assert document["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_the_docs_page_loads_swagger_ui_from_this_app_without_inline_script(
    client: FlaskClient,
) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    html = page.get_data(as_text=True)
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert sources == [
        "/api/v1/docs/assets/swagger-ui-bundle.js",
        "/api/v1/docs/assets/swagger-ui-standalone-preset.js",
        "/static/js/api-docs.js",
    ]
    assert "<script>" not in html
    assert "http" not in html.replace('lang="en"', "")
    assert 'data-spec-url="/api/v1/openapi.json"' in html
    for source in [*sources, "/api/v1/docs/assets/swagger-ui.css"]:
        with client.get(source) as asset:
            assert asset.status_code == 200
            assert len(asset.data) > 100
    assert client.get("/api/v1/docs/assets/index.html").status_code == 404
