"""Is this process ready to serve: database reachable, schema at the migrations' head?"""

from __future__ import annotations

from functools import cache

from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from chapter.extensions import db


@cache
def _heads(directory: str) -> frozenset[str]:
    migrate = current_app.extensions["migrate"]
    config = migrate.migrate.get_config(directory)
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def problem() -> str | None:
    """None when ready, else a short reason that names no secret (no URL, no error text)."""
    try:
        revisions = set(db.session.scalars(text("SELECT version_num FROM alembic_version")))
    except SQLAlchemyError:
        db.session.rollback()
        return "database unavailable or not migrated"
    finally:
        db.session.remove()
    directory = current_app.extensions["migrate"].directory
    if revisions != set(_heads(directory)):
        return "database schema is not at the current version"
    return None
