"""Petitioners' phone and ID numbers encrypted at rest with a blind index; ledger import rows encrypted (issue 15)

Existing rows are encrypted with the configured PII_KEY (run through `flask db-upgrade`, which configures it);
the clear normal forms (phone_norm, id_norm) are replaced by keyed blind indexes.

Revision ID: 0021_pii_encryption
Revises: 0020_account_expiry
Create Date: 2026-12-03 15:20:00
"""

from alembic import op
import sqlalchemy as sa

from models import pii
from workflows.petitions import normalize


revision = '0021_pii_encryption'
down_revision = '0020_account_expiry'
branch_labels = None
depends_on = None

PETITION = sa.table("petition", sa.column("id", sa.Integer), sa.column("petitioner_phone", sa.String),
                    sa.column("petitioner_id_no", sa.String), sa.column("phone_index", sa.String),
                    sa.column("id_index", sa.String))
JOB = sa.table("petition_import_job", sa.column("id", sa.Integer), sa.column("rows", sa.Text))


def _encrypt_rows(conn) -> None:
    for row in conn.execute(sa.select(PETITION.c.id, PETITION.c.petitioner_phone, PETITION.c.petitioner_id_no)):
        phone, id_no = pii.decrypt(row.petitioner_phone, pii.PHONE), pii.decrypt(row.petitioner_id_no, pii.ID_NO)
        conn.execute(PETITION.update().where(PETITION.c.id == row.id).values(
            petitioner_phone=pii.encrypt(phone, pii.PHONE), petitioner_id_no=pii.encrypt(id_no, pii.ID_NO),
            phone_index=normalize.phone_index(phone), id_index=normalize.id_index(id_no)))
    for row in conn.execute(sa.select(JOB.c.id, JOB.c.rows)):
        if not pii.is_encrypted(row.rows):
            conn.execute(JOB.update().where(JOB.c.id == row.id).values(rows=pii.encrypt(row.rows or "[]",
                                                                                        pii.IMPORT_ROWS)))


def upgrade() -> None:
    with op.batch_alter_table('petition') as batch:
        batch.alter_column('petitioner_phone', type_=sa.String(length=256), existing_nullable=False)
        batch.alter_column('petitioner_id_no', type_=sa.String(length=256), existing_nullable=False)
        batch.add_column(sa.Column('phone_index', sa.String(length=32), nullable=True))
        batch.add_column(sa.Column('id_index', sa.String(length=32), nullable=True))
        batch.drop_index('ix_petition_phone_norm')
        batch.drop_index('ix_petition_id_norm')
        batch.create_index(batch.f('ix_petition_phone_index'), ['phone_index'], unique=False)
        batch.create_index(batch.f('ix_petition_id_index'), ['id_index'], unique=False)
    with op.batch_alter_table('petition_import_job') as batch:
        batch.alter_column('rows', type_=sa.Text(), existing_nullable=False, postgresql_using='rows::text')
    conn = op.get_bind()
    has_rows = conn.execute(sa.select(PETITION.c.id).limit(1)).first() or conn.execute(
        sa.select(JOB.c.id).limit(1)).first()
    if has_rows:
        _encrypt_rows(conn)  # refuses clearly (PiiKeyError) when PII_KEY is not configured
    with op.batch_alter_table('petition') as batch:
        batch.drop_column('phone_norm')
        batch.drop_column('id_norm')


def downgrade() -> None:
    with op.batch_alter_table('petition') as batch:
        batch.add_column(sa.Column('phone_norm', sa.String(length=20), nullable=True))
        batch.add_column(sa.Column('id_norm', sa.String(length=20), nullable=True))
    conn = op.get_bind()
    norms = sa.table("petition", sa.column("id"), sa.column("petitioner_phone"), sa.column("petitioner_id_no"),
                     sa.column("phone_norm"), sa.column("id_norm"))
    for row in conn.execute(sa.select(PETITION.c.id, PETITION.c.petitioner_phone, PETITION.c.petitioner_id_no)):
        phone, id_no = pii.decrypt(row.petitioner_phone, pii.PHONE), pii.decrypt(row.petitioner_id_no, pii.ID_NO)
        conn.execute(norms.update().where(norms.c.id == row.id).values(
            petitioner_phone=phone[:32], petitioner_id_no=id_no[:32], phone_norm=normalize.phone_norm(phone),
            id_norm=normalize.id_norm(id_no)))
    for row in conn.execute(sa.select(JOB.c.id, JOB.c.rows)):
        conn.execute(JOB.update().where(JOB.c.id == row.id).values(rows=pii.decrypt(row.rows, pii.IMPORT_ROWS)))
    with op.batch_alter_table('petition_import_job') as batch:
        batch.alter_column('rows', type_=sa.JSON(), existing_nullable=False, postgresql_using='rows::json')
    with op.batch_alter_table('petition') as batch:
        batch.drop_index('ix_petition_phone_index')
        batch.drop_index('ix_petition_id_index')
        batch.drop_column('phone_index')
        batch.drop_column('id_index')
        batch.create_index('ix_petition_phone_norm', ['phone_norm'], unique=False)
        batch.create_index('ix_petition_id_norm', ['id_norm'], unique=False)
        batch.alter_column('petitioner_phone', type_=sa.String(length=32), existing_nullable=False)
        batch.alter_column('petitioner_id_no', type_=sa.String(length=32), existing_nullable=False)
