"""one counter table for every registration number and the letters (no count()+1 races)

Revision ID: 0006_number_counters
Revises: 0005_user_roles
Create Date: 2026-12-02 20:10:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0006_number_counters"
down_revision = "0005_user_roles"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "number_counter",
        sa.Column("scope", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "year", name=op.f("pk_number_counter")),
    )
    op.execute("INSERT INTO number_counter (scope, year, last_seq) SELECT 'letter', year, last_seq"
               " FROM case_letter_counter")
    op.drop_table("case_letter_counter")


def downgrade() -> None:
    op.create_table(
        "case_letter_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_case_letter_counter")),
    )
    op.execute("INSERT INTO case_letter_counter (year, last_seq) SELECT year, last_seq FROM number_counter"
               " WHERE scope = 'letter'")
    op.drop_table("number_counter")
