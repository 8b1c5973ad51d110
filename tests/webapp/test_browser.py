"""In headless Chromium: a squad member logs in, opens 待办 and completes a step.

Without Chromium the test is skipped with the reason; under CI (CI=true) that is a failure.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

import config
from tests.factories import NOW, PASSWORD, Org, finish, make_item, open_work
from webapp import create_app, migrate
from webapp.db import make_engine

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")


def _require_browser():
    if CHROMIUM and DRIVER:
        return
    reason = "headless Chromium not installed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture
def live(tmp_path: Path):
    _require_browser()
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    db_engine = make_engine(url)
    with db_engine.begin() as conn:
        migrate.upgrade(url, conn)
    with Session(db_engine, expire_on_commit=False) as db:
        org = Org(db)
        item = make_item(db, org, title="天山路占道经营被舆情监控交办")
        finish(db, actor=org.coordinator, now=NOW, item=item,
                                 task_uuid=open_work(db, item)[0].task_uuid,
                                 values={"lead_squad_id": org.squad_a.id})
        db.commit()
    app = create_app(config.TestConfig, DATABASE_URL=url, UPLOAD_FOLDER=str(tmp_path / "up"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"base": f"http://127.0.0.1:{server.server_port}", "org": org, "item": item, "engine": db_engine}
    server.shutdown()
    db_engine.dispose()


@pytest.fixture
def browser():
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,900", "--lang=zh-CN"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def test_squad_member_accepts_a_step_from_the_worklist(live, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    org, base = live["org"], live["base"]
    wait = WebDriverWait(browser, 10)
    browser.get(base + "/login")
    browser.find_element(By.NAME, "username").send_keys(org.a_member.username)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    row = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, "#todo tbody tr")))
    assert "待办" in browser.find_element(By.TAG_NAME, "h1").text
    assert "天山路占道经营" in row.text and "签收" in row.text
    row.find_element(By.LINK_TEXT, "办理").click()
    button = wait.until(ec.element_to_be_clickable((By.CSS_SELECTOR, "form[action*='/steps/'] button[type=submit]")))
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    wait.until(ec.element_to_be_clickable(button)).click()
    alert = wait.until(ec.presence_of_element_located((By.CSS_SELECTOR, ".alert-success")))
    assert "已办理" in alert.text and "调查取证" in alert.text
    assert "签收，承办人" in browser.find_element(By.ID, "timeline").text
    browser.get(base + "/")
    todo = wait.until(ec.presence_of_element_located((By.ID, "todo")))
    assert "调查取证" in todo.text
