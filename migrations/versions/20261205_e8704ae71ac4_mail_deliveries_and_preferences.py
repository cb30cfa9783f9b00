"""Scheduled mail: the sent-mail ledger (one row per member, kind and period, claimed by a
unique insert before sending), members' mail preferences and each chapter's defaults.

Revision ID: e8704ae71ac4
Revises: bc70cd68fe11
Create Date: 2026-12-05 17:24:40.944534

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8704ae71ac4'
down_revision = 'bc70cd68fe11'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chapter_mail_settings',
    sa.Column('chapter_id', sa.Integer(), nullable=False),
    sa.Column('digest_default', sa.Boolean(), nullable=False),
    sa.Column('reminders_default', sa.Boolean(), nullable=False),
    sa.Column('send_hour', sa.SmallInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('send_hour BETWEEN 0 AND 23', name=op.f('ck_chapter_mail_settings_send_hour_range')),
    sa.ForeignKeyConstraint(['chapter_id'], ['chapters.id'], name=op.f('fk_chapter_mail_settings_chapter_id_chapters'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('chapter_id', name=op.f('pk_chapter_mail_settings'))
    )
    op.create_table('mail_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('digest', 'leader_digest', 'reminder', name='mail_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('period_key', sa.String(length=40), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_mail_deliveries_member_id_members'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_deliveries')),
    sa.UniqueConstraint('member_id', 'kind', 'period_key', name=op.f('uq_mail_deliveries_member_id_kind_period_key'))
    )
    op.create_index('ix_mail_deliveries_kind_period_key', 'mail_deliveries', ['kind', 'period_key'], unique=False)
    op.create_table('mail_preferences',
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.Boolean(), nullable=True),
    sa.Column('reminders', sa.Boolean(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_mail_preferences_member_id_members'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('member_id', name=op.f('pk_mail_preferences'))
    )


def downgrade():
    op.drop_table('mail_preferences')
    op.drop_index('ix_mail_deliveries_kind_period_key', table_name='mail_deliveries')
    op.drop_table('mail_deliveries')
    op.drop_table('chapter_mail_settings')
