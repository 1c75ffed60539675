"""delivery engine: claim owner, outbox, partial indexes for every claim

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 11:40:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _partial(name: str, table: str, column: str, where: str, sqlite_where: str | None = None) -> None:
    op.create_index(
        name,
        table,
        [column],
        unique=False,
        postgresql_where=sa.text(where),
        sqlite_where=sa.text(sqlite_where or where),
    )


def upgrade() -> None:
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=64), nullable=True))
        batch_op.drop_index('ix_deliveries_status_next_attempt_at')
        batch_op.drop_index('ix_deliveries_nudge_due_at')
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.SmallInteger(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('lease_until', sa.DateTime(), nullable=True),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    _partial(
        'ix_families_due',
        'families',
        'next_send_at',
        'active IS true AND onboarded_at IS NOT NULL',
        'active IS 1 AND onboarded_at IS NOT NULL',
    )
    _partial('ix_deliveries_queued', 'deliveries', 'next_attempt_at', "status = 'queued'")
    _partial('ix_deliveries_sending_lease', 'deliveries', 'lease_until', "status = 'sending'")
    _partial(
        'ix_deliveries_nudge_due',
        'deliveries',
        'nudge_due_at',
        "status = 'sent' AND nudge_status IS NULL AND nudge_due_at IS NOT NULL",
    )
    _partial('ix_deliveries_nudge_lease', 'deliveries', 'lease_until', "nudge_status = 'sending'")
    _partial('ix_outbox_queued', 'outbox', 'next_attempt_at', "status = 'queued'")
    _partial('ix_outbox_sending_lease', 'outbox', 'lease_until', "status = 'sending'")


def downgrade() -> None:
    for name, table in (
        ('ix_outbox_sending_lease', 'outbox'),
        ('ix_outbox_queued', 'outbox'),
        ('ix_deliveries_nudge_lease', 'deliveries'),
        ('ix_deliveries_nudge_due', 'deliveries'),
        ('ix_deliveries_sending_lease', 'deliveries'),
        ('ix_deliveries_queued', 'deliveries'),
        ('ix_families_due', 'families'),
    ):
        op.drop_index(name, table_name=table)
    op.drop_table('outbox')
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_deliveries_nudge_due_at', ['nudge_due_at'], unique=False)
        batch_op.create_index('ix_deliveries_status_next_attempt_at', ['status', 'next_attempt_at'], unique=False)
        batch_op.drop_column('claimed_by')
