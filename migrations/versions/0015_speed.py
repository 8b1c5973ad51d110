"""speed: a settings stamp kept by triggers (the calendar, the rules and the sections cached between
transactions), and indexes for the worklists and the scheduler at scale

Revision ID: 0015_speed
Revises: 0014_scores
Create Date: 2026-12-03 12:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0015_speed'
down_revision = '0014_scores'
branch_labels = None
depends_on = None

WATCHED = ("calendar_override", "calendar_year", "clock_rule", "section")


def upgrade() -> None:
    op.add_column("work_item", sa.Column("overdue_seen", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE work_item SET overdue_seen = (alert_stage >= 3)")
    op.create_table(
        "settings_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_settings_stamp")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("INSERT INTO settings_stamp (id, token) VALUES (1, md5(random()::text || clock_timestamp()::text))")
        op.execute("""CREATE FUNCTION duban_bump_settings_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO settings_stamp (id, token) VALUES (1, md5(random()::text || clock_timestamp()::text))
              ON CONFLICT (id) DO UPDATE SET token = excluded.token;
              RETURN NULL;
            END $$""")
        for table in WATCHED:
            op.execute(f"CREATE TRIGGER {table}_stamp AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION duban_bump_settings_stamp()")
    else:
        op.execute("INSERT INTO settings_stamp (id, token) VALUES (1, lower(hex(randomblob(16))))")
        for table in WATCHED:
            for verb in ("INSERT", "UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_stamp_{verb.lower()} AFTER {verb} ON {table} BEGIN "
                           "INSERT OR REPLACE INTO settings_stamp (id, token) VALUES (1, lower(hex(randomblob(16)))); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in WATCHED:
            op.execute(f"DROP TRIGGER {table}_stamp ON {table}")
        op.execute("DROP FUNCTION duban_bump_settings_stamp()")
    else:
        for table in WATCHED:
            for verb in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_stamp_{verb}")
    op.drop_table("settings_stamp")
    with op.batch_alter_table("work_item", table_kwargs={"sqlite_autoincrement": True}) as batch:
        batch.drop_column("overdue_seen")
