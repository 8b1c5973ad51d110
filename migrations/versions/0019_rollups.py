"""rollups: closed subjects per family, squad and month (closed, on time, late), kept by triggers on `subject`,
so the leaders' dashboard reads units × months rows instead of a year of subjects

Revision ID: 0019_rollups
Revises: 0018_api_scopes
Create Date: 2026-12-03 15:40:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0019_rollups'
down_revision = '0018_api_scopes'
branch_labels = None
depends_on = None

PG_MONTH = "to_char({r}.closed_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"
LITE_MONTH = "strftime('%Y-%m', {r}.closed_at, '+8 hours')"  # Shanghai has kept UTC+8 without DST since 1991
ON_TIME = "CASE WHEN {r}.deadline_at IS NULL OR {r}.closed_at <= {r}.deadline_at THEN 1 ELSE 0 END"
LATE = "CASE WHEN {r}.closed_at > {r}.deadline_at THEN 1 ELSE 0 END"
CHANGED = ("OLD.closed_at IS DISTINCT FROM NEW.closed_at OR OLD.deadline_at IS DISTINCT FROM NEW.deadline_at "
           "OR OLD.squad_id IS DISTINCT FROM NEW.squad_id OR OLD.family IS DISTINCT FROM NEW.family")


def _apply(r: str, sign: str, month: str) -> str:
    """Add (sign '') or take away (sign '-') row `r` (NEW or OLD) in its bucket, when it is closed."""
    m = month.format(r=r)
    return (f"INSERT INTO closed_rollup (family, squad_id, month, closed, on_time, late) "
            f"SELECT {r}.family, COALESCE({r}.squad_id, 0), {m}, {sign}1, {sign}({ON_TIME.format(r=r)}), "
            f"{sign}({LATE.format(r=r)}) WHERE {r}.closed_at IS NOT NULL "
            "ON CONFLICT (family, squad_id, month) DO UPDATE SET closed = closed_rollup.closed + excluded.closed, "
            "on_time = closed_rollup.on_time + excluded.on_time, late = closed_rollup.late + excluded.late;")


def _postgresql() -> None:
    op.execute(f"""CREATE FUNCTION duban_closed_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP IN ('UPDATE', 'DELETE') THEN {_apply('OLD', '-', PG_MONTH)} END IF;
          IF TG_OP IN ('UPDATE', 'INSERT') THEN {_apply('NEW', '', PG_MONTH)} END IF;
          RETURN NULL;
        END $$""")
    op.execute("CREATE TRIGGER subject_rollup_insert AFTER INSERT ON subject FOR EACH ROW "
               "WHEN (NEW.closed_at IS NOT NULL) EXECUTE FUNCTION duban_closed_rollup()")
    op.execute(f"CREATE TRIGGER subject_rollup_update AFTER UPDATE ON subject FOR EACH ROW WHEN ({CHANGED}) "
               "EXECUTE FUNCTION duban_closed_rollup()")
    op.execute("CREATE TRIGGER subject_rollup_delete AFTER DELETE ON subject FOR EACH ROW "
               "WHEN (OLD.closed_at IS NOT NULL) EXECUTE FUNCTION duban_closed_rollup()")


def _sqlite() -> None:
    lite_changed = CHANGED.replace("IS DISTINCT FROM", "IS NOT")
    op.execute("CREATE TRIGGER subject_rollup_insert AFTER INSERT ON subject WHEN NEW.closed_at IS NOT NULL BEGIN "
               f"{_apply('NEW', '', LITE_MONTH)} END")
    op.execute(f"CREATE TRIGGER subject_rollup_update AFTER UPDATE ON subject WHEN {lite_changed} BEGIN "
               f"{_apply('OLD', '-', LITE_MONTH)} {_apply('NEW', '', LITE_MONTH)} END")
    op.execute("CREATE TRIGGER subject_rollup_delete AFTER DELETE ON subject WHEN OLD.closed_at IS NOT NULL BEGIN "
               f"{_apply('OLD', '-', LITE_MONTH)} END")


def upgrade() -> None:
    op.create_table(
        "closed_rollup",
        sa.Column("family", sa.String(length=32), nullable=False),
        sa.Column("squad_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.Column("on_time", sa.Integer(), nullable=False),
        sa.Column("late", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("family", "squad_id", "month", name=op.f("pk_closed_rollup")),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    month = (PG_MONTH if postgres else LITE_MONTH).format(r="s")
    op.execute(f"INSERT INTO closed_rollup (family, squad_id, month, closed, on_time, late) "
               f"SELECT s.family, COALESCE(s.squad_id, 0), {month}, count(*), sum({ON_TIME.format(r='s')}), "
               f"sum({LATE.format(r='s')}) FROM subject s WHERE s.closed_at IS NOT NULL "
               f"GROUP BY s.family, COALESCE(s.squad_id, 0), {month}")
    _postgresql() if postgres else _sqlite()


def downgrade() -> None:
    for verb in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER subject_rollup_{verb}" + (" ON subject" if op.get_bind().dialect.name ==
                                                          "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION duban_closed_rollup()")
    op.drop_table("closed_rollup")
