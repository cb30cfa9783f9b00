"""Testimonials: a member's testimonial for another member (spoken at a meeting or written,
optional text the receiver may publish), a ledger entry like the others (week, import batch,
void); and a testimonials count on the weekly summaries and on imported opening balances
(the PALMS summary's T column). Existing summary and balance rows start at 0: there were
no testimonials before, so no rebuild is needed.

Revision ID: 61f525f972b1
Revises: e8704ae71ac4
Create Date: 2026-12-05 17:44:30.965477

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '61f525f972b1'
down_revision = 'e8704ae71ac4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('testimonials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chapter_id', sa.Integer(), nullable=False),
    sa.Column('giver_id', sa.Integer(), nullable=False),
    sa.Column('receiver_id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=True),
    sa.Column('week_on', sa.Date(), nullable=False),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('spoken', 'written', name='testimonial_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('may_publish', sa.Boolean(), nullable=False),
    sa.Column('import_key', sa.String(length=64), nullable=True),
    sa.Column('import_batch_id', sa.Integer(), nullable=True),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('voided_by_id', sa.Integer(), nullable=True),
    sa.Column('void_reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('giver_id <> receiver_id', name=op.f('ck_testimonials_not_to_self')),
    sa.ForeignKeyConstraint(['chapter_id'], ['chapters.id'], name=op.f('fk_testimonials_chapter_id_chapters'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['giver_id'], ['members.id'], name=op.f('fk_testimonials_giver_id_members'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['import_batch_id'], ['import_batches.id'], name=op.f('fk_testimonials_import_batch_id_import_batches'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_testimonials_meeting_id_meetings'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['receiver_id'], ['members.id'], name=op.f('fk_testimonials_receiver_id_members'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['voided_by_id'], ['users.id'], name=op.f('fk_testimonials_voided_by_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_testimonials'))
    )
    with op.batch_alter_table('testimonials', schema=None) as batch_op:
        batch_op.create_index('ix_testimonials_chapter_id_week_on', ['chapter_id', 'week_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_testimonials_giver_id'), ['giver_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_testimonials_import_batch_id'), ['import_batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_testimonials_receiver_id'), ['receiver_id'], unique=False)

    with op.batch_alter_table('chapter_weekly_totals', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('testimonials', sa.Integer(), nullable=False, server_default='0')
        )

    with op.batch_alter_table('opening_balances', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('testimonials', sa.Integer(), nullable=False, server_default='0')
        )

    with op.batch_alter_table('weekly_totals', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('testimonials', sa.Integer(), nullable=False, server_default='0')
        )



def downgrade():
    with op.batch_alter_table('weekly_totals', schema=None) as batch_op:
        batch_op.drop_column('testimonials')

    with op.batch_alter_table('opening_balances', schema=None) as batch_op:
        batch_op.drop_column('testimonials')

    with op.batch_alter_table('chapter_weekly_totals', schema=None) as batch_op:
        batch_op.drop_column('testimonials')

    with op.batch_alter_table('testimonials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_testimonials_receiver_id'))
        batch_op.drop_index(batch_op.f('ix_testimonials_import_batch_id'))
        batch_op.drop_index(batch_op.f('ix_testimonials_giver_id'))
        batch_op.drop_index('ix_testimonials_chapter_id_week_on')

    op.drop_table('testimonials')
