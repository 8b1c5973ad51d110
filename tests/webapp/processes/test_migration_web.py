"""The administrator's migration pages: dry run, a batch, the record and its undo; `flask deploy-bpmn`."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import select

from models.engine import ProcessInstance, ProcessMigration, ProcessVersion
from tests.factories import NOW, make_item
from tests.webapp.helpers import post_form
from tests.workflows.items.test_lifecycle import do
from workflows import engine

BPMN = Path(__file__).resolve().parents[3] / "bpmn"


def _new_version(db, tmp_path, old='name="审核"', new='name="审核把关"'):
    folder = tmp_path / "bpmn"
    shutil.copytree(BPMN, folder)
    path = folder / "instructed_item.bpmn"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), "utf-8")
    return engine.deploy(db, engine.parse_folder(folder)["instructed_item"], NOW)


def test_dry_run_then_a_batch_then_undo(db, org, as_user, tmp_path):
    waiting, assigned = make_item(db, org), make_item(db, org)
    do(db, org, assigned, "assign", lead_squad_id=org.squad_a.id)
    source = db.get(ProcessInstance, waiting.instance_id).version_id
    target = _new_version(db, tmp_path, '"accept"', '"sign_for"')
    client = as_user(org.admin)
    page = "/admin/processes/instructed_item/migrate"
    assert client.get(page).status_code == 200
    form = {"source": source, "target": target.id, "mapping": "", "batch": 50}
    dry = post_form(client, page, page, {**form, "action": "dry_run"}).get_data(as_text=True)
    assert "1 件可迁移，1 件不能迁移" in dry and "当前环节“签收”（accept）在目标版本中不存在" in dry
    bad = post_form(client, page, page, {**form, "mapping": "accept sign_for", "action": "dry_run"})
    assert bad.status_code == 400 and "第 1 行格式不正确" in bad.get_data(as_text=True)
    moved = post_form(client, page, page, {**form, "mapping": "accept=sign_for", "action": "migrate"},
                      follow_redirects=True).get_data(as_text=True)
    assert "已迁移 2 件" in moved and "撤销迁移" in moved
    assert waiting.title not in dry and waiting.title not in moved, "三员分立: the administrator sees no case content"
    assert {db.get(ProcessInstance, s.instance_id).version_id for s in (waiting, assigned)} == {target.id}
    entry_id = moved.split("/processes/migrations/")[1].split("/undo")[0]
    undone = post_form(client, "/admin/processes/instructed_item/migrations",
                       f"/admin/processes/migrations/{entry_id}/undo", {}, follow_redirects=True)
    assert "已撤销迁移" in undone.get_data(as_text=True)
    db.expire_all()
    (back,) = [m for m in db.scalars(select(ProcessMigration)) if m.undone_at is not None]
    assert db.get(ProcessInstance, back.instance_id).version_id == source, "undone: on its old version again"


def test_only_the_administrator_sees_the_migration_pages(db, org, as_user):
    make_item(db, org)
    for user, status in ((org.coordinator, 403), (org.admin, 200)):
        client = as_user(user)
        assert client.get("/admin/processes/instructed_item/migrate").status_code == status
        assert client.get("/admin/processes/instructed_item/migrations").status_code == status
    assert as_user(org.admin).get("/admin/processes/nothing/migrate").status_code == 404


def test_deploy_bpmn_stores_a_changed_file_as_a_new_version(app, db, tmp_path):
    folder = tmp_path / "bpmn"
    shutil.copytree(BPMN, folder)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["deploy-bpmn"])
    assert first.exit_code == 0 and "instructed_item: v" in first.output
    before = db.scalar(select(ProcessVersion.number).where(ProcessVersion.process_id == "instructed_item")
                       .order_by(ProcessVersion.number.desc()).limit(1))
    path = folder / "instructed_item.bpmn"
    path.write_text(path.read_text(encoding="utf-8").replace('name="交办"', 'name="交办派单"'), "utf-8")
    engine.configure(folder)
    try:
        second = runner.invoke(args=["deploy-bpmn"])
        assert f"instructed_item: v{before + 1}（新版本）" in second.output
        item_version = engine.get_process("instructed_item").sha256
        assert db.scalar(select(ProcessVersion.number).where(ProcessVersion.sha256 == item_version)) == before + 1
    finally:
        engine.configure(BPMN)
