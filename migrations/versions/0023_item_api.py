"""item_api: instructed items registered through the open API (no registering user; the client's name and the
city system's own number, unique)

Revision ID: 0023_item_api
Revises: 0022_webhooks
Create Date: 2026-12-03 16:05:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0023_item_api'
down_revision = '0022_webhooks'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('supervised_item') as batch:
        batch.alter_column('registered_by_id', existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column('api_client_name', sa.String(length=64), server_default='', nullable=False))
        batch.add_column(sa.Column('external_ref', sa.String(length=64), nullable=True))
        batch.create_unique_constraint('uq_supervised_item_external_ref', ['external_ref'])


def downgrade() -> None:
    with op.batch_alter_table('supervised_item') as batch:
        batch.drop_constraint('uq_supervised_item_external_ref', type_='unique')
        batch.drop_column('external_ref')
        batch.drop_column('api_client_name')
        batch.alter_column('registered_by_id', existing_type=sa.Integer(), nullable=False)
