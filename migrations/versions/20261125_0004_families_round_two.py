"""families round two: note sharing per therapist link, co-parent invites, custom days, decision history

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 11:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('caregiver_invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['family_id'], ['families.id'], name=op.f('fk_caregiver_invites_family_id_families'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_caregiver_invites')),
    sa.UniqueConstraint('code', name=op.f('uq_caregiver_invites_code'))
    )
    with op.batch_alter_table('caregiver_invites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_caregiver_invites_family_id'), ['family_id'], unique=False)

    op.create_table('therapist_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('therapist_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('by', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['therapist_id'], ['therapists.id'], name=op.f('fk_therapist_decisions_therapist_id_therapists'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_therapist_decisions'))
    )
    with op.batch_alter_table('therapist_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_therapist_decisions_therapist_id'), ['therapist_id'], unique=False)

    with op.batch_alter_table('therapist_links', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_notes', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('notes_shared_since', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('quiet_alert_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note_at', sa.DateTime(), nullable=True))

    # The old family-wide switch becomes each link's own. Notes written before now were written under
    # "It stays private to your family", so sharing counts only from this moment.
    op.execute(
        "UPDATE therapist_links SET share_notes = TRUE, notes_shared_since = CURRENT_TIMESTAMP "
        "WHERE family_id IN (SELECT id FROM families WHERE share_notes = TRUE)"
    )
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.add_column(sa.Column('custom_days', sa.SmallInteger(), nullable=True))
        batch_op.drop_column('share_notes')

    with op.batch_alter_table('therapist_links', schema=None) as batch_op:
        batch_op.alter_column('share_notes', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.add_column(sa.Column('share_notes', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.drop_column('custom_days')
    op.execute(
        "UPDATE families SET share_notes = TRUE "
        "WHERE id IN (SELECT family_id FROM therapist_links WHERE share_notes = TRUE AND status = 'active')"
    )
    with op.batch_alter_table('families', schema=None) as batch_op:
        batch_op.alter_column('share_notes', server_default=None)
    with op.batch_alter_table('responses', schema=None) as batch_op:
        batch_op.drop_column('note_at')
    with op.batch_alter_table('therapist_links', schema=None) as batch_op:
        batch_op.drop_column('quiet_alert_at')
        batch_op.drop_column('notes_shared_since')
        batch_op.drop_column('share_notes')
    with op.batch_alter_table('therapist_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_therapist_decisions_therapist_id'))
    op.drop_table('therapist_decisions')
    with op.batch_alter_table('caregiver_invites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_caregiver_invites_family_id'))
    op.drop_table('caregiver_invites')
