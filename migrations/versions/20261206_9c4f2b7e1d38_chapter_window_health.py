"""Each chapter's health score per region window, kept on its window row so the region view
ranks chapters by health reading one row each: ``changes`` counts the commits that touched the
chapter's rows, ``health_scored`` is the count the stored score was computed at (a score is
stale while they differ; chapter.admin.region scores the stale ones on the next view).

Revision ID: 9c4f2b7e1d38
Revises: 3e6a1c8d5b27
Create Date: 2026-12-06 03:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "9c4f2b7e1d38"
down_revision = "3e6a1c8d5b27"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("chapter_window_totals") as batch_op:
        batch_op.add_column(sa.Column("changes", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("health_total", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("health_scored", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("chapter_window_totals") as batch_op:
        batch_op.drop_column("health_scored")
        batch_op.drop_column("health_total")
        batch_op.drop_column("changes")
