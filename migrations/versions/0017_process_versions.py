"""process versions numbered per process (v1, v2, ...) and instance migrations between versions (undoable)

Revision ID: 0017_process_versions
Revises: 0016_ops
Create Date: 2026-12-03 12:10:00
"""

from alembic import op
import sqlalchemy as sa
import models


revision = '0017_process_versions'
down_revision = '0016_ops'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('process_version') as batch:
        batch.add_column(sa.Column('number', sa.Integer(), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, process_id FROM process_version ORDER BY id")).all()
    seen: dict[str, int] = {}
    for version_id, process_id in rows:
        seen[process_id] = seen.get(process_id, 0) + 1
        conn.execute(sa.text("UPDATE process_version SET number = :n WHERE id = :id"),
                     {"n": seen[process_id], "id": version_id})
    with op.batch_alter_table('process_version') as batch:
        batch.alter_column('number', existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint('process_version_number', ['process_id', 'number'])
    op.create_table('process_migration',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('from_version_id', sa.Integer(), nullable=False),
    sa.Column('to_version_id', sa.Integer(), nullable=False),
    sa.Column('mapping', sa.JSON(), nullable=False),
    sa.Column('old_state', sa.Text(), nullable=False),
    sa.Column('old_steps', sa.JSON(), nullable=False),
    sa.Column('lock_version_after', sa.Integer(), nullable=False),
    sa.Column('migrated_by_id', sa.Integer(), nullable=True),
    sa.Column('migrated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.Column('undone_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['from_version_id'], ['process_version.id'], ),
    sa.ForeignKeyConstraint(['to_version_id'], ['process_version.id'], ),
    sa.ForeignKeyConstraint(['migrated_by_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['undone_by_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_process_migration_instance_id'), 'process_migration', ['instance_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_process_migration_instance_id'), table_name='process_migration')
    op.drop_table('process_migration')
    with op.batch_alter_table('process_version') as batch:
        batch.drop_constraint('process_version_number', type_='unique')
        batch.drop_column('number')
