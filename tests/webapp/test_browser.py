"""In headless Chromium: a squad member logs in, opens 待办 and completes a step."""

from __future__ import annotations

import pytest

from tests.factories import NOW, finish, make_item, open_work
from tests.webapp import browser as b


def _assigned_item(db, org) -> dict:
    item = make_item(db, org, title="天山路占道经营被舆情监控交办")
    finish(db, actor=org.coordinator, now=NOW, item=item, task_uuid=open_work(db, item)[0].task_uuid,
           values={"lead_squad_id": org.squad_a.id})
    return {"item": item}


@pytest.fixture
def live(tmp_path):
    with b.live_app(tmp_path, _assigned_item) as app:
        yield app


@pytest.fixture
def browser():
    with b.chrome() as driver:
        yield driver


def test_squad_member_accepts_a_step_from_the_worklist(live, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    org, base = live["org"], live["base"]
    wait = WebDriverWait(browser, 10)
    b.log_in(browser, base, org.a_member.username)
    row = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#todo tbody tr")))
    assert "待办" in browser.find_element(By.TAG_NAME, "h1").text
    assert "天山路占道经营" in row.text and "签收" in row.text
    row.find_element(By.LINK_TEXT, "办理").click()
    b.click(browser, wait.until(ec.presence_of_element_located(
        (By.CSS_SELECTOR, "form[action*='/steps/'] button[type=submit]"))))
    alert = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".alert-success")))
    assert "已办理" in alert.text and "调查取证" in alert.text
    assert "签收，承办人" in browser.find_element(By.ID, "timeline").text
    browser.get(base + "/")
    todo = wait.until(ec.presence_of_element_located((By.ID, "todo")))
    assert "调查取证" in todo.text
