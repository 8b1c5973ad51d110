"""co-squads, jurisdiction returns, reassignments, study meetings and their actions

Revision ID: 0013_responsibility
Revises: 0012_audit_keyed
Create Date: 2026-12-03 12:12:04.864466
"""

from alembic import op
import sqlalchemy as sa
import models


revision = '0013_responsibility'
down_revision = '0012_audit_keyed'
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table('co_squad_part',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('due_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('due_provisional', sa.Boolean(), nullable=False),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('contribution', sa.Text(), nullable=False),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('named_by_id', sa.Integer(), nullable=False),
    sa.Column('named_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('opened_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('removed_reason', sa.Text(), nullable=False),
    sa.CheckConstraint("status != 'removed' OR removed_reason != ''", name=op.f('ck_co_squad_part_removed_has_reason')),
    sa.CheckConstraint("status IN ('named', 'open', 'done', 'missing', 'removed')", name=op.f('ck_co_squad_part_status_values')),
    sa.ForeignKeyConstraint(['handler_id'], ['user.id'], name=op.f('fk_co_squad_part_handler_id_user')),
    sa.ForeignKeyConstraint(['named_by_id'], ['user.id'], name=op.f('fk_co_squad_part_named_by_id_user')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_co_squad_part_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_co_squad_part'))
    )
    with op.batch_alter_table('co_squad_part', schema=None) as batch_op:
        batch_op.create_index('ix_co_squad_part_squad', ['squad_id', 'status'], unique=False)
        batch_op.create_index('ix_co_squad_part_subject', ['family', 'subject_id'], unique=False)

    op.create_table('jurisdiction_return',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('filed_by_id', sa.Integer(), nullable=False),
    sa.Column('filed_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('to_squad_id', sa.Integer(), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.CheckConstraint("reason IN ('territory', 'ownership', 'function', 'other')", name=op.f('ck_jurisdiction_return_reason_values')),
    sa.CheckConstraint("status IN ('pending', 'accepted', 'rejected', 'escalated', 'final')", name=op.f('ck_jurisdiction_return_status_values')),
    sa.CheckConstraint("status IN ('pending', 'escalated') OR decided_at IS NOT NULL", name=op.f('ck_jurisdiction_return_decided_has_time')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_jurisdiction_return_decided_by_id_user')),
    sa.ForeignKeyConstraint(['filed_by_id'], ['user.id'], name=op.f('fk_jurisdiction_return_filed_by_id_user')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_jurisdiction_return_squad_id_squad')),
    sa.ForeignKeyConstraint(['to_squad_id'], ['squad.id'], name=op.f('fk_jurisdiction_return_to_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_jurisdiction_return'))
    )
    with op.batch_alter_table('jurisdiction_return', schema=None) as batch_op:
        batch_op.create_index('ix_jurisdiction_return_squad', ['squad_id', 'filed_at'], unique=False)
        batch_op.create_index('ix_jurisdiction_return_subject', ['family', 'subject_id'], unique=False)

    op.create_table('study_meeting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('units_present', sa.Text(), nullable=False),
    sa.Column('people_present', sa.Text(), nullable=False),
    sa.Column('matters', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_study_meeting_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_meeting'))
    )
    with op.batch_alter_table('study_meeting', schema=None) as batch_op:
        batch_op.create_index('ix_study_meeting_subject', ['family', 'subject_id'], unique=False)

    op.create_table('reassignment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family', sa.String(length=32), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('from_squad_id', sa.Integer(), nullable=True),
    sa.Column('to_squad_id', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=16), nullable=False),
    sa.Column('return_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("basis IN ('assign', 'return', 'final', 'direct')", name=op.f('ck_reassignment_basis_values')),
    sa.ForeignKeyConstraint(['by_id'], ['user.id'], name=op.f('fk_reassignment_by_id_user')),
    sa.ForeignKeyConstraint(['from_squad_id'], ['squad.id'], name=op.f('fk_reassignment_from_squad_id_squad')),
    sa.ForeignKeyConstraint(['return_id'], ['jurisdiction_return.id'], name=op.f('fk_reassignment_return_id_jurisdiction_return')),
    sa.ForeignKeyConstraint(['to_squad_id'], ['squad.id'], name=op.f('fk_reassignment_to_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reassignment'))
    )
    with op.batch_alter_table('reassignment', schema=None) as batch_op:
        batch_op.create_index('ix_reassignment_subject', ['family', 'subject_id'], unique=False)

    op.create_table('study_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['study_meeting.id'], name=op.f('fk_study_decision_meeting_id_study_meeting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_decision'))
    )
    with op.batch_alter_table('study_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_decision_meeting_id'), ['meeting_id'], unique=False)

    op.create_table('study_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=False),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('result', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('current_step_name', sa.String(length=64), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('deadline_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deadline_provisional', sa.Boolean(), server_default='0', nullable=False),
    sa.Column('deadline_basis', sa.String(length=16), server_default='rule', nullable=False),
    sa.Column('base_deadline_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('clock_rules_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('suspended_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('alert_stage', sa.Integer(), server_default='0', nullable=False),
    sa.Column('next_alert_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('level', sa.String(length=8), server_default='blue', nullable=False),
    sa.Column('extension_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('urge_count', sa.Integer(), server_default='0', nullable=False),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_study_action_status_values')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_study_action_created_by_id_user')),
    sa.ForeignKeyConstraint(['decision_id'], ['study_decision.id'], name=op.f('fk_study_action_decision_id_study_decision')),
    sa.ForeignKeyConstraint(['handler_id'], ['user.id'], name=op.f('fk_study_action_handler_id_user')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_study_action_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_study_action_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_study_action')),
    sa.UniqueConstraint('decision_id', name=op.f('uq_study_action_decision_id')),
    sa.UniqueConstraint('number', name=op.f('uq_study_action_number'))
    )
    with op.batch_alter_table('study_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_action_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_action_deadline_at'), ['deadline_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_action_next_alert_at'), ['next_alert_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_action_squad_id'), ['squad_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_action_status'), ['status'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('study_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_action_status'))
        batch_op.drop_index(batch_op.f('ix_study_action_squad_id'))
        batch_op.drop_index(batch_op.f('ix_study_action_next_alert_at'))
        batch_op.drop_index(batch_op.f('ix_study_action_deadline_at'))
        batch_op.drop_index(batch_op.f('ix_study_action_created_at'))

    op.drop_table('study_action')
    with op.batch_alter_table('study_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_decision_meeting_id'))

    op.drop_table('study_decision')
    with op.batch_alter_table('reassignment', schema=None) as batch_op:
        batch_op.drop_index('ix_reassignment_subject')

    op.drop_table('reassignment')
    with op.batch_alter_table('study_meeting', schema=None) as batch_op:
        batch_op.drop_index('ix_study_meeting_subject')

    op.drop_table('study_meeting')
    with op.batch_alter_table('jurisdiction_return', schema=None) as batch_op:
        batch_op.drop_index('ix_jurisdiction_return_subject')
        batch_op.drop_index('ix_jurisdiction_return_squad')

    op.drop_table('jurisdiction_return')
    with op.batch_alter_table('co_squad_part', schema=None) as batch_op:
        batch_op.drop_index('ix_co_squad_part_subject')
        batch_op.drop_index('ix_co_squad_part_squad')

    op.drop_table('co_squad_part')

