"""A chapter's data version in the database: raised in the same transaction as every commit
that touches the chapter's rows, and read with the log-in check, so a cached page of the
member's own chapter is found without asking the cache for the version first
(chapter.platform.page_cache).

Revision ID: 5a8d3f6c2e19
Revises: 9c4f2b7e1d38
Create Date: 2026-12-06 03:25:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "5a8d3f6c2e19"
down_revision = "9c4f2b7e1d38"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("chapters") as batch_op:
        batch_op.add_column(
            sa.Column("data_version", sa.BigInteger(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("chapters") as batch_op:
        batch_op.drop_column("data_version")
