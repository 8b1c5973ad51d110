"""a user may hold several roles (user_role); every existing user keeps exactly the role it had

Revision ID: 0005_user_roles
Revises: 0004_major_cases
Create Date: 2026-12-02 19:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0005_user_roles"
down_revision = "0004_major_cases"
branch_labels = None
depends_on = None

ROLE_TYPE = sa.Enum("coordinator", "squad_leader", "squad_member", "leader", "section_officer", "system_admin",
                    name="role", native_enum=False, length=32)


def upgrade() -> None:
    op.create_table(
        "user_role",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", ROLE_TYPE, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_user_role_user_id_user"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_role")),
    )
    op.execute('INSERT INTO user_role (user_id, role) SELECT id, role FROM "user"')
    with op.batch_alter_table("user") as batch:
        batch.drop_constraint(op.f("ck_user_squad_role_has_squad"), type_="check")
        batch.drop_constraint(op.f("ck_user_section_role_has_section"), type_="check")
        batch.drop_column("role")


def downgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("role", ROLE_TYPE, nullable=True))
    op.execute('UPDATE "user" SET role = (SELECT MIN(role) FROM user_role WHERE user_role.user_id = "user".id)')
    op.drop_table("user_role")
