"""Headless Chromium for the browser tests: a live app on a file database, a driver (desktop or a phone's
mobile emulation), and the steps every test repeats. Without Chromium a test is skipped with the reason;
under CI (CI=true) that is a failure."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

import config
from tests.factories import PASSWORD, Org
from webapp import create_app, migrate
from webapp.db import make_engine

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
PHONE = {"width": 390, "height": 844, "pixelRatio": 3.0}


def require_browser() -> None:
    if CHROMIUM and DRIVER:
        return
    reason = "headless Chromium not installed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run under CI: {reason}")
    pytest.skip(reason)


@contextmanager
def live_app(tmp_path: Path, setup: Callable[[Session, Org], dict]):
    """Serve the app on a fresh file database holding an `Org` and what `setup(db, org)` adds (committed)."""
    require_browser()
    url = f"sqlite:///{tmp_path / 'browser.db'}"
    db_engine = make_engine(url)
    with db_engine.begin() as conn:
        migrate.upgrade(url, conn)
    with Session(db_engine, expire_on_commit=False) as db:
        org = Org(db)
        extra = setup(db, org)
        db.commit()
    app = create_app(config.TestConfig, DATABASE_URL=url, UPLOAD_FOLDER=str(tmp_path / "up"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"base": f"http://127.0.0.1:{server.server_port}", "org": org, "engine": db_engine, **extra}
    finally:
        server.shutdown()
        db_engine.dispose()


@contextmanager
def chrome(phone: bool = False):
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,900", "--lang=zh-CN"):
        options.add_argument(flag)
    if phone:
        options.add_experimental_option("mobileEmulation", {
            "deviceMetrics": PHONE,
            "userAgent": "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                         "Chrome/120.0 Mobile Safari/537.36"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def log_in(driver, base: str, username: str) -> None:
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(base + "/login")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys(PASSWORD)
    submit(driver, driver.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def click(driver, element) -> None:
    """Scroll an element to the middle of the viewport and click it (sticky headers never cover it)."""
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", element)
    WebDriverWait(driver, 10).until(ec.element_to_be_clickable(element)).click()


def submit(driver, button) -> None:
    """Click a button that posts a form and wait for the next page to replace this one."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    click(driver, button)
    # while the old document is torn down Chromium may answer "Node with given id does not belong to the
    # document" instead of "stale element": that is the same moment, so keep polling
    WebDriverWait(driver, 15, ignored_exceptions=(WebDriverException,)).until(ec.staleness_of(page))


def flash(driver) -> str:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 10).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".alert"))).text
