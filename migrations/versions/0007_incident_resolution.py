"""scheduler failures are resolved (kept and shown as resolved) instead of deleted or left stale

Revision ID: 0007_incident_resolution
Revises: 0006_number_counters
Create Date: 2026-12-02 20:40:00
"""

from alembic import op
import sqlalchemy as sa
import models


revision = "0007_incident_resolution"
down_revision = "0006_number_counters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("scheduler_failure") as batch:
        batch.add_column(sa.Column("resolved_at", models.base.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("resolution", sa.String(length=200), server_default="", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("scheduler_failure") as batch:
        batch.drop_column("resolution")
        batch.drop_column("resolved_at")
