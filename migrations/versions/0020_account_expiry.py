"""Accounts can expire (guest reviewers end with their round's period); existing accounts never expire

Revision ID: 0020_account_expiry
Revises: 0019_rollups
Create Date: 2026-12-03 15:40:00
"""

from alembic import op
import sqlalchemy as sa
import models


revision = '0020_account_expiry'
down_revision = '0019_rollups'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.add_column(sa.Column('expires_at', models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.drop_column('expires_at')
