"""keyed audit chain: a global gapless sequence, client address and outcome per entry, the MAC algorithm,
seals. Existing entries get their sequence in id order and stay 'sha256' (unkeyed) until `flask db-upgrade`
re-keys them with the installation's key after checking their old chains.

Revision ID: 0012_audit_keyed
Revises: 0011_login_security
Create Date: 2026-12-03 12:20:00
"""

from alembic import op
import sqlalchemy as sa
import models


revision = "0012_audit_keyed"
down_revision = "0011_login_security"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_entry") as batch:
        batch.add_column(sa.Column("gseq", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("address", sa.String(length=64), nullable=False, server_default=""))
        batch.add_column(sa.Column("outcome", sa.String(length=16), nullable=False, server_default="success"))
        batch.add_column(sa.Column("alg", sa.String(length=16), nullable=False, server_default="sha256"))
    conn = op.get_bind()
    ids = conn.execute(sa.text("SELECT id FROM audit_entry ORDER BY id")).scalars().all()
    if ids:
        conn.execute(sa.text("UPDATE audit_entry SET gseq = :g WHERE id = :i"),
                     [{"g": n, "i": i} for n, i in enumerate(ids, start=1)])
    op.execute("INSERT INTO number_counter (scope, year, last_seq) SELECT 'audit_gseq', 0, COUNT(*) FROM audit_entry")
    with op.batch_alter_table("audit_entry") as batch:
        batch.alter_column("gseq", existing_type=sa.Integer(), nullable=False)
        batch.create_unique_constraint(batch.f("uq_audit_entry_gseq"), ["gseq"])
        batch.create_index("ix_audit_entry_action_at", ["action", "at"])
        batch.create_index("ix_audit_entry_at", ["at"])
    op.create_table(
        "audit_seal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("no", sa.Integer(), nullable=False),
        sa.Column("at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_gseq", sa.Integer(), nullable=False),
        sa.Column("chains", sa.Integer(), nullable=False),
        sa.Column("heads_digest", sa.String(length=64), nullable=False),
        sa.Column("prev_mac", sa.String(length=64), nullable=False),
        sa.Column("alg", sa.String(length=16), nullable=False),
        sa.Column("mac", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_seal")),
        sa.UniqueConstraint("no", name=op.f("uq_audit_seal_no")),
    )


def downgrade() -> None:
    op.drop_table("audit_seal")
    op.execute("DELETE FROM number_counter WHERE scope = 'audit_gseq'")
    with op.batch_alter_table("audit_entry") as batch:
        batch.drop_index("ix_audit_entry_at")
        batch.drop_index("ix_audit_entry_action_at")
        batch.drop_constraint("uq_audit_entry_gseq", type_="unique")
        for column in ("alg", "outcome", "address", "gseq"):
            batch.drop_column(column)
