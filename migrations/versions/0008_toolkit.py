"""one 督办 toolkit: the clock on every family, the subject projection, CC, follow-up dates, saved filters,
supervision orders, delegation and withdrawal on open steps, versioned clock rules, clock requests

Revision ID: 0008_toolkit
Revises: 0007_incident_resolution
Create Date: 2026-12-02 21:40:00
"""

from alembic import op
import sqlalchemy as sa
import models


revision = '0008_toolkit'
down_revision = '0007_incident_resolution'
branch_labels = None
depends_on = None

EVENT_KINDS = ("kind IN ('extension_requested', 'extension_approved', 'extension_refused', 'suspension_requested',"
               " 'suspension_refused', 'suspended', 'resumed', 'urged', 'recomputed', 'deadline_set', 'level_changed',"
               " 'order_issued', 'order_answered')")
OLD_EVENT_KINDS = ("kind IN ('extension_requested', 'extension_approved', 'extension_refused', 'suspended', 'resumed',"
                   " 'urged', 'recomputed')")


def _restart_sequence(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false)"
                   f" FROM {table}")


def upgrade() -> None:
    op.create_table('clock_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('old_deadline_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('requested_deadline_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('approver_group', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.CheckConstraint("approver_group IN ('coordination', 'leader')", name=op.f('ck_clock_request_approver_values')),
    sa.CheckConstraint("kind = 'suspension' OR requested_deadline_at IS NOT NULL", name=op.f('ck_clock_request_extension_has_date')),
    sa.CheckConstraint("kind IN ('extension', 'suspension')", name=op.f('ck_clock_request_kind_values')),
    sa.CheckConstraint("status = 'pending' OR decided_at IS NOT NULL", name=op.f('ck_clock_request_decided_has_time')),
    sa.CheckConstraint("status IN ('pending', 'approved', 'refused')", name=op.f('ck_clock_request_status_values')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_clock_request_decided_by_id_user')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_clock_request_requested_by_id_user')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_clock_request_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clock_request'))
    )
    with op.batch_alter_table('clock_request', schema=None) as batch_op:
        batch_op.create_index('ix_clock_request_status', ['status', 'approver_group'], unique=False)
        batch_op.create_index('ix_clock_request_subject', ['family', 'subject_id'], unique=False)

    op.create_table('follow_up',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('task_uuid', sa.String(length=36), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('follow_up_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('notified_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_follow_up_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up')),
    sa.UniqueConstraint('task_uuid', 'user_id', name='task_user')
    )
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.create_index('ix_follow_up_due', ['notified_at', 'follow_up_at'], unique=False)

    op.create_table('saved_filter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('list_name', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('query', sa.String(length=1000), nullable=False),
    sa.Column('shared', sa.Boolean(), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=True),
    sa.Column('section_id', sa.Integer(), nullable=True),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_saved_filter_section_id_section')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_saved_filter_squad_id_squad')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_saved_filter_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_filter')),
    sa.UniqueConstraint('user_id', 'list_name', 'name', name='user_list_name')
    )
    op.create_table('subject',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('current_step_name', sa.String(length=200), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=True),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('registered_by_id', sa.Integer(), nullable=True),
    sa.Column('registered_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deadline_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deadline_provisional', sa.Boolean(), nullable=False),
    sa.Column('suspended', sa.Boolean(), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("level IN ('blue', 'yellow', 'orange', 'red')", name=op.f('ck_subject_level_values')),
    sa.ForeignKeyConstraint(['handler_id'], ['user.id'], name=op.f('fk_subject_handler_id_user')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user.id'], name=op.f('fk_subject_registered_by_id_user')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_subject_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subject')),
    sa.UniqueConstraint('family', 'subject_id', name='family_subject')
    )
    with op.batch_alter_table('subject', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subject_number'), ['number'], unique=False)
        batch_op.create_index(batch_op.f('ix_subject_registered_at'), ['registered_at'], unique=False)
        batch_op.create_index('ix_subject_registered_by', ['registered_by_id', 'registered_at', 'id'], unique=False)
        batch_op.create_index('ix_subject_squad_status', ['squad_id', 'status'], unique=False)
        batch_op.create_index('ix_subject_status_deadline', ['status', 'deadline_at', 'id'], unique=False)

    op.create_table('subject_cc',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('cc_by_id', sa.Integer(), nullable=False),
    sa.Column('cc_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('read_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['cc_by_id'], ['user.id'], name=op.f('fk_subject_cc_cc_by_id_user')),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_subject_cc_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subject_cc')),
    sa.UniqueConstraint('family', 'subject_id', 'user_id', name='family_subject_user')
    )
    with op.batch_alter_table('subject_cc', schema=None) as batch_op:
        batch_op.create_index('ix_subject_cc_user', ['user_id', 'read_at'], unique=False)

    op.create_table('supervision_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=True),
    sa.Column('deadline_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=300), nullable=False),
    sa.Column('instruction', sa.Text(), nullable=False),
    sa.Column('issued_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answer_due_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('answered_by_id', sa.Integer(), nullable=True),
    sa.Column('answered_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('issued', 'answered')", name=op.f('ck_supervision_order_status_values')),
    sa.ForeignKeyConstraint(['answered_by_id'], ['user.id'], name=op.f('fk_supervision_order_answered_by_id_user')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_supervision_order_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supervision_order')),
    sa.UniqueConstraint('family', 'subject_id', 'deadline_at', name='once_per_deadline'),
    sa.UniqueConstraint('number', name=op.f('uq_supervision_order_number')),
    sa.UniqueConstraint('year', 'seq', name='year_seq')
    )
    with op.batch_alter_table('supervision_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervision_order_squad_id'), ['squad_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervision_order_status'), ['status'], unique=False)
        batch_op.create_index('ix_supervision_order_subject', ['family', 'subject_id'], unique=False)

    op.execute("INSERT INTO clock_request (id, kind, family, subject_id, squad_id, reason, old_deadline_at,"
               " requested_deadline_at, approver_group, status, requested_by_id, requested_at, decided_by_id,"
               " decided_at, opinion) SELECT id, 'extension', family, subject_id, squad_id, reason, old_deadline_at,"
               " requested_deadline_at, approver_group, status, requested_by_id, requested_at, decided_by_id,"
               " decided_at, opinion FROM extension_request")
    _restart_sequence("clock_request")
    with op.batch_alter_table('clock_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_clock_event_request_id_clock_request'), 'clock_request', ['request_id'], ['id'])
    op.execute("UPDATE clock_event SET request_id = extension_id")
    with op.batch_alter_table('clock_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_clock_event_extension_id_extension_request'), type_='foreignkey')
        batch_op.drop_column('extension_id')
        batch_op.drop_constraint(batch_op.f('ck_clock_event_kind_values'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_clock_event_kind_values'), EVENT_KINDS)

    with op.batch_alter_table('extension_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_extension_request_status'))
        batch_op.drop_index(batch_op.f('ix_extension_request_subject'))

    op.drop_table('extension_request')
    with op.batch_alter_table('accountability_referral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_basis', sa.String(length=16), server_default='rule', nullable=False))
        batch_op.add_column(sa.Column('base_deadline_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('clock_rules_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('suspended_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('alert_stage', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_alert_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('level', sa.String(length=8), server_default='blue', nullable=False))
        batch_op.add_column(sa.Column('extension_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('urge_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.alter_column('deadline_at',
               existing_type=models.base.UTCDateTime(timezone=True),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_accountability_referral_deadline_at'), ['deadline_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_accountability_referral_next_alert_at'), ['next_alert_at'], unique=False)

    with op.batch_alter_table('clock_rule', schema=None) as batch_op:
        batch_op.add_column(sa.Column('counts_from', sa.String(length=8), server_default='step', nullable=False))
        batch_op.add_column(sa.Column('max_extension_workdays', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('red_after_urges', sa.Integer(), server_default='2', nullable=False))
        batch_op.add_column(sa.Column('order_answer_workdays', sa.Integer(), server_default='3', nullable=False))
        batch_op.add_column(sa.Column('effective_from', models.base.UTCDateTime(timezone=True),
                                      server_default='2000-01-01 00:00:00', nullable=False))
        batch_op.drop_constraint(batch_op.f('family_kind_step'), type_='unique')
        batch_op.create_unique_constraint('family_kind_step_from', ['family', 'kind', 'step', 'effective_from'])
        batch_op.create_check_constraint(batch_op.f('ck_clock_rule_counts_from_values'),
                                         "counts_from IN ('step', 'subject')")
    with op.batch_alter_table('clock_rule', schema=None) as batch_op:
        batch_op.alter_column('effective_from', server_default=None)

    with op.batch_alter_table('major_case', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_basis', sa.String(length=16), server_default='rule', nullable=False))
        batch_op.add_column(sa.Column('base_deadline_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('clock_rules_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('suspended_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('alert_stage', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_alert_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('level', sa.String(length=8), server_default='blue', nullable=False))
        batch_op.add_column(sa.Column('extension_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('urge_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_major_case_next_alert_at'), ['next_alert_at'], unique=False)

    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deadline_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('deadline_basis', sa.String(length=16), server_default='rule', nullable=False))
        batch_op.add_column(sa.Column('base_deadline_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('clock_rules_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('suspended_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('alert_stage', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_alert_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('level', sa.String(length=8), server_default='blue', nullable=False))
        batch_op.add_column(sa.Column('extension_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('urge_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_petition_deadline_at'), ['deadline_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_petition_next_alert_at'), ['next_alert_at'], unique=False)
    op.execute("UPDATE petition SET deadline_at = COALESCE(extended_due_at, conclude_due_at),"
               " base_deadline_at = conclude_due_at,"
               " deadline_basis = CASE WHEN extended_due_at IS NULL THEN 'rule' ELSE 'extended' END")
    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.drop_column('extended_due_at')

    with op.batch_alter_table('supervised_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('base_deadline_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('clock_rules_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('level', sa.String(length=8), server_default='blue', nullable=False))
        batch_op.alter_column('deadline_at',
               existing_type=models.base.UTCDateTime(timezone=True),
               nullable=True)

    with op.batch_alter_table('work_item', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.add_column(sa.Column('claimed_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('opened_by_task', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('delegated_at', models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('draft', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_work_item_opened_by_task'), ['opened_by_task'], unique=False)
        batch_op.create_index(batch_op.f('ix_work_item_owner_id'), ['owner_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_work_item_owner_id_user'), 'user', ['owner_id'], ['id'])



    for table, started in (("supervised_item", "registered_at"), ("petition", "registered_at"),
                           ("major_case", "registered_at"), ("accountability_referral", "referred_at")):
        op.execute(f"UPDATE {table} SET clock_rules_at = {started}")
        op.execute(f"UPDATE {table} SET base_deadline_at = deadline_at WHERE base_deadline_at IS NULL")
        op.execute(f"UPDATE {table} SET level = CASE WHEN alert_stage >= 4 THEN 'red' WHEN alert_stage = 3"
                   " THEN 'orange' WHEN alert_stage >= 1 THEN 'yellow' ELSE 'blue' END")
    op.execute("UPDATE major_case SET deadline_basis = 'given' WHERE deadline_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('work_item', schema=None, table_kwargs={'sqlite_autoincrement': True}) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_work_item_owner_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_work_item_owner_id'))
        batch_op.drop_index(batch_op.f('ix_work_item_opened_by_task'))
        batch_op.drop_column('draft')
        batch_op.drop_column('delegated_at')
        batch_op.drop_column('owner_id')
        batch_op.drop_column('opened_by_task')
        batch_op.drop_column('claimed_at')

    with op.batch_alter_table('supervised_item', schema=None) as batch_op:
        batch_op.alter_column('deadline_at',
               existing_type=models.base.UTCDateTime(timezone=True),
               nullable=False)
        batch_op.drop_column('level')
        batch_op.drop_column('clock_rules_at')
        batch_op.drop_column('base_deadline_at')

    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extended_due_at', models.base.UTCDateTime(timezone=True), nullable=True))
    op.execute("UPDATE petition SET extended_due_at = deadline_at WHERE deadline_basis = 'extended'")
    with op.batch_alter_table('petition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_petition_next_alert_at'))
        batch_op.drop_index(batch_op.f('ix_petition_deadline_at'))
        batch_op.drop_column('urge_count')
        batch_op.drop_column('extension_count')
        batch_op.drop_column('level')
        batch_op.drop_column('next_alert_at')
        batch_op.drop_column('alert_stage')
        batch_op.drop_column('suspended_at')
        batch_op.drop_column('clock_rules_at')
        batch_op.drop_column('base_deadline_at')
        batch_op.drop_column('deadline_basis')
        batch_op.drop_column('deadline_at')

    with op.batch_alter_table('major_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_major_case_next_alert_at'))
        batch_op.drop_column('urge_count')
        batch_op.drop_column('extension_count')
        batch_op.drop_column('level')
        batch_op.drop_column('next_alert_at')
        batch_op.drop_column('alert_stage')
        batch_op.drop_column('suspended_at')
        batch_op.drop_column('clock_rules_at')
        batch_op.drop_column('base_deadline_at')
        batch_op.drop_column('deadline_basis')

    with op.batch_alter_table('clock_rule', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_clock_rule_counts_from_values'), type_='check')
        batch_op.drop_constraint('family_kind_step_from', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('family_kind_step'), ['family', 'kind', 'step'])
        batch_op.drop_column('effective_from')
        batch_op.drop_column('order_answer_workdays')
        batch_op.drop_column('red_after_urges')
        batch_op.drop_column('max_extension_workdays')
        batch_op.drop_column('counts_from')

    with op.batch_alter_table('accountability_referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accountability_referral_next_alert_at'))
        batch_op.drop_index(batch_op.f('ix_accountability_referral_deadline_at'))
        batch_op.alter_column('deadline_at',
               existing_type=models.base.UTCDateTime(timezone=True),
               nullable=False)
        batch_op.drop_column('urge_count')
        batch_op.drop_column('extension_count')
        batch_op.drop_column('level')
        batch_op.drop_column('next_alert_at')
        batch_op.drop_column('alert_stage')
        batch_op.drop_column('suspended_at')
        batch_op.drop_column('clock_rules_at')
        batch_op.drop_column('base_deadline_at')
        batch_op.drop_column('deadline_basis')

    op.create_table('extension_request',
    sa.Column('id', sa.INTEGER(), nullable=False),
    sa.Column('family', sa.VARCHAR(length=32), nullable=False),
    sa.Column('subject_id', sa.INTEGER(), nullable=False),
    sa.Column('squad_id', sa.INTEGER(), nullable=True),
    sa.Column('reason', sa.TEXT(), nullable=False),
    sa.Column('old_deadline_at', sa.DATETIME(), nullable=False),
    sa.Column('requested_deadline_at', sa.DATETIME(), nullable=False),
    sa.Column('approver_group', sa.VARCHAR(length=16), nullable=False),
    sa.Column('status', sa.VARCHAR(length=16), nullable=False),
    sa.Column('requested_by_id', sa.INTEGER(), nullable=False),
    sa.Column('requested_at', sa.DATETIME(), nullable=False),
    sa.Column('decided_by_id', sa.INTEGER(), nullable=True),
    sa.Column('decided_at', sa.DATETIME(), nullable=True),
    sa.Column('opinion', sa.TEXT(), nullable=False),
    sa.CheckConstraint("approver_group IN ('coordination', 'leader')", name=op.f('ck_extension_request_approver_values')),
    sa.CheckConstraint("status = 'pending' OR decided_at IS NOT NULL", name=op.f('ck_extension_request_decided_has_time')),
    sa.CheckConstraint("status IN ('pending', 'approved', 'refused')", name=op.f('ck_extension_request_status_values')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_extension_request_decided_by_id_user')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_extension_request_requested_by_id_user')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_extension_request_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extension_request'))
    )
    with op.batch_alter_table('extension_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_extension_request_subject'), ['family', 'subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_extension_request_status'), ['status', 'approver_group'], unique=False)
    op.execute("INSERT INTO extension_request (id, family, subject_id, squad_id, reason, old_deadline_at,"
               " requested_deadline_at, approver_group, status, requested_by_id, requested_at, decided_by_id,"
               " decided_at, opinion) SELECT id, family, subject_id, squad_id, reason, old_deadline_at,"
               " requested_deadline_at, approver_group, status, requested_by_id, requested_at, decided_by_id,"
               " decided_at, opinion FROM clock_request WHERE kind = 'extension'")
    op.execute("DELETE FROM clock_event WHERE kind NOT IN ('extension_requested', 'extension_approved',"
               " 'extension_refused', 'suspended', 'resumed', 'urged', 'recomputed')")
    with op.batch_alter_table('clock_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extension_id', sa.INTEGER(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_clock_event_extension_id_extension_request'), 'extension_request', ['extension_id'], ['id'])
    op.execute("UPDATE clock_event SET extension_id = request_id WHERE request_id IN (SELECT id FROM extension_request)")
    with op.batch_alter_table('clock_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_clock_event_request_id_clock_request'), type_='foreignkey')
        batch_op.drop_column('request_id')
        batch_op.drop_constraint(batch_op.f('ck_clock_event_kind_values'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_clock_event_kind_values'), OLD_EVENT_KINDS)

    with op.batch_alter_table('supervision_order', schema=None) as batch_op:
        batch_op.drop_index('ix_supervision_order_subject')
        batch_op.drop_index(batch_op.f('ix_supervision_order_status'))
        batch_op.drop_index(batch_op.f('ix_supervision_order_squad_id'))

    op.drop_table('supervision_order')
    with op.batch_alter_table('subject_cc', schema=None) as batch_op:
        batch_op.drop_index('ix_subject_cc_user')

    op.drop_table('subject_cc')
    with op.batch_alter_table('subject', schema=None) as batch_op:
        batch_op.drop_index('ix_subject_status_deadline')
        batch_op.drop_index('ix_subject_squad_status')
        batch_op.drop_index('ix_subject_registered_by')
        batch_op.drop_index(batch_op.f('ix_subject_registered_at'))
        batch_op.drop_index(batch_op.f('ix_subject_number'))

    op.drop_table('subject')
    op.drop_table('saved_filter')
    with op.batch_alter_table('follow_up', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_up_due')

    op.drop_table('follow_up')
    with op.batch_alter_table('clock_request', schema=None) as batch_op:
        batch_op.drop_index('ix_clock_request_subject')
        batch_op.drop_index('ix_clock_request_status')

    op.drop_table('clock_request')
