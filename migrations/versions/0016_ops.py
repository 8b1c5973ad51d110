"""scheduler heartbeat (readiness, stale-scheduler alert, admin system page)

Revision ID: 0016_ops
Revises: 0015_speed
Create Date: 2026-12-03 12:00:00
"""

from alembic import op
import sqlalchemy as sa
import models


revision = '0016_ops'
down_revision = '0015_speed'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'scheduler_heartbeat',
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('host', sa.String(length=200), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.Column('interval_seconds', sa.Integer(), nullable=False),
        sa.Column('started_at', models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('beat_at', models.UTCDateTime(timezone=True), nullable=False),
        sa.Column('sweep_started_at', models.UTCDateTime(timezone=True), nullable=True),
        sa.Column('sweep_seconds', sa.Float(), nullable=True),
        sa.Column('last_result', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_heartbeat')),
    )


def downgrade() -> None:
    op.drop_table('scheduler_heartbeat')
