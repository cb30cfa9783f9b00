"""Throw-away databases for a test run: a SQLite file, or a fresh PostgreSQL database."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url


def server_url() -> str | None:
    """The PostgreSQL server to test against (CHAPTER_TEST_DATABASE_URL), if any."""
    return os.environ.get("CHAPTER_TEST_DATABASE_URL") or None


@contextmanager
def fresh_database(tmp_dir: Path, label: str) -> Iterator[str]:
    """Yield the URL of a new, empty database, removed afterwards.

    With CHAPTER_TEST_DATABASE_URL set, a uniquely named database is created on that server
    (so runs never see each other's tables); otherwise a SQLite file in ``tmp_dir``.
    """
    base = server_url()
    if base is None:
        yield f"sqlite:///{tmp_dir / f'{label}.sqlite'}"
        return
    url = make_url(base)
    name = f"chapter_{label}_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
