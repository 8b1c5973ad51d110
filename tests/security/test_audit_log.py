"""What the audit records (log-in, failures, lockout, address, outcome), seals by the scheduler, verify from the
CLI, and the auditor's search and export (case content hidden, export audited, nothing deletes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import func, select

from models.audit import AuditEntry, AuditSeal
from models.org import Role
from tests.factories import PASSWORD, make_item, make_user
from tests.webapp.helpers import post_form
from workflows import audit, audit_seals


def test_log_in_success_and_failure_carry_address_and_outcome(client, org, db):
    post_form(client, "/login", "/login", {"username": org.a_member.username, "password": "wrong"})
    post_form(client, "/login", "/login", {"username": org.a_member.username, "password": PASSWORD})
    rows = list(db.scalars(select(AuditEntry).where(AuditEntry.family == "user",
                                                    AuditEntry.subject_id == org.a_member.id)
                           .order_by(AuditEntry.gseq)))
    assert [(r.action, r.outcome) for r in rows] == [("login_failed", "failure"), ("login", "success")]
    assert all(r.address == "127.0.0.1" for r in rows)


def test_entries_of_any_action_get_the_request_address(as_user, org, db):
    client = as_user(org.coordinator)
    client.get("/")
    item = make_item(db, org)  # outside a request: no address
    assert audit.timeline(db, "instructed_item", item.id)[0].address in ("", "127.0.0.1")


def test_the_global_sequence_has_no_gaps(db, org):
    for _ in range(3):
        make_item(db, org)
    seqs = list(db.scalars(select(AuditEntry.gseq).order_by(AuditEntry.gseq)))
    assert seqs == list(range(seqs[0], seqs[0] + len(seqs)))


def test_the_scheduler_seals_to_the_database_and_the_file(app, db, org, tmp_path, connection):
    from tests.conftest import BoundDatabase
    from webapp.deadlines.cli import _seal_audit

    make_item(db, org)
    db.commit()
    app.config["AUDIT_SEAL_FILE"] = str(tmp_path / "seals.jsonl")
    _seal_audit(app, BoundDatabase(connection), datetime.now(UTC))
    assert db.scalar(select(func.count(AuditSeal.id))) == 1
    assert len((tmp_path / "seals.jsonl").read_text().splitlines()) == 1
    _seal_audit(app, BoundDatabase(connection), datetime.now(UTC) + timedelta(minutes=1))  # nothing new: no second seal
    assert db.scalar(select(func.count(AuditSeal.id))) == 1
    report = audit_seals.verify(db, path=str(tmp_path / "seals.jsonl"))
    assert report.intact, report.problems


def test_cli_verify_reports_damage(app, db, org):
    item = make_item(db, org)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit-verify"])
    assert ok.exit_code == 0 and "审计链完整" in ok.output
    entry = audit.timeline(db, "instructed_item", item.id)[0]
    entry.summary = "改过"
    db.flush()
    bad = runner.invoke(args=["audit-verify"])
    assert bad.exit_code != 0 and "被改动" in bad.output


def test_old_unkeyed_entries_are_re_keyed_after_their_chain_checks(db, org):
    import hashlib

    item = make_item(db, org)
    entry = audit.timeline(db, "instructed_item", item.id)[0]
    entry.alg = audit.LEGACY
    entry.hash = hashlib.sha256(audit._body(entry)).hexdigest()
    db.flush()
    assert not audit_seals.verify(db).intact
    assert audit.adopt_legacy(db) == 1
    assert audit_seals.verify(db).intact


def test_the_auditor_searches_and_exports_without_case_content(as_user, org, db):
    auditor = make_user(db, Role.SECURITY_AUDITOR)
    item = make_item(db, org, title="机密案件标题")
    for other in (org.admin, org.coordinator, make_user(db, Role.SECURITY_ADMIN)):
        assert as_user(other).get("/audit").status_code == 403
    client = as_user(auditor)
    page = client.get(f"/audit?family=instructed_item&subject_id={item.id}").get_data(as_text=True)
    assert "register" in page and "机密案件标题" not in page and audit_search_hidden() in page
    mine = client.get(f"/audit?username={auditor.username}&action=login").get_data(as_text=True)
    assert "登录系统" in mine
    assert client.get("/audit?since=2026-13-45").status_code == 400
    resp = client.get(f"/audit/export.xlsx?family=instructed_item&subject_id={item.id}")
    assert resp.status_code == 200 and resp.headers["Content-Disposition"].startswith("attachment")
    rows = list(load_workbook(BytesIO(resp.data)).active.values)
    assert rows[0][0] == "全局序号" and len(rows) == 2 and "机密案件标题" not in str(rows)
    assert db.scalar(select(AuditEntry).where(AuditEntry.action == "export_audit")).actor_id == auditor.id


def audit_search_hidden() -> str:
    from workflows.audit_search import HIDDEN

    return HIDDEN


def test_no_route_deletes_audit_entries(app):
    for rule in app.url_map.iter_rules():
        assert "DELETE" not in rule.methods
        assert not (rule.endpoint.startswith("auditlog.") and "POST" in rule.methods), rule
