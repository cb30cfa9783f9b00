"""Backups of the embedded SQLite database with SQLite's online backup API (consistent while
the app runs). PostgreSQL deployments use pg_dump / pg_restore (see the README)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from chapter.errors import RuleViolation
from chapter.extensions import db

POSTGRES_HINT = (
    "This database is PostgreSQL: back it up with "
    '`pg_dump --format=custom --file=chapter.dump "$DATABASE_URL"` and restore into an empty '
    'database with `pg_restore --no-owner --dbname "$DATABASE_URL" chapter.dump`.'
)


def _sqlite_path() -> Path:
    url = make_url(str(db.engine.url))
    if url.get_backend_name() != "sqlite":
        raise RuleViolation(POSTGRES_HINT)
    if not url.database or url.database == ":memory:":
        raise RuleViolation("An in-memory database cannot be backed up.")
    return Path(url.database)


def backup(target: Path) -> int:
    """Copy the live database to ``target`` (a new file); returns its size in bytes."""
    source_path = _sqlite_path()
    if target.exists():
        raise RuleViolation(f"{target} exists already; choose a new file.")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(source_path)
    copy = sqlite3.connect(target)
    try:
        with copy:
            source.backup(copy)
    finally:
        copy.close()
        source.close()
    return target.stat().st_size


def restore(backup_file: Path) -> None:
    """Copy a backup into the configured database, which must be empty (no tables)."""
    target_path = _sqlite_path()
    if not backup_file.is_file():
        raise RuleViolation(f"There is no backup file at {backup_file}.")
    db.session.remove()
    if inspect(db.engine).get_table_names():
        raise RuleViolation("The database is not empty; restore into a new, empty database.")
    db.engine.dispose()
    source = sqlite3.connect(backup_file)
    target = sqlite3.connect(target_path)
    try:
        with target:
            source.backup(target)
    finally:
        target.close()
        source.close()
