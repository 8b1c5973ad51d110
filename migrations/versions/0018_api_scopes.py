"""API tokens get scopes and an expiry; every API call is logged (existing tokens keep petitions:write)

Revision ID: 0018_api_scopes
Revises: 0017_process_versions
Create Date: 2026-12-03 13:00:00
"""

from alembic import op
import sqlalchemy as sa
import models


revision = '0018_api_scopes'
down_revision = '0017_process_versions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_client') as batch:
        batch.add_column(sa.Column('scopes', sa.String(length=200), server_default='petitions:write', nullable=False))
        batch.add_column(sa.Column('expires_at', models.base.UTCDateTime(timezone=True), nullable=True))
    op.create_table('api_call',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('method', sa.String(length=8), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['api_client.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_api_call_at'), 'api_call', ['at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_api_call_at'), table_name='api_call')
    op.drop_table('api_call')
    with op.batch_alter_table('api_client') as batch:
        batch.drop_column('expires_at')
        batch.drop_column('scopes')
