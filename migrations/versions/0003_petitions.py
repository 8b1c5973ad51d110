"""petitions: petitions, repeat candidates, callbacks, spot checks, findings, API clients, import jobs

Revision ID: 0003_petitions
Revises: 0002_deadlines
Create Date: 2026-11-27 04:10:00
"""

from alembic import op
import sqlalchemy as sa
import models


revision = '0003_petitions'
down_revision = '0002_deadlines'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_client',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_client')),
    sa.UniqueConstraint('name', name=op.f('uq_api_client_name')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_client_token_hash'))
    )
    op.create_table('petition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('petitioner_name', sa.String(length=64), nullable=False),
    sa.Column('petitioner_phone', sa.String(length=32), nullable=False),
    sa.Column('petitioner_id_no', sa.String(length=32), nullable=False),
    sa.Column('phone_norm', sa.String(length=20), nullable=True),
    sa.Column('id_norm', sa.String(length=20), nullable=True),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('address_key', sa.String(length=200), nullable=True),
    sa.Column('street', sa.String(length=64), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('received_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('external_ref', sa.String(length=64), nullable=True),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('current_step_name', sa.String(length=64), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=True),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('chain_id', sa.Integer(), nullable=True),
    sa.Column('repeat_of_id', sa.Integer(), nullable=True),
    sa.Column('difficult', sa.Boolean(), nullable=False),
    sa.Column('accept_due_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('conclude_due_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('extended_due_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rectify_due_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deadline_provisional', sa.Boolean(), nullable=False),
    sa.Column('accept_notified_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('replied_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('first_closed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('closed_on_time', sa.Boolean(), nullable=True),
    sa.Column('return_count', sa.Integer(), nullable=False),
    sa.Column('reopen_count', sa.Integer(), nullable=False),
    sa.Column('satisfaction', sa.String(length=16), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('registered_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("channel IN ('hotline', 'letter', 'visit', 'online', 'other')", name=op.f('ck_petition_channel_values')),
    sa.CheckConstraint("status = 'open' OR closed_at IS NOT NULL", name=op.f('ck_petition_closed_has_time')),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_petition_status_values')),
    sa.ForeignKeyConstraint(['handler_id'], ['user.id'], name=op.f('fk_petition_handler_id_user')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_petition_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user.id'], name=op.f('fk_petition_registered_by_id_user')),
    sa.ForeignKeyConstraint(['repeat_of_id'], ['petition.id'], name=op.f('fk_petition_repeat_of_id_petition')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_petition_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition')),
    sa.UniqueConstraint('external_ref', name=op.f('uq_petition_external_ref')),
    sa.UniqueConstraint('number', name=op.f('uq_petition_number'))
    )
    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_address_key'), ['address_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_chain_id'), ['chain_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_closed_at'), ['closed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_conclude_due_at'), ['conclude_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_content_hash'), ['content_hash'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_first_closed_at'), ['first_closed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_id_norm'), ['id_norm'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_phone_norm'), ['phone_norm'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_squad_id'), ['squad_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_status'), ['status'], unique=False)
        batch_op.create_index('ix_petition_street_category_received', ['street', 'category', 'received_at'], unique=False)

    op.create_table('petition_callback_plan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=False),
    sa.Column('sample_percent', sa.Integer(), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_petition_callback_plan_created_by_id_user')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_petition_callback_plan_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_callback_plan')),
    sa.UniqueConstraint('month', 'squad_id', name='month_squad')
    )
    op.create_table('petition_import_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('rows', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('processed_rows', sa.Integer(), nullable=False),
    sa.Column('created_count', sa.Integer(), nullable=False),
    sa.Column('duplicate_count', sa.Integer(), nullable=False),
    sa.Column('refused_count', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('running', 'done', 'failed')", name=op.f('ck_petition_import_job_status_values')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_petition_import_job_created_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_import_job'))
    )
    op.create_table('petition_callback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('satisfaction', sa.String(length=16), nullable=True),
    sa.Column('solved', sa.Boolean(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('called_by_id', sa.Integer(), nullable=True),
    sa.Column('called_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'unreached', 'done')", name=op.f('ck_petition_callback_status_values')),
    sa.ForeignKeyConstraint(['called_by_id'], ['user.id'], name=op.f('fk_petition_callback_called_by_id_user')),
    sa.ForeignKeyConstraint(['petition_id'], ['petition.id'], name=op.f('fk_petition_callback_petition_id_petition')),
    sa.ForeignKeyConstraint(['plan_id'], ['petition_callback_plan.id'], name=op.f('fk_petition_callback_plan_id_petition_callback_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_callback')),
    sa.UniqueConstraint('plan_id', 'petition_id', name='plan_petition')
    )
    with op.batch_alter_table('petition_callback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_callback_petition_id'), ['petition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_callback_plan_id'), ['plan_id'], unique=False)

    op.create_table('petition_finding',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=True),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('classification', sa.String(length=16), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("classification IN ('inaction', 'slow', 'wrongful', 'violation')", name=op.f('ck_petition_finding_class_values')),
    sa.CheckConstraint("source IN ('callback', 'spot_check', 'handling')", name=op.f('ck_petition_finding_source_values')),
    sa.ForeignKeyConstraint(['petition_id'], ['petition.id'], name=op.f('fk_petition_finding_petition_id_petition')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_petition_finding_recorded_by_id_user')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_petition_finding_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_finding'))
    )
    with op.batch_alter_table('petition_finding', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_finding_petition_id'), ['petition_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_finding_squad_id'), ['squad_id'], unique=False)

    op.create_table('petition_import_row',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('message', sa.String(length=300), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['job_id'], ['petition_import_job.id'], name=op.f('fk_petition_import_row_job_id_petition_import_job'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['petition_id'], ['petition.id'], name=op.f('fk_petition_import_row_petition_id_petition')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_import_row')),
    sa.UniqueConstraint('job_id', 'row_number', name='job_row')
    )
    with op.batch_alter_table('petition_import_row', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_import_row_job_id'), ['job_id'], unique=False)

    op.create_table('petition_repeat_candidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('candidate_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'confirmed', 'rejected')", name=op.f('ck_petition_repeat_candidate_status_values')),
    sa.ForeignKeyConstraint(['candidate_id'], ['petition.id'], name=op.f('fk_petition_repeat_candidate_candidate_id_petition'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_petition_repeat_candidate_decided_by_id_user')),
    sa.ForeignKeyConstraint(['petition_id'], ['petition.id'], name=op.f('fk_petition_repeat_candidate_petition_id_petition'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_repeat_candidate')),
    sa.UniqueConstraint('petition_id', 'candidate_id', name='pair')
    )
    with op.batch_alter_table('petition_repeat_candidate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_repeat_candidate_petition_id'), ['petition_id'], unique=False)

    op.create_table('petition_spot_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('petition_id', sa.Integer(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("result IN ('ok', 'problem')", name=op.f('ck_petition_spot_check_result_values')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['user.id'], name=op.f('fk_petition_spot_check_checked_by_id_user')),
    sa.ForeignKeyConstraint(['petition_id'], ['petition.id'], name=op.f('fk_petition_spot_check_petition_id_petition')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_petition_spot_check'))
    )
    with op.batch_alter_table('petition_spot_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_petition_spot_check_petition_id'), ['petition_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('petition_spot_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_spot_check_petition_id'))

    op.drop_table('petition_spot_check')
    with op.batch_alter_table('petition_repeat_candidate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_repeat_candidate_petition_id'))

    op.drop_table('petition_repeat_candidate')
    with op.batch_alter_table('petition_import_row', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_import_row_job_id'))

    op.drop_table('petition_import_row')
    with op.batch_alter_table('petition_finding', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_finding_squad_id'))
        batch_op.drop_index(batch_op.f('ix_petition_finding_petition_id'))

    op.drop_table('petition_finding')
    with op.batch_alter_table('petition_callback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_callback_plan_id'))
        batch_op.drop_index(batch_op.f('ix_petition_callback_petition_id'))

    op.drop_table('petition_callback')
    op.drop_table('petition_import_job')
    op.drop_table('petition_callback_plan')
    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.drop_index('ix_petition_street_category_received')
        batch_op.drop_index(batch_op.f('ix_petition_status'))
        batch_op.drop_index(batch_op.f('ix_petition_squad_id'))
        batch_op.drop_index(batch_op.f('ix_petition_received_at'))
        batch_op.drop_index(batch_op.f('ix_petition_phone_norm'))
        batch_op.drop_index(batch_op.f('ix_petition_id_norm'))
        batch_op.drop_index(batch_op.f('ix_petition_first_closed_at'))
        batch_op.drop_index(batch_op.f('ix_petition_content_hash'))
        batch_op.drop_index(batch_op.f('ix_petition_conclude_due_at'))
        batch_op.drop_index(batch_op.f('ix_petition_closed_at'))
        batch_op.drop_index(batch_op.f('ix_petition_chain_id'))
        batch_op.drop_index(batch_op.f('ix_petition_address_key'))

    op.drop_table('petition')
    op.drop_table('api_client')
