"""On a phone (390 px, Chromium mobile emulation): a squad member rectifies a finding with photo evidence, and the
squad inspector reads the ledger — without sideways scrolling."""

from __future__ import annotations

from sqlalchemy import select

from models.inspections import Finding
from models.org import Role
from tests.factories import NOW, finish, make_case_files, make_round, make_templates, open_work
from tests.webapp import browser as b
from workflows.inspections import review


def _finding(db, org) -> dict:
    made = make_templates(db)
    make_case_files(db, org.squad_a, 2, handler=org.a_member)
    rnd = make_round(db, org, made["case_review"], squads=[org.squad_a])

    def do(step, values):
        work = next(w for w in open_work(db, rnd) if w.step == step)
        finish(db, actor=org.officer, now=NOW, task_uuid=work.task_uuid, values=values, subject=rnd)

    do("plan", {"scope": "10月", "squad_ids": [org.squad_a.id], "sample_size": 1})
    do("sample", {"seed": 1})
    do("assign", {"reviewer_ids": [org.officer.id]})
    items = rnd.template_version.items
    marks = {i.id: {"passed": True} for i in items if i.method == "pass_fail"}
    review.submit(db, actor=org.officer, now=NOW, target_id=rnd.targets[0].id,
                  sheet=review.Sheet(marks, [review.Problem(items[3].id, "文书不规范", "询问笔录无当事人签名")]))
    do("review", {})
    do("confirm", {})
    org.a_member2.roles = [Role.SQUAD_MEMBER, Role.SQUAD_INSPECTOR]
    return {"finding_id": db.scalar(select(Finding.id).where(Finding.round_id == rnd.id))}


def test_a_squad_member_rectifies_on_a_phone(tmp_path):
    from selenium.webdriver.common.by import By

    with b.live_app(tmp_path, _finding) as live, b.chrome(phone=True) as driver:
        org, base = live["org"], live["base"]
        b.log_in(driver, base, org.a_member.username)
        driver.get(f"{base}/inspections/findings/{live['finding_id']}")
        width = driver.execute_script("return window.innerWidth")
        assert width <= 414
        assert driver.execute_script("return document.documentElement.scrollWidth") <= width + 1, "no sideways scroll"
        evidence = driver.find_element(By.CSS_SELECTOR, ".step-card input[type=file]")
        assert "image/*" in evidence.get_attribute("accept"), "a phone offers its camera for evidence"
        driver.find_element(By.CSS_SELECTOR, "textarea[name='rectify-measures']").send_keys("已补签名并组织学习")
        button = driver.find_element(By.CSS_SELECTOR, "form[action*='/steps/'] button[type=submit]")
        assert button.size["width"] > width * 0.7, "buttons are thumb-wide"
        b.submit(driver, button)
        assert "已办理" in b.flash(driver)
        assert "整改验收" in driver.find_element(By.ID, "finding-status").find_element(By.XPATH, "..").text
        b.log_in(driver, base, org.a_member2.username)
        driver.get(f"{base}/inspections/ledger?squad={org.squad_a.id}&period=2026-11")
        assert "询问笔录无当事人签名" in driver.find_element(By.ID, "ledger-findings").text
        assert driver.execute_script("return document.documentElement.scrollWidth") <= width + 1
