"""The migrations build the schema the models describe, and go down and up again."""

from __future__ import annotations

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from chapter import create_app
from chapter.extensions import db
from tests.support.databases import fresh_database

TABLES = {
    "chapters",
    "users",
    "members",
    "audit_events",
    "meetings",
    "attendance",
    "guests",
    "visits",
    "referral_slips",
    "thank_yous",
    "one_to_ones",
    "education_credits",
    "notifications",
    "presentations",
    "swap_requests",
    "weekly_totals",
    "chapter_weekly_totals",
}


@pytest.fixture
def migration_app(tmp_path):
    with fresh_database(tmp_path, "migrations") as url:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def table_names() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade_leaves_no_drift(migration_app) -> None:
    with migration_app.app_context():
        flask_migrate.upgrade()
        assert TABLES <= table_names()
        flask_migrate.downgrade(revision="base")
        assert table_names() == set()
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == []


def test_database_refuses_a_second_active_member_with_the_same_classification(
    migration_app,
) -> None:
    """The partial unique index is in the migrated schema, not only in the service."""
    with migration_app.app_context():
        flask_migrate.upgrade()
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO chapters (id, name, meeting_weekday, meeting_time, timezone, "
                    "location, currency, presenters_per_meeting, absence_limit, is_demo, created_at, "
                    "updated_at) VALUES (1, 'C', 1, '07:00:00', 'UTC', '', 'USD', 1, 3, false, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                )
            )
            for user_id in (1, 2, 3):
                connection.execute(
                    sa.text(
                        "INSERT INTO users (id, email, first_name, last_name, is_platform_admin, "
                        "created_at, updated_at) VALUES (:id, :email, 'A', 'B', false, "
                        "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    ),
                    {"id": user_id, "email": f"{user_id}@x.test"},
                )
        insert = sa.text(
            "INSERT INTO members (user_id, chapter_id, business_name, classification, "
            "classification_key, phone, website, offer, ask, joined_on, status, left_on, "
            "created_at, updated_at) VALUES (:user, 1, 'B', 'Plumber', 'plumber', '', '', '', "
            "'', '2026-01-01', :status, :left_on, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
        )
        with db.engine.begin() as connection:
            connection.execute(insert, {"user": 1, "status": "active", "left_on": None})
            # A member who left does not hold the classification any more.
            connection.execute(insert, {"user": 2, "status": "left", "left_on": "2026-02-01"})
        with pytest.raises(sa.exc.IntegrityError), db.engine.begin() as connection:
            connection.execute(insert, {"user": 3, "status": "active", "left_on": None})
