"""Per member and region window, the referrals given from the window's first week on, so the
region's top givers are one index read (chapter.leaderboard.giver_windows). Empty here: each
window is filled on its first view and kept by the weekly-summary commit hook.

Revision ID: 7b3d5e9f2a61
Revises: 4c2e9b7d1a05
Create Date: 2026-12-05 23:20:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "7b3d5e9f2a61"
down_revision = "4c2e9b7d1a05"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "giver_windows",
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("filled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("start_on", name=op.f("pk_giver_windows")),
    )
    op.create_table(
        "member_window_totals",
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("given", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_member_window_totals_member_id_members"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("start_on", "member_id", name=op.f("pk_member_window_totals")),
    )
    op.create_index(
        "ix_member_window_totals_rank",
        "member_window_totals",
        ["start_on", "given", "member_id"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_member_window_totals_rank", table_name="member_window_totals")
    op.drop_table("member_window_totals")
    op.drop_table("giver_windows")
