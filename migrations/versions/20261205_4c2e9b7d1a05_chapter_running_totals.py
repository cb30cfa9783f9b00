"""Per-chapter running totals (every summary column summed up to each week, and meetings held),
so region-wide pages read two rows per chapter whatever the length of its history; filled here
from chapter_weekly_totals and meetings, then kept by chapter.leaderboard.weekly_totals.

Revision ID: 4c2e9b7d1a05
Revises: 562fb236941c
Create Date: 2026-12-05 20:45:00.000000

"""

from alembic import op
import sqlalchemy as sa


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

# revision identifiers, used by Alembic.
revision = "4c2e9b7d1a05"
down_revision = "562fb236941c"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "chapter_running_totals",
        sa.Column("chapter_id", sa.Integer(), nullable=False),
        sa.Column("week_on", sa.Date(), nullable=False),
        sa.Column("held_meetings", sa.Integer(), nullable=False),
        *(sa.Column(name, sa.BigInteger(), nullable=False) for name in COLUMNS),
        sa.ForeignKeyConstraint(
            ["chapter_id"],
            ["chapters.id"],
            name=op.f("fk_chapter_running_totals_chapter_id_chapters"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("chapter_id", "week_on", name=op.f("pk_chapter_running_totals")),
    )
    zeros = ", ".join(f"0 AS {name}" for name in COLUMNS)
    names = ", ".join(COLUMNS)
    sums = ", ".join(f"sum({name}) AS {name}" for name in COLUMNS)
    running = ", ".join(f"sum({name}) OVER w" for name in COLUMNS)
    op.execute(
        f"INSERT INTO chapter_running_totals (chapter_id, week_on, held_meetings, {names}) "
        f"SELECT chapter_id, week_on, sum(held) OVER w, {running} FROM ("
        f"  SELECT chapter_id, week_on, sum(held) AS held, {sums} FROM ("
        f"    SELECT chapter_id, week_on, 0 AS held, {names} FROM chapter_weekly_totals"
        f"    UNION ALL"
        f"    SELECT chapter_id, meets_on AS week_on, 1 AS held, {zeros} FROM meetings"
        f"    WHERE NOT is_cancelled AND roster_completed_at IS NOT NULL"
        f"  ) AS rows GROUP BY chapter_id, week_on"
        f") AS weeks WINDOW w AS (PARTITION BY chapter_id ORDER BY week_on "
        f"ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"
    )


def downgrade():
    op.drop_table("chapter_running_totals")
