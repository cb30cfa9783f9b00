"""Tokens and calls for the API tests."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from chapter.api import tokens
from chapter.auth.models import User
from chapter.extensions import db
from tests.conftest import Person
from tests.support import clock


def token_for(app: Flask, person: Person, scope: str = "write", name: str = "test") -> str:
    """A fresh personal access token of ``person`` (the secret, as shown once)."""
    with app.app_context():
        user = db.session.get(User, person.user_id)
        assert user is not None
        made = tokens.create(user, name, scope, now=clock.now())
        db.session.commit()
        return made.secret


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def call(client: FlaskClient, method: str, path: str, secret: str | None, json: Any = None) -> Any:
    headers = bearer(secret) if secret else {}
    return client.open(path, method=method, headers=headers, json=json)
