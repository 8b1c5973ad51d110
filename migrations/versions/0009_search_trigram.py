"""a trigram index for CJK substring search over every family's subjects (PostgreSQL only)

Revision ID: 0009_search_trigram
Revises: 0008_toolkit
Create Date: 2026-12-03 12:10:00
"""

from alembic import op

revision = "0009_search_trigram"
down_revision = "0008_toolkit"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_index("ix_subject_search_trgm", "subject", ["search_text"], postgresql_using="gin",
                    postgresql_ops={"search_text": "gin_trgm_ops"})


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_subject_search_trgm", table_name="subject")
