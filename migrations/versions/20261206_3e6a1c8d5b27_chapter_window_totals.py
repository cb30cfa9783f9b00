"""Per chapter and region window, every running column summed over the window, so the region
view (ranked by health too) reads one row per chapter (chapter.leaderboard.giver_windows).
Empty here: the windows already filled are marked unfilled, so their next view fills the
chapters' rows too (the members' rows are kept: a fill never overwrites).

Revision ID: 3e6a1c8d5b27
Revises: 7b3d5e9f2a61
Create Date: 2026-12-06 03:05:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "3e6a1c8d5b27"
down_revision = "7b3d5e9f2a61"
branch_labels = None
depends_on = None

COLUMNS = (
    "given_inside",
    "given_outside",
    "received_inside",
    "received_outside",
    "one_to_ones",
    "visitors",
    "education_credits",
    "testimonials",
    "present",
    "absent",
    "late",
    "medical",
    "substitute",
    "tyfcb_credited_cents",
    "tyfcb_thanked_cents",
)


def upgrade():
    op.create_table(
        "chapter_window_totals",
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("chapter_id", sa.Integer(), nullable=False),
        sa.Column("held_meetings", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in COLUMNS),
        sa.ForeignKeyConstraint(
            ["chapter_id"],
            ["chapters.id"],
            name=op.f("fk_chapter_window_totals_chapter_id_chapters"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("start_on", "chapter_id", name=op.f("pk_chapter_window_totals")),
    )
    op.execute("UPDATE giver_windows SET filled_at = NULL")


def downgrade():
    op.drop_table("chapter_window_totals")
