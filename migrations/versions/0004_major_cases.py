"""major-case supervision and accountability referrals

Revision ID: 0004_major_cases
Revises: 0003_petitions
Create Date: 2026-11-27 04:10:00
"""

from alembic import op
import sqlalchemy as sa
import models


revision = "0004_major_cases"
down_revision = "0003_petitions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_letter_counter',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_case_letter_counter'))
    )
    op.create_table('accountability_referral',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('source_family', sa.String(length=32), nullable=False),
    sa.Column('source_subject_id', sa.Integer(), nullable=False),
    sa.Column('source_label', sa.String(length=250), nullable=False),
    sa.Column('classification', sa.String(length=16), nullable=False),
    sa.Column('target_user_id', sa.Integer(), nullable=True),
    sa.Column('target_squad_id', sa.Integer(), nullable=True),
    sa.Column('facts', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('current_step_name', sa.String(length=64), nullable=False),
    sa.Column('deadline_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('deadline_provisional', sa.Boolean(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=False),
    sa.Column('outcome_on', sa.Date(), nullable=True),
    sa.Column('outcome_doc_number', sa.String(length=64), nullable=False),
    sa.Column('referred_by_id', sa.Integer(), nullable=False),
    sa.Column('referred_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("classification IN ('inaction', 'slow', 'wrong', 'violation')", name=op.f('ck_accountability_referral_classification_values')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('no_action', 'talk', 'warning', 'transfer', 'other')", name=op.f('ck_accountability_referral_outcome_values')),
    sa.CheckConstraint("status = 'open' OR (closed_at IS NOT NULL AND outcome IS NOT NULL)", name=op.f('ck_accountability_referral_closed_has_outcome')),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_accountability_referral_status_values')),
    sa.CheckConstraint('target_user_id IS NOT NULL OR target_squad_id IS NOT NULL', name=op.f('ck_accountability_referral_has_target')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_accountability_referral_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['referred_by_id'], ['user.id'], name=op.f('fk_accountability_referral_referred_by_id_user')),
    sa.ForeignKeyConstraint(['section_id'], ['section.id'], name=op.f('fk_accountability_referral_section_id_section')),
    sa.ForeignKeyConstraint(['target_squad_id'], ['squad.id'], name=op.f('fk_accountability_referral_target_squad_id_squad')),
    sa.ForeignKeyConstraint(['target_user_id'], ['user.id'], name=op.f('fk_accountability_referral_target_user_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accountability_referral')),
    sa.UniqueConstraint('number', name=op.f('uq_accountability_referral_number'))
    )
    with op.batch_alter_table('accountability_referral', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_accountability_referral_classification'), ['classification'], unique=False)
        batch_op.create_index(batch_op.f('ix_accountability_referral_referred_at'), ['referred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_accountability_referral_section_id'), ['section_id'], unique=False)
        batch_op.create_index('ix_accountability_referral_source', ['source_family', 'source_subject_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accountability_referral_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_accountability_referral_target_squad_id'), ['target_squad_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_accountability_referral_target_user_id'), ['target_user_id'], unique=False)
    op.create_table('major_case',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('case_number', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('parties', sa.String(length=300), nullable=False),
    sa.Column('violation', sa.Text(), nullable=False),
    sa.Column('stage', sa.String(length=32), nullable=False),
    sa.Column('social_impact', sa.Boolean(), nullable=False),
    sa.Column('forms', sa.String(length=64), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=False),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('matters', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', name='casestatus', native_enum=False, length=16), nullable=False),
    sa.Column('current_step_name', sa.String(length=64), nullable=False),
    sa.Column('deadline_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('deadline_provisional', sa.Boolean(), nullable=False),
    sa.Column('return_count', sa.Integer(), nullable=False),
    sa.Column('registered_by_id', sa.Integer(), nullable=False),
    sa.Column('registered_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("forms <> ''", name=op.f('ck_major_case_has_form')),
    sa.CheckConstraint("status = 'open' OR closed_at IS NOT NULL", name=op.f('ck_major_case_closed_has_time')),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_major_case_status_values')),
    sa.ForeignKeyConstraint(['handler_id'], ['user.id'], name=op.f('fk_major_case_handler_id_user')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_major_case_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['registered_by_id'], ['user.id'], name=op.f('fk_major_case_registered_by_id_user')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_major_case_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_major_case')),
    sa.UniqueConstraint('number', name=op.f('uq_major_case_number'))
    )
    with op.batch_alter_table('major_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_major_case_deadline_at'), ['deadline_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_major_case_handler_id'), ['handler_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_major_case_registered_at'), ['registered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_major_case_registered_by_id'), ['registered_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_major_case_squad_id'), ['squad_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_major_case_status'), ['status'], unique=False)
    op.create_table('case_letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('issuer', sa.String(length=100), nullable=False),
    sa.Column('recipient', sa.String(length=100), nullable=False),
    sa.Column('matters', sa.Text(), nullable=False),
    sa.Column('findings', sa.Text(), nullable=False),
    sa.Column('deadline_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=False),
    sa.Column('issued_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['major_case.id'], name=op.f('fk_case_letter_case_id_major_case')),
    sa.ForeignKeyConstraint(['issued_by_id'], ['user.id'], name=op.f('fk_case_letter_issued_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_letter')),
    sa.UniqueConstraint('number', name=op.f('uq_case_letter_number')),
    sa.UniqueConstraint('year', 'seq', name='uq_case_letter_year_seq')
    )
    with op.batch_alter_table('case_letter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_letter_case_id'), ['case_id'], unique=False)
    op.create_table('case_point_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('point', sa.Enum('filing', 'determination', 'law', 'procedure', 'penalty', name='casepoint', native_enum=False, length=16), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('legal_question', sa.Text(), nullable=False),
    sa.Column('legal_opinion', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('rectified', sa.Boolean(), nullable=False),
    sa.Column('checked_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("result IS NULL OR result IN ('ok', 'problem')", name=op.f('ck_case_point_check_result_values')),
    sa.ForeignKeyConstraint(['case_id'], ['major_case.id'], name=op.f('fk_case_point_check_case_id_major_case')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_point_check')),
    sa.UniqueConstraint('case_id', 'point', name='uq_case_point_check_case_point')
    )
    with op.batch_alter_table('case_point_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_point_check_case_id'), ['case_id'], unique=False)
    op.create_table('case_supervision_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('form', sa.String(length=16), nullable=False),
    sa.Column('held_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('people', sa.String(length=300), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('decisions', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("form IN ('onsite', 'meeting', 'phone')", name=op.f('ck_case_supervision_record_form_values')),
    sa.ForeignKeyConstraint(['case_id'], ['major_case.id'], name=op.f('fk_case_supervision_record_case_id_major_case')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], name=op.f('fk_case_supervision_record_recorded_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_supervision_record'))
    )
    with op.batch_alter_table('case_supervision_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_supervision_record_case_id'), ['case_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_supervision_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_supervision_record_case_id'))
    op.drop_table('case_supervision_record')
    with op.batch_alter_table('case_point_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_point_check_case_id'))
    op.drop_table('case_point_check')
    with op.batch_alter_table('case_letter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_letter_case_id'))
    op.drop_table('case_letter')
    with op.batch_alter_table('major_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_major_case_status'))
        batch_op.drop_index(batch_op.f('ix_major_case_squad_id'))
        batch_op.drop_index(batch_op.f('ix_major_case_registered_by_id'))
        batch_op.drop_index(batch_op.f('ix_major_case_registered_at'))
        batch_op.drop_index(batch_op.f('ix_major_case_handler_id'))
        batch_op.drop_index(batch_op.f('ix_major_case_deadline_at'))
    op.drop_table('major_case')
    with op.batch_alter_table('accountability_referral', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_accountability_referral_target_user_id'))
        batch_op.drop_index(batch_op.f('ix_accountability_referral_target_squad_id'))
        batch_op.drop_index(batch_op.f('ix_accountability_referral_status'))
        batch_op.drop_index('ix_accountability_referral_source')
        batch_op.drop_index(batch_op.f('ix_accountability_referral_section_id'))
        batch_op.drop_index(batch_op.f('ix_accountability_referral_referred_at'))
        batch_op.drop_index(batch_op.f('ix_accountability_referral_classification'))
    op.drop_table('accountability_referral')
    op.drop_table('case_letter_counter')
