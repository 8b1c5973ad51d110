"""Moving from one role per user to several keeps every existing user's rights."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from webapp.migrate import alembic_config


def test_each_user_keeps_the_role_it_had(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    cfg = alembic_config(url)
    command.upgrade(cfg, "0004_major_cases")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO squad (id, code, name, street) VALUES (1, 'hy', '华阳路中队', '华阳路街道')"))
        conn.execute(text(
            "INSERT INTO \"user\" (id, username, name, password_hash, role, squad_id, section_id, active, created_at)"
            " VALUES (1, 'm1', '队员', 'x', 'squad_member', 1, NULL, 1, '2026-01-01 00:00:00'),"
            " (2, 'boss', '领导', 'x', 'leader', NULL, NULL, 1, '2026-01-01 00:00:00')"))
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT user_id, role FROM user_role ORDER BY user_id")).all()
    assert rows == [(1, "squad_member"), (2, "leader")]
    command.downgrade(cfg, "0004_major_cases")
    with engine.connect() as conn:
        assert conn.execute(text('SELECT role FROM "user" ORDER BY id')).scalars().all() == ["squad_member", "leader"]
    engine.dispose()
