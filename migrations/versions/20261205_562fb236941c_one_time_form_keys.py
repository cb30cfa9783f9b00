"""One-time form keys: a create form sent twice makes one row.

Each table a create form writes gets a nullable, unique ``form_key`` (None for older rows and
for rows made without a form: imports, the CLI, the API); a meeting keeps the key of its last
roster save in ``roster_form_key``.

Revision ID: 562fb236941c
Revises: 49e9386ab599
Create Date: 2026-12-05 19:43:14.179590

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "562fb236941c"
down_revision = "49e9386ab599"
branch_labels = None
depends_on = None

KEYED = [
    ("education_credits", "form_key"),
    ("import_batches", "form_key"),
    ("meetings", "roster_form_key"),
    ("members", "form_key"),
    ("one_to_ones", "form_key"),
    ("referral_slips", "form_key"),
    ("testimonials", "form_key"),
    ("thank_yous", "form_key"),
]


def upgrade():
    for table, column in KEYED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column(column, sa.String(length=64), nullable=True))
            batch_op.create_index(f"ix_{table}_{column}", [column], unique=True)


def downgrade():
    for table, column in reversed(KEYED):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_{column}")
            batch_op.drop_column(column)
