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


def test_the_subject_diagram_and_the_catalogue_heat_map_render(live, browser):
    """bpmn-js draws the item's process with the completed step green, the open one marked with its holder,
    and the catalogue's heat map counts the open step; the step list stays on the page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    org, base, item = live["org"], live["base"], live["item"]
    wait = WebDriverWait(browser, 15)
    b.log_in(browser, base, org.coordinator.username)
    browser.get(f"{base}/items/{item.id}")
    canvas = browser.find_element(By.CSS_SELECTOR, "[data-diagram=subject]")
    wait.until(lambda _: canvas.get_attribute("data-diagram-ready"))
    assert canvas.get_attribute("data-diagram-ready") == "1", "the diagram failed to load"
    assert browser.find_elements(By.CSS_SELECTOR, ".djs-element.d-done[data-element-id=assign]")
    open_step = browser.find_element(By.CSS_SELECTOR, ".djs-element[data-element-id=accept]")
    assert {"d-current", "d-overdue"} & set(open_step.get_attribute("class").split()), "the open step is marked"
    assert browser.find_elements(By.CSS_SELECTOR, ".djs-connection.d-taken")
    assert "未签收" in browser.find_element(By.CSS_SELECTOR, ".d-note").text
    assert browser.find_elements(By.CSS_SELECTOR, ".step-card"), "the step list stays"
    browser.get(f"{base}/processes/instructed_item")
    heat = browser.find_element(By.CSS_SELECTOR, "[data-diagram=heat]")
    wait.until(lambda _: heat.get_attribute("data-diagram-ready"))
    assert heat.get_attribute("data-diagram-ready") == "1"
    assert browser.find_element(By.CSS_SELECTOR, ".d-heat-count").text == "1"
    browser.find_element(By.CSS_SELECTOR, ".djs-element[data-element-id=accept]").click()
    wait.until(lambda b: "/steps/accept" in b.current_url)
    assert item.number in browser.find_element(By.ID, "at-step").text


def _returned_item(db, org) -> dict:
    from datetime import timedelta

    from workflows.tasks import returns

    found = _assigned_item(db, org)
    row = returns.file(db, actor=org.a_leader, now=NOW + timedelta(hours=1), family="instructed_item",
                       subject_id=found["item"].id, reason="territory", explanation="该点位属江苏路街道辖区")
    returns.decide(db, actor=org.coordinator, now=NOW + timedelta(hours=2), return_id=row.id, accept=True,
                   to_squad_id=org.squad_b.id)
    return found


@pytest.fixture
def live_returned(tmp_path):
    with b.live_app(tmp_path, _returned_item) as app:
        yield app


def test_a_return_and_its_reassignment_show_on_the_diagram(live_returned, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    org, base, item = live_returned["org"], live_returned["base"], live_returned["item"]
    b.log_in(browser, base, org.coordinator.username)
    browser.get(f"{base}/items/{item.id}")
    canvas = browser.find_element(By.CSS_SELECTOR, "[data-diagram=subject]")
    WebDriverWait(browser, 15).until(lambda _: canvas.get_attribute("data-diagram-ready"))
    assert canvas.get_attribute("data-diagram-ready") == "1", "the diagram failed to load"
    assert browser.find_elements(By.CSS_SELECTOR, ".djs-element.d-returned[data-element-id=assign]")
    note = browser.find_element(By.CSS_SELECTOR, ".d-note-returned").text
    assert "退单" in note and "属地不符" in note and "已同意并改派" in note and "退单改派" in note
