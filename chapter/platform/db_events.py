"""Engine events: SQLite enforces foreign keys only when asked, on every connection; psycopg
keeps its prepared statements across the rollback that ends every read-only request."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import pq
from sqlalchemy import event
from sqlalchemy.engine import Engine


def enable_sqlite_foreign_keys(engine: Engine) -> None:
    """Run ``PRAGMA foreign_keys=ON`` on each new SQLite connection (no-op elsewhere)."""
    if engine.dialect.name != "sqlite":
        return
    if event.contains(engine, "connect", _foreign_keys_on):
        return
    event.listen(engine, "connect", _foreign_keys_on)


def _foreign_keys_on(dbapi_connection: Any, connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def keep_prepared_statements(engine: Engine) -> None:
    """Open PostgreSQL connections whose rollback keeps psycopg's prepared statements (no-op
    elsewhere).

    psycopg prepares a statement on the server once a connection has run it five times, and
    then sends only its name and parameters: no parsing or planning again. But it forgets
    them all on every ``rollback()``, and every request that only read ends with one (the
    session closes its transaction), so a worker's statements were planned anew on every
    request: a slip's POST spent 3 of its 10 ms of statements planning them (measured
    in-process at national size). A rollback cannot undo a prepared statement, and the
    requests run no DDL; psycopg still forgets them on a DROP or ALTER it runs, and on a
    rollback after an error."""
    if engine.dialect.name != "postgresql" or engine.dialect.driver != "psycopg":
        return
    if not event.contains(engine, "do_connect", _connect_keeping):
        event.listen(engine, "do_connect", _connect_keeping)


# How many statements a connection keeps prepared (psycopg's default: 100, least recently used
# first out). A worker serving members and leaders runs more distinct statements than that (a
# member's pages and a slip about 75, a leader's roster another 55, measured in-process), so
# the ones run less often, the writes', fell out before they were run five times.
PREPARED_MAX = 400


def _connect_keeping(dialect: Any, connection_record: Any, cargs: Any, cparams: Any) -> Any:
    connection = KeepingPrepared.connect(*cargs, **cparams)
    connection.prepared_max = PREPARED_MAX
    return connection


class KeepingPrepared(psycopg.Connection):  # type: ignore[type-arg]
    """A psycopg connection whose rollback of a healthy transaction keeps its prepared
    statements (``keep_prepared_statements``)."""

    def rollback(self) -> None:
        """A plain ROLLBACK for a transaction in progress; anything else (nothing to roll
        back, a failed transaction, a pipeline) as psycopg does it."""
        if (
            self.pgconn.transaction_status != pq.TransactionStatus.INTRANS
            or self.pgconn.pipeline_status != pq.PipelineStatus.OFF
        ):
            super().rollback()
            return
        with self.lock:
            result = self.pgconn.exec_(b"ROLLBACK")
        if result.status != pq.ExecStatus.COMMAND_OK:
            message = (result.error_message or b"").decode(errors="replace")
            raise psycopg.OperationalError(f"ROLLBACK failed: {message}")
