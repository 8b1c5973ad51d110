"""Upgrading encrypts the petitioners' numbers already stored and replaces the clear normal forms."""

from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from models import pii
from webapp.migrate import alembic_config
from workflows.petitions.normalize import phone_index

COLUMNS = ("id, number, channel, petitioner_name, petitioner_phone, petitioner_id_no, phone_norm, id_norm, address,"
           " street, category, content, received_at, content_hash, source, status, current_step_name, difficult,"
           " accept_due_at, conclude_due_at, return_count, reopen_count, deadline_provisional, deadline_basis,"
           " clock_rules_at, alert_stage, registered_at")


def test_existing_numbers_are_encrypted_and_indexed(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    cfg = alembic_config(url)
    command.upgrade(cfg, "0020_account_expiry")
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO petition ({COLUMNS}) VALUES (1, '信2026-00001', 'hotline', '张三', "
                          "'13800135678', '310105199001011234', '13800135678', '310105199001011234', '天山路1号',"
                          " '', '噪音', '夜间施工', '2026-11-01 00:00:00', 'h', 'form', 'open', '', 0,"
                          " '2026-11-15 00:00:00', '2026-12-30 00:00:00', 0, 0, 0, 'rule', '2026-11-01 00:00:00', '',"
                          " '2026-11-01 00:00:00')"))
        conn.execute(text("INSERT INTO \"user\" (id, username, name, password_hash, active, created_at) VALUES"
                          " (1, 'c', '协调员', 'x', 1, '2026-01-01 00:00:00')"))
        conn.execute(text("INSERT INTO petition_import_job (id, filename, file_sha256, rows, status, total_rows,"
                          " processed_rows, created_count, duplicate_count, refused_count, created_by_id, created_at)"
                          " VALUES (1, 'l.xlsx', 'x', '[{\"petitioner_phone\": \"13800135678\"}]', 'done', 1, 1, 1,"
                          " 0, 0, 1, '2026-11-01 00:00:00')"))
    command.upgrade(cfg, "head")
    with engine.connect() as conn:
        row = conn.execute(text("SELECT petitioner_phone, petitioner_id_no, phone_index FROM petition")).one()
        rows = conn.execute(text("SELECT rows FROM petition_import_job")).scalar()
    assert pii.decrypt(row.petitioner_phone, pii.PHONE) == "13800135678" and "5678" not in row.petitioner_phone
    assert pii.decrypt(row.petitioner_id_no, pii.ID_NO) == "310105199001011234"
    assert row.phone_index == phone_index("13800135678")
    assert pii.is_encrypted(rows) and "13800135678" in pii.decrypt(rows, pii.IMPORT_ROWS)
    command.downgrade(cfg, "0020_account_expiry")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT petitioner_phone, phone_norm FROM petition")).one() == ("13800135678",
                                                                                                  "13800135678")
    engine.dispose()
