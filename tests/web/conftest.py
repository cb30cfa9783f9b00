"""Fixtures shared by the web tests (page-reading helpers are in ``tests.web.pages``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from chapter import create_app
from chapter.extensions import db


@pytest.fixture(scope="module")
def csrf_app(app: Flask) -> Iterator[Flask]:
    """The application on the test database, with CSRF protection turned back on."""
    protected = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        WTF_CSRF_ENABLED=True,
    )
    yield protected
    with protected.app_context():
        db.session.remove()
        db.engine.dispose()
