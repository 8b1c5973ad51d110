"""In headless Chromium, the task operations on an open step of every family, through the pages a user clicks:
签收 / 取消签收, 批注, 跟进日期, 抄送 with its read receipt, 催办; and for a squad's step 委派 → the delegate's
办理 → the owner's confirmation → 撤回. A phone (390 px, mobile emulation) sees 待办 as cards and can work."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.audit import AuditEntry
from tests.factories import NOW, finish, make_case, make_item, make_petition, make_referral, open_work
from tests.webapp import browser as b

PAGES = {"instructed_item": "/items/{}", "petition": "/petitions/{}", "major_case": "/cases/{}",
         "referral": "/referrals/{}"}
HOLDER = {"instructed_item": "a_member", "petition": "a_member", "major_case": "coordinator", "referral": "officer"}


def _subject(db, org, family):
    if family == "instructed_item":
        subject = make_item(db, org, title="延安西路夜间施工噪音扰民")
        finish(db, actor=org.coordinator, now=NOW, item=subject, task_uuid=open_work(db, subject)[0].task_uuid,
               values={"lead_squad_id": org.squad_a.id})
    elif family == "petition":
        subject = make_petition(db, org)
        finish(db, actor=org.coordinator, now=NOW, petition=subject, task_uuid=open_work(db, subject)[0].task_uuid,
               values={"decision": "assign", "squad_id": org.squad_a.id})
    else:
        subject = make_case(db, org) if family == "major_case" else make_referral(db, org)
    return {"subject": subject, "family": family}


def _actions(engine, family: str, subject_id: int) -> list[str]:
    with Session(engine) as db:
        return list(db.scalars(select(AuditEntry.action).where(AuditEntry.family == family,
                                                               AuditEntry.subject_id == subject_id)
                               .order_by(AuditEntry.seq)))


def _button(driver, text):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.XPATH, f"//button[normalize-space()='{text}'] | "
                                         f"//summary[normalize-space()='{text}']")


@pytest.mark.parametrize("family", list(PAGES))
def test_every_operation_on_an_open_step_through_the_pages(tmp_path, family):
    from selenium.webdriver.common.by import By

    with b.live_app(tmp_path, lambda db, org: _subject(db, org, family)) as live, b.chrome() as driver:
        org, base, subject = live["org"], live["base"], live["subject"]
        page = base + PAGES[family].format(subject.id)
        holder = getattr(org, HOLDER[family])
        b.log_in(driver, base, holder.username)
        driver.get(page)
        b.submit(driver, _button(driver, "签收"))
        assert "签收" in b.flash(driver)
        b.submit(driver, _button(driver, "取消签收"))
        assert "取消签收" in b.flash(driver) or "退回" in b.flash(driver)
        b.submit(driver, _button(driver, "签收"))
        driver.find_element(By.NAME, "text").send_keys("请先核实现场照片")
        b.submit(driver, _button(driver, "添加批注"))
        assert "请先核实现场照片" in driver.find_element(By.ID, "timeline").text
        b.click(driver, _button(driver, "跟进日期"))
        day = driver.find_element(By.CSS_SELECTOR, "input[name=on]")
        driver.execute_script("arguments[0].value = '2026-12-31';", day)
        b.submit(driver, day.find_element(By.XPATH, "./following-sibling::button"))
        assert "跟进日期 2026-12-31" in driver.find_element(By.CSS_SELECTOR, ".step-card").text

        b.log_in(driver, base, org.coordinator.username)
        driver.get(page)
        b.click(driver, _button(driver, "抄送给…"))
        leader_box = driver.find_element(By.XPATH, f"//div[contains(@class,'cc-people')]//label[contains(., "
                                                   f"'{org.leader.name}')]/input")
        b.click(driver, leader_box)
        b.submit(driver, _button(driver, "抄送"))
        assert org.leader.name in driver.find_element(By.ID, "cc-receipts").text
        assert "未读" in driver.find_element(By.ID, "cc-receipts").text
        b.click(driver, driver.find_element(By.LINK_TEXT, "催办"))
        driver.find_element(By.NAME, "message").send_keys("请于今日内反馈进展")
        b.submit(driver, _button(driver, "发送催办"))
        assert "催办" in b.flash(driver)

        b.log_in(driver, base, org.leader.username)
        driver.get(base + "/cc")
        assert subject.number in driver.find_element(By.ID, "cc").text
        driver.get(page)
        assert "已读" in driver.find_element(By.ID, "cc-receipts").text

    done = _actions(live["engine"], family, subject.id)
    for action in ("claim", "unclaim", "comment", "cc", "urge"):
        assert action in done, (family, action, done)
    assert "follow_up" in _actions(live["engine"], "user", holder.id), "a private date is audited on the user's chain"


def test_a_squad_step_is_delegated_confirmed_and_withdrawn(tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    with b.live_app(tmp_path, lambda db, org: _subject(db, org, "instructed_item")) as live, b.chrome() as driver:
        org, base, item = live["org"], live["base"], live["subject"]
        page = base + f"/items/{item.id}"
        b.log_in(driver, base, org.a_member.username)
        driver.get(page)
        b.submit(driver, _button(driver, "签收"))
        b.click(driver, _button(driver, "委派"))
        Select(driver.find_element(By.CSS_SELECTOR, "select[id^=delegate-user]")).select_by_visible_text(
            org.a_member2.name)
        b.submit(driver, _button(driver, "确认委派"))
        assert "委派" in b.flash(driver)

        b.log_in(driver, base, org.a_member2.username)
        driver.get(base + "/")
        assert item.title in driver.find_element(By.ID, "todo").text
        driver.get(page)
        b.submit(driver, driver.find_element(By.XPATH, "//button[contains(., '完成委派办理')]"))
        assert "交回" in b.flash(driver) or "委派" in b.flash(driver)

        b.log_in(driver, base, org.a_member.username)
        driver.get(page)
        assert "受托人" in driver.find_element(By.CSS_SELECTOR, ".step-card").text
        b.submit(driver, driver.find_element(By.CSS_SELECTOR, "form[action*='/steps/'] button[type=submit]"))
        assert "已办理" in b.flash(driver)
        b.submit(driver, driver.find_element(By.CSS_SELECTOR, "#withdraw button"))
        assert "撤回" in b.flash(driver)
        card = driver.find_element(By.CSS_SELECTOR, ".step-card .card-header").text
        assert card.startswith("签收"), "the instance went back to the withdrawn step"

    done = _actions(live["engine"], "instructed_item", item.id)
    for action in ("delegate", "withdraw"):
        assert any(action in a for a in done), (action, done)


def test_a_phone_sees_todo_as_cards_and_can_work(tmp_path):
    from selenium.webdriver.common.by import By

    with b.live_app(tmp_path, lambda db, org: _subject(db, org, "instructed_item")) as live, \
            b.chrome(phone=True) as driver:
        org, base = live["org"], live["base"]
        b.log_in(driver, base, org.a_member.username)
        driver.get(base + "/")
        width = driver.execute_script("return window.innerWidth")
        assert width <= 414
        assert driver.execute_script("return document.documentElement.scrollWidth") <= width + 1, "no sideways scroll"
        head = driver.find_element(By.CSS_SELECTOR, "#todo thead")
        assert not head.is_displayed(), "the table head gives way to labelled cards"
        title = driver.find_element(By.CSS_SELECTOR, "#todo td.title-col")
        line = driver.execute_script("return parseFloat(getComputedStyle(arguments[0]).lineHeight) || 24", title)
        assert title.size["width"] > width * 0.7, "the title spans the card"
        assert title.size["height"] < 4 * line, "the title wraps over a few lines, not one character a line"
        b.click(driver, title.find_element(By.TAG_NAME, "a"))
        evidence = driver.find_element(By.CSS_SELECTOR, ".step-card input[type=file]")
        assert "image/*" in evidence.get_attribute("accept"), "a phone offers its camera for evidence"
        submit = driver.find_element(By.CSS_SELECTOR, "form[action*='/steps/'] button[type=submit]")
        assert submit.size["width"] > width * 0.7, "buttons are thumb-wide"
        assert driver.execute_script("return document.documentElement.scrollWidth") <= width + 1
        b.submit(driver, submit)
        assert "已办理" in b.flash(driver)
