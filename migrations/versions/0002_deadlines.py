"""deadlines: clock rules, extension requests, clock events, urges, overdue records, notifications,
scheduler failures; clock columns on supervised_item and the alert ladder on work_item

Revision ID: 0002_deadlines
Revises: 0001_foundation
"""

from alembic import op
import sqlalchemy as sa
import models


revision = '0002_deadlines'
down_revision = '0001_foundation'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scheduler_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('first_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('incident', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scheduler_failure')),
    sa.UniqueConstraint('key', name=op.f('uq_scheduler_failure_key'))
    )

    with op.batch_alter_table('scheduler_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scheduler_failure_incident'), ['incident'], unique=False)

    op.create_table('clock_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.Integer(), nullable=False),
    sa.Column('step', sa.String(length=64), nullable=False),
    sa.Column('unit', sa.String(length=16), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('same_day', sa.Boolean(), nullable=False),
    sa.Column('yellow_pct', sa.Integer(), nullable=False),
    sa.Column('red_workdays', sa.Integer(), nullable=False),
    sa.Column('escalate_workdays', sa.Integer(), nullable=False),
    sa.Column('pause_on_suspend', sa.Boolean(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("unit IN ('workday', 'day', 'hour')", name=op.f('ck_clock_rule_unit_values')),
    sa.CheckConstraint('amount >= 1', name=op.f('ck_clock_rule_amount_positive')),
    sa.CheckConstraint('red_workdays >= 0 AND escalate_workdays >= 0', name=op.f('ck_clock_rule_ladder_non_negative')),
    sa.CheckConstraint('yellow_pct BETWEEN 1 AND 99', name=op.f('ck_clock_rule_yellow_range')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_clock_rule_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clock_rule')),
    sa.UniqueConstraint('family', 'kind', 'step', name='family_kind_step')
    )

    op.create_table('extension_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('old_deadline_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('requested_deadline_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('approver_group', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.CheckConstraint("approver_group IN ('coordination', 'leader')", name=op.f('ck_extension_request_approver_values')),
    sa.CheckConstraint("status = 'pending' OR decided_at IS NOT NULL", name=op.f('ck_extension_request_decided_has_time')),
    sa.CheckConstraint("status IN ('pending', 'approved', 'refused')", name=op.f('ck_extension_request_status_values')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_extension_request_decided_by_id_user')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_extension_request_requested_by_id_user')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_extension_request_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extension_request'))
    )

    with op.batch_alter_table('extension_request', schema=None) as batch_op:
        batch_op.create_index('ix_extension_request_status', ['status', 'approver_group'], unique=False)
        batch_op.create_index('ix_extension_request_subject', ['family', 'subject_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('task_uuid', sa.String(length=36), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('email_status', sa.String(length=16), nullable=False),
    sa.Column('emailed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("email_status IN ('none', 'pending', 'sending', 'sent', 'failed')", name=op.f('ck_notification_email_values')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification')),
    sa.UniqueConstraint('key', name=op.f('uq_notification_key'))
    )

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index('ix_notification_email', ['email_status'], unique=False)
        batch_op.create_index('ix_notification_user_read', ['user_id', 'read_at'], unique=False)

    op.create_table('notification_setting',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=False),
    sa.Column('email_enabled', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_notification_setting_user_id_user')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_notification_setting'))
    )

    op.create_table('overdue_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('task_uuid', sa.String(length=36), nullable=True),
    sa.Column('step', sa.String(length=64), nullable=False),
    sa.Column('step_name', sa.String(length=64), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('due_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('detected_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['user.id'], name=op.f('fk_overdue_record_assignee_id_user')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_overdue_record_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_overdue_record')),
    sa.UniqueConstraint('key', name=op.f('uq_overdue_record_key'))
    )

    with op.batch_alter_table('overdue_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_overdue_record_squad_id'), ['squad_id'], unique=False)
        batch_op.create_index('ix_overdue_record_subject', ['family', 'subject_id'], unique=False)

    op.create_table('urge',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('task_uuid', sa.String(length=36), nullable=False),
    sa.Column('step_name', sa.String(length=64), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=True),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('urged_by_id', sa.Integer(), nullable=False),
    sa.Column('urged_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_urge_squad_id_squad')),
    sa.ForeignKeyConstraint(['target_id'], ['user.id'], name=op.f('fk_urge_target_id_user')),
    sa.ForeignKeyConstraint(['urged_by_id'], ['user.id'], name=op.f('fk_urge_urged_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_urge'))
    )

    with op.batch_alter_table('urge', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_urge_squad_id'), ['squad_id'], unique=False)
        batch_op.create_index('ix_urge_subject', ['family', 'subject_id'], unique=False)

    op.create_table('clock_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('old_deadline_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('new_deadline_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('extension_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('extension_requested', 'extension_approved', 'extension_refused', 'suspended', 'resumed', 'urged', 'recomputed')", name=op.f('ck_clock_event_kind_values')),
    sa.ForeignKeyConstraint(['actor_id'], ['user.id'], name=op.f('fk_clock_event_actor_id_user')),
    sa.ForeignKeyConstraint(['extension_id'], ['extension_request.id'], name=op.f('fk_clock_event_extension_id_extension_request')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clock_event'))
    )

    with op.batch_alter_table('clock_event', schema=None) as batch_op:
        batch_op.create_index('ix_clock_event_subject', ['family', 'subject_id'], unique=False)

    with op.batch_alter_table('supervised_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_basis', sa.String(length=16), server_default='rule', nullable=False))
        batch_op.add_column(sa.Column('suspended_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('alert_stage', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_alert_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('extension_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('urge_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_supervised_item_next_alert_at'), ['next_alert_at'], unique=False)

    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_alert_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('alert_stage', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_work_item_next_alert_at'), ['next_alert_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('work_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_item_next_alert_at'))
        batch_op.drop_column('alert_stage')
        batch_op.drop_column('next_alert_at')

    with op.batch_alter_table('supervised_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervised_item_next_alert_at'))
        batch_op.drop_column('urge_count')
        batch_op.drop_column('extension_count')
        batch_op.drop_column('next_alert_at')
        batch_op.drop_column('alert_stage')
        batch_op.drop_column('suspended_at')
        batch_op.drop_column('deadline_basis')

    with op.batch_alter_table('clock_event', schema=None) as batch_op:
        batch_op.drop_index('ix_clock_event_subject')

    op.drop_table('clock_event')

    with op.batch_alter_table('urge', schema=None) as batch_op:
        batch_op.drop_index('ix_urge_subject')
        batch_op.drop_index(batch_op.f('ix_urge_squad_id'))

    op.drop_table('urge')

    with op.batch_alter_table('overdue_record', schema=None) as batch_op:
        batch_op.drop_index('ix_overdue_record_subject')
        batch_op.drop_index(batch_op.f('ix_overdue_record_squad_id'))

    op.drop_table('overdue_record')

    op.drop_table('notification_setting')

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index('ix_notification_user_read')
        batch_op.drop_index('ix_notification_email')

    op.drop_table('notification')

    with op.batch_alter_table('extension_request', schema=None) as batch_op:
        batch_op.drop_index('ix_extension_request_subject')
        batch_op.drop_index('ix_extension_request_status')

    op.drop_table('extension_request')

    op.drop_table('clock_rule')

    with op.batch_alter_table('scheduler_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scheduler_failure_incident'))

    op.drop_table('scheduler_failure')
