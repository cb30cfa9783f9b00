"""PostgreSQL connections keep psycopg's prepared statements across the rollback that ends a
read-only request (chapter.platform.db_events.keep_prepared_statements)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask

from chapter.extensions import db
from chapter.platform.db_events import PREPARED_MAX, keep_prepared_statements
from tests.support.databases import server_url

pytestmark = pytest.mark.skipif(server_url() is None, reason="psycopg on PostgreSQL only")

READ = sa.text("SELECT count(*) FROM chapters WHERE id > :floor")
PREPARED = sa.text(
    "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%FROM chapters WHERE id >%'"
)


def engine_for(app: Flask, keeping: bool) -> sa.Engine:
    with app.app_context():
        url = db.engine.url
    engine = sa.create_engine(url, poolclass=sa.pool.StaticPool)
    if keeping:
        keep_prepared_statements(engine)
    return engine


@pytest.fixture(params=[True, False], ids=["keeping", "psycopg-default"])
def engine(app: Flask, request: pytest.FixtureRequest) -> Iterator[tuple[sa.Engine, bool]]:
    made = engine_for(app, request.param)
    yield made, request.param
    made.dispose()


def reads_then_rollbacks(connection: sa.Connection, times: int) -> None:
    for _ in range(times):
        connection.execute(READ, {"floor": 0}).scalar_one()
        connection.rollback()  # as a request that only read ends


def test_a_statement_read_often_stays_prepared_across_rollbacks(
    engine: tuple[sa.Engine, bool],
) -> None:
    made, keeping = engine
    with made.connect() as connection:
        reads_then_rollbacks(connection, 8)  # psycopg prepares on the sixth
        assert connection.execute(PREPARED).scalar_one() == (1 if keeping else 0)
        connection.rollback()


@pytest.fixture
def keeping(app: Flask) -> Iterator[sa.Connection]:
    """A connection that kept its statements through six read-only transactions."""
    made = engine_for(app, True)
    with made.connect() as connection:
        reads_then_rollbacks(connection, 6)
        yield connection
        connection.rollback()
    made.dispose()


def test_a_rollback_still_undoes_the_transaction(keeping: sa.Connection) -> None:
    keeping.execute(sa.text("CREATE TEMPORARY TABLE scratch (n int)"))
    keeping.commit()
    keeping.execute(sa.text("INSERT INTO scratch VALUES (1)"))
    keeping.rollback()
    assert keeping.execute(sa.text("SELECT count(*) FROM scratch")).scalar_one() == 0


def test_a_failed_transaction_rolls_back_and_the_connection_goes_on(
    keeping: sa.Connection,
) -> None:
    with pytest.raises(sa.exc.DBAPIError):
        keeping.execute(sa.text("SELECT 1 / 0"))
    keeping.rollback()  # psycopg's own way: it forgets its statements here
    assert keeping.execute(READ, {"floor": 0}).scalar_one() >= 0


def test_the_app_uses_the_keeping_connection(app: Flask) -> None:
    with app.app_context():
        raw = db.session.connection().connection.dbapi_connection
        db.session.rollback()
    assert type(raw).__name__ == "KeepingPrepared"
    assert raw.prepared_max == PREPARED_MAX  # more than a worker's distinct statements


def test_a_connection_lost_mid_transaction_is_dropped_from_the_pool(app: Flask) -> None:
    with app.app_context():
        url = db.engine.url
    made = sa.create_engine(url, pool_size=1)
    keep_prepared_statements(made)
    try:
        with made.connect() as connection:
            pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
            with made.connect().execution_options(isolation_level="AUTOCOMMIT") as other:
                other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            with pytest.raises(sa.exc.DBAPIError) as lost:
                connection.rollback()
            assert lost.value.connection_invalidated
        with made.connect() as connection:  # a new connection, not the dead one
            assert connection.execute(sa.text("SELECT pg_backend_pid()")).scalar_one() != pid
    finally:
        made.dispose()
