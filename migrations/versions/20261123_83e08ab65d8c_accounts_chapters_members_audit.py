"""Accounts, chapters, members and the audit trail.

Revision ID: 83e08ab65d8c
Revises: 
Create Date: 2026-11-23 16:26:07.385032

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '83e08ab65d8c'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chapters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('meeting_weekday', sa.SmallInteger(), nullable=False),
    sa.Column('meeting_time', sa.Time(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('location', sa.String(length=200), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('presenters_per_meeting', sa.SmallInteger(), nullable=False),
    sa.Column('absence_limit', sa.SmallInteger(), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('absence_limit >= 1', name=op.f('ck_chapters_absence_limit_positive')),
    sa.CheckConstraint('meeting_weekday BETWEEN 0 AND 6', name=op.f('ck_chapters_meeting_weekday_range')),
    sa.CheckConstraint('presenters_per_meeting BETWEEN 1 AND 2', name=op.f('ck_chapters_presenters_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chapters')),
    sa.UniqueConstraint('name', name=op.f('uq_chapters_name'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('first_name', sa.String(length=80), nullable=False),
    sa.Column('last_name', sa.String(length=80), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=True),
    sa.Column('is_platform_admin', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('chapter_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('subject_type', sa.String(length=64), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_events_actor_id_users'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['chapter_id'], ['chapters.id'], name=op.f('fk_audit_events_chapter_id_chapters'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_chapter_id'), ['chapter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_events_created_at'), ['created_at'], unique=False)

    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('chapter_id', sa.Integer(), nullable=False),
    sa.Column('business_name', sa.String(length=120), nullable=False),
    sa.Column('classification', sa.String(length=80), nullable=False),
    sa.Column('classification_key', sa.String(length=80), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('website', sa.String(length=200), nullable=False),
    sa.Column('offer', sa.Text(), nullable=False),
    sa.Column('ask', sa.Text(), nullable=False),
    sa.Column('joined_on', sa.Date(), nullable=False),
    sa.Column('renewal_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('active', 'on_leave', 'left', name='member_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('left_on', sa.Date(), nullable=True),
    sa.Column('position', sa.Enum('president', 'vice_president', 'secretary_treasurer', name='member_position', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('sponsor_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'left') = (left_on IS NOT NULL)", name=op.f('ck_members_left_on_iff_left')),
    sa.CheckConstraint('sponsor_id IS NULL OR sponsor_id <> id', name=op.f('ck_members_not_own_sponsor')),
    sa.ForeignKeyConstraint(['chapter_id'], ['chapters.id'], name=op.f('fk_members_chapter_id_chapters'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['sponsor_id'], ['members.id'], name=op.f('fk_members_sponsor_id_members'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_members_user_id_users'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members')),
    sa.UniqueConstraint('user_id', name=op.f('uq_members_user_id'))
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_members_chapter_id'), ['chapter_id'], unique=False)
        batch_op.create_index('uq_members_active_classification', ['chapter_id', 'classification_key'], unique=True, sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'"))



def downgrade():
    op.drop_index('uq_members_active_classification', table_name='members')
    op.drop_index(op.f('ix_members_chapter_id'), table_name='members')

    op.drop_table('members')
    op.drop_index(op.f('ix_audit_events_created_at'), table_name='audit_events')
    op.drop_index(op.f('ix_audit_events_chapter_id'), table_name='audit_events')

    op.drop_table('audit_events')
    op.drop_table('users')
    op.drop_table('chapters')
