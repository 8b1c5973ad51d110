"""supervision results: score rules (考核细则), the derived score ledger, appeals, locked assessment periods,
commendations and panel scores

Revision ID: 0014_scores
Revises: 0013_responsibility
Create Date: 2026-12-03 11:53:40.903384
"""

from alembic import op
import sqlalchemy as sa
import models


revision = '0014_scores'
down_revision = '0013_responsibility'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('commendation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('family', sa.String(length=32), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('write_up', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('selected', sa.Boolean(), nullable=False),
    sa.Column('review_opinion', sa.Text(), nullable=False),
    sa.Column('nominated_by_id', sa.Integer(), nullable=False),
    sa.Column('nominated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("kind = 'case' OR person_id IS NOT NULL", name=op.f('ck_commendation_person_named')),
    sa.CheckConstraint("kind IN ('case', 'person')", name=op.f('ck_commendation_kind_values')),
    sa.CheckConstraint("status IN ('nominated', 'reviewed', 'published')", name=op.f('ck_commendation_status_values')),
    sa.ForeignKeyConstraint(['nominated_by_id'], ['user.id'], name=op.f('fk_commendation_nominated_by_id_user')),
    sa.ForeignKeyConstraint(['person_id'], ['user.id'], name=op.f('fk_commendation_person_id_user')),
    sa.ForeignKeyConstraint(['published_by_id'], ['user.id'], name=op.f('fk_commendation_published_by_id_user')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_commendation_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commendation'))
    )
    with op.batch_alter_table('commendation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commendation_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_commendation_squad_id'), ['squad_id'], unique=False)
        batch_op.create_index('ix_commendation_year_kind', ['year', 'kind', 'status'], unique=False)

    op.create_table('score_appeal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_key', sa.String(length=160), nullable=False),
    sa.Column('squad_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.CheckConstraint("status = 'pending' OR decided_at IS NOT NULL", name=op.f('ck_score_appeal_decided_has_time')),
    sa.CheckConstraint("status IN ('pending', 'stays', 'voided')", name=op.f('ck_score_appeal_status_values')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_score_appeal_decided_by_id_user')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_score_appeal_requested_by_id_user')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_score_appeal_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_appeal'))
    )
    with op.batch_alter_table('score_appeal', schema=None) as batch_op:
        batch_op.create_index('ix_score_appeal_key', ['entry_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_appeal_squad_id'), ['squad_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_appeal_status'), ['status'], unique=False)

    op.create_table('score_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('key', sa.String(length=8), nullable=False),
    sa.Column('first_month', sa.String(length=7), nullable=False),
    sa.Column('last_month', sa.String(length=7), nullable=False),
    sa.Column('locked_by_id', sa.Integer(), nullable=False),
    sa.Column('locked_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('report', sa.JSON(), nullable=False),
    sa.CheckConstraint("kind IN ('month', 'quarter', 'year')", name=op.f('ck_score_period_kind_values')),
    sa.ForeignKeyConstraint(['locked_by_id'], ['user.id'], name=op.f('fk_score_period_locked_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_period')),
    sa.UniqueConstraint('kind', 'key', name='kind_key')
    )
    op.create_table('score_rule',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('param', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('squad_points', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('person_points', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('cap', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('cap_period', sa.String(length=8), nullable=False),
    sa.Column('threshold', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('superseded_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("cap_period IN ('month', 'quarter', 'year')", name=op.f('ck_score_rule_cap_period_values')),
    sa.CheckConstraint('cap IS NULL OR cap > 0', name=op.f('ck_score_rule_cap_positive')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user.id'], name=op.f('fk_score_rule_updated_by_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_rule')),
    sa.UniqueConstraint('year', 'code', 'param', 'version', name='year_code_param_version')
    )
    with op.batch_alter_table('score_rule', schema=None) as batch_op:
        batch_op.create_index('ix_score_rule_current', ['year', 'superseded_at'], unique=False)

    op.create_table('commendation_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('commendation_id', sa.Integer(), nullable=False),
    sa.Column('panelist_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=500), nullable=False),
    sa.Column('scored_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 0 AND 100', name=op.f('ck_commendation_score_score_range')),
    sa.ForeignKeyConstraint(['commendation_id'], ['commendation.id'], name=op.f('fk_commendation_score_commendation_id_commendation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['panelist_id'], ['user.id'], name=op.f('fk_commendation_score_panelist_id_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_commendation_score')),
    sa.UniqueConstraint('commendation_id', 'panelist_id', name='once_per_panelist')
    )
    with op.batch_alter_table('commendation_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_commendation_score_commendation_id'), ['commendation_id'], unique=False)

    op.create_table('score_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=160), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('family', sa.String(length=32), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('step', sa.String(length=64), nullable=True),
    sa.Column('squad_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('occurred_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('squad_points', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('person_points', sa.Numeric(precision=8, scale=2), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.CheckConstraint("status IN ('counted', 'voided')", name=op.f('ck_score_entry_status_values')),
    sa.ForeignKeyConstraint(['person_id'], ['user.id'], name=op.f('fk_score_entry_person_id_user')),
    sa.ForeignKeyConstraint(['rule_id'], ['score_rule.id'], name=op.f('fk_score_entry_rule_id_score_rule')),
    sa.ForeignKeyConstraint(['squad_id'], ['squad.id'], name=op.f('fk_score_entry_squad_id_squad')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_score_entry')),
    sa.UniqueConstraint('key', name=op.f('uq_score_entry_key'))
    )
    with op.batch_alter_table('score_entry', schema=None) as batch_op:
        batch_op.create_index('ix_score_entry_month_squad', ['month', 'squad_id'], unique=False)
        batch_op.create_index('ix_score_entry_person_month', ['person_id', 'month'], unique=False)
        batch_op.create_index(batch_op.f('ix_score_entry_rule_id'), ['rule_id'], unique=False)
        batch_op.create_index('ix_score_entry_subject', ['family', 'subject_id'], unique=False)



    op.create_index("ix_subject_closed", "subject", ["closed_at"],
                    postgresql_include=["squad_id", "deadline_at", "family"])
    op.create_index("ix_subject_status_level", "subject", ["status", "family", "level"],
                    postgresql_include=["deadline_at"])
    op.create_index("ix_work_item_family_started", "work_item", ["family", "started_at"])


def downgrade() -> None:
    op.drop_index("ix_work_item_family_started", table_name="work_item")
    op.drop_index("ix_subject_status_level", table_name="subject")
    op.drop_index("ix_subject_closed", table_name="subject")
    with op.batch_alter_table('score_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_score_entry_subject')
        batch_op.drop_index(batch_op.f('ix_score_entry_rule_id'))
        batch_op.drop_index('ix_score_entry_person_month')
        batch_op.drop_index('ix_score_entry_month_squad')

    op.drop_table('score_entry')
    with op.batch_alter_table('commendation_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_commendation_score_commendation_id'))

    op.drop_table('commendation_score')
    with op.batch_alter_table('score_rule', schema=None) as batch_op:
        batch_op.drop_index('ix_score_rule_current')

    op.drop_table('score_rule')
    op.drop_table('score_period')
    with op.batch_alter_table('score_appeal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_score_appeal_status'))
        batch_op.drop_index(batch_op.f('ix_score_appeal_squad_id'))
        batch_op.drop_index('ix_score_appeal_key')

    op.drop_table('score_appeal')
    with op.batch_alter_table('commendation', schema=None) as batch_op:
        batch_op.drop_index('ix_commendation_year_kind')
        batch_op.drop_index(batch_op.f('ix_commendation_squad_id'))
        batch_op.drop_index(batch_op.f('ix_commendation_person_id'))

    op.drop_table('commendation')
