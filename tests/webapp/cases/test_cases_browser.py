"""In headless Chromium, the done-criterion: a coordinator supervises a major case by letter and on site, finds
a problem in 法律适用, gets it rectified, refers the slow squad to 督察科 and sees the outcome.

Without Chromium the test is skipped with the reason (a failure under CI), like tests/webapp/test_browser.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.factories import PASSWORD
from tests.webapp import browser as b

LOCAL_NOW = datetime.now(UTC) + timedelta(hours=8)


@pytest.fixture
def live(tmp_path: Path):
    photo = tmp_path / "现场照片.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0photo")
    with b.live_app(tmp_path, lambda db, org: {}) as app:
        yield {**app, "photo": str(photo)}


@pytest.fixture
def browser():
    with b.chrome() as driver:
        yield driver


class Page:
    def __init__(self, driver, base):
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support.ui import WebDriverWait

        self.d, self.base, self.by, self.wait = driver, base, By, WebDriverWait(driver, 10)

    def login(self, user):
        self.d.delete_all_cookies()
        self.d.get(self.base + "/login")
        self.d.find_element(self.by.NAME, "username").send_keys(user.username)
        self.d.find_element(self.by.NAME, "password").send_keys(PASSWORD)
        self.d.find_element(self.by.CSS_SELECTOR, "button[type=submit]").click()
        self.wait.until(lambda d: "/login" not in d.current_url)

    def css(self, selector):
        return self.d.find_element(self.by.CSS_SELECTOR, selector)

    def set(self, name, value):
        """Type into a field, or set it by script (dates, selects) so the locale's widgets do not matter."""
        self.d.execute_script("arguments[0].value = arguments[1];", self.css(f"[name='{name}']"), value)

    def check(self, name, value):
        self.d.execute_script("arguments[0].click();", self.css(f"input[name='{name}'][value='{value}']"))

    def submit(self, action_part):
        button = self.css(f"form[action*='{action_part}'] button[type=submit]")
        self.d.execute_script("arguments[0].click();", button)
        return self.wait.until(lambda d: d.find_element(self.by.CSS_SELECTOR, ".alert-success")).text


def _supervise(page, org, photo: str) -> str:
    page.login(org.coordinator)
    page.d.get(page.base + "/cases/new")
    page.set("title", "仙霞路某餐饮店违法搭建案")
    page.set("violation", "擅自搭建彩钢板房")
    page.set("squad_id", str(org.squad_a.id))
    page.check("forms", "letter")
    page.check("forms", "onsite")
    assert "已发起督办" in page.submit("/cases/new")
    case_url = page.d.current_url
    page.set("record-form", "onsite")
    page.set("record-held_at", (LOCAL_NOW - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.set("record-people", "协调科、华阳路中队")
    page.set("record-content", "现场违法建筑尚未拆除")
    page.css("input[name='record-files']").send_keys(photo)
    assert "已登记现场督办记录" in page.submit("/records")
    for point in ("filing", "determination", "procedure", "penalty"):
        page.check(f"review_points-result_{point}", "ok")
    page.check("review_points-result_law", "problem")
    page.set("review_points-note_law", "适用条款错误")
    assert "整改答复" in page.submit("/steps/")
    assert "长城管督〔" in page.css("#letters").text
    return case_url


def test_major_case_by_letter_and_on_site_to_referral_outcome(live, browser):  # noqa: F811
    org, page = live["org"], Page(browser, live["base"])
    case_url = _supervise(page, org, live["photo"])
    page.login(org.a_member)
    page.d.get(case_url)
    page.set("rectify-answer_law", "已变更适用条款并重新送达")
    page.submit("/steps/")
    page.login(org.coordinator)
    page.d.get(case_url)
    page.check("verify-decision", "approve")
    assert "已办结" in page.submit("/steps/")
    page.css("#referral-panel a.btn").click()
    page.check("classification", "slow")
    page.check("target_kind", "squad")
    page.set("target_squad_id", str(org.squad_a.id))
    page.set("facts", "整改拖延")
    assert "督察科" in page.submit("/referrals/new")
    referral_url = page.d.current_url
    page.login(org.officer)
    page.d.get(referral_url)
    page.check("accept-decision", "accept")
    page.submit("/steps/")
    page.set("investigate-findings", "属实")
    page.submit("/steps/")
    page.set("record_outcome-outcome", "talk")
    page.set("record_outcome-outcome_on", LOCAL_NOW.date().isoformat())
    page.set("record_outcome-doc_number", "长督察〔2026〕5号")
    assert "已办结" in page.submit("/steps/")
    page.login(org.coordinator)
    page.d.get(case_url)
    assert "谈话提醒/批评教育" in page.css("#referral-panel").text
