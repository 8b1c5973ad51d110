"""System administration: the working calendar (years, overrides, year complete → provisional deadlines
recomputed), clock rules and scheduler incidents."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from models.audit import AuditEntry
from models.deadlines import ClockRule, SchedulerFailure
from models.items import ItemKind
from tests.factories import make_item
from tests.webapp.helpers import post_form
from workflows import audit
from workflows.calendar import end_of_local_day

RECEIVED = datetime(2026, 12, 24, 2, 0, tzinfo=UTC)


def test_only_admins(as_user, org):
    for user in (org.coordinator, org.leader, org.a_leader):
        assert as_user(user).get("/admin/calendar").status_code == 403
    assert as_user(org.admin).get("/admin/calendar").status_code == 200


def test_calendar_years_and_recompute(db, org, as_user):
    item = make_item(db, org, kind=ItemKind.CITY_LEADER, now=RECEIVED, received_at=RECEIVED)
    assert item.deadline_provisional
    admin = as_user(org.admin)
    page = admin.get("/admin/calendar?year=2027").get_data(as_text=True)
    assert "官方（国务院已公布）" in page and "暂定（按周末规则）" in page
    bad = post_form(admin, "/admin/calendar?year=2027", "/admin/calendar/override?year=2027",
                    {"day": "2027-13-01", "is_workday": "0"})
    assert bad.status_code == 400 and "日期" in bad.get_data(as_text=True)
    for day in ("2027-01-01", "2027-01-04"):
        resp = post_form(admin, "/admin/calendar?year=2027", "/admin/calendar/override?year=2027",
                         {"day": day, "is_workday": "0", "note": "元旦"})
        assert resp.status_code == 302
    resp = post_form(admin, "/admin/calendar?year=2027", "/admin/calendar/year/2027", {"complete": "1"})
    assert resp.status_code == 302
    db.expire_all()
    assert item.deadline_at == end_of_local_day(date(2027, 1, 11)) and not item.deadline_provisional
    assert "已录入（管理员确认完整）" in admin.get("/admin/calendar?year=2027").get_data(as_text=True)
    actions = set(db.scalars(select(AuditEntry.action).where(AuditEntry.family == "calendar")))
    assert actions == {"calendar_override", "calendar_year"}
    assert post_form(admin, "/admin/calendar", "/admin/calendar/override/2027-02-30/delete", {}).status_code == 404


def test_clock_rules_form(db, org, as_user):
    admin = as_user(org.admin)
    bad = post_form(admin, "/admin/clock-rules", "/admin/clock-rules",
                    {"kind": "5", "step": "", "unit": "workday", "amount": "0", "yellow_pct": "67",
                     "red_workdays": "1", "escalate_workdays": "1", "counts_from": "step", "red_after_urges": "2",
                     "order_answer_workdays": "3"})
    assert bad.status_code == 400 and "时限必须在 1 到 365 之间" in bad.get_data(as_text=True)
    ok = post_form(admin, "/admin/clock-rules", "/admin/clock-rules",
                   {"kind": "5", "step": "", "unit": "day", "amount": "5", "same_day": "y", "yellow_pct": "50",
                    "red_workdays": "1", "escalate_workdays": "2", "pause_on_suspend": "y", "counts_from": "step",
                    "red_after_urges": "2", "order_answer_workdays": "3"})
    assert ok.status_code == 302
    row = db.scalar(select(ClockRule))
    assert (row.kind, row.unit, row.amount, row.same_day) == (5, "day", 5, True)
    item = make_item(db, org, kind=ItemKind.MEDIA_EXPOSURE, now=RECEIVED, received_at=RECEIVED)
    assert item.deadline_at == end_of_local_day(date(2026, 12, 28)), "5 natural days, same day counted: 12-28"


def test_a_rule_change_leaves_open_items_until_an_admin_recomputes_them_after_a_preview(db, org, as_user):
    from datetime import timedelta

    from workflows.deadlines.rules import save_rule

    earlier = make_item(db, org, kind=ItemKind.MEDIA_EXPOSURE, now=RECEIVED - timedelta(days=30),
                        received_at=RECEIVED - timedelta(days=30))
    before = earlier.deadline_at
    ruled = datetime.now(UTC) - timedelta(minutes=1)  # in force when the admin opens the recompute page
    save_rule(db, actor_id=org.admin.id, now=ruled, family="instructed_item", kind=5, step="",
              values={"unit": "workday", "amount": 9, "yellow_pct": 67, "red_workdays": 1, "escalate_workdays": 1,
                      "red_after_urges": 2, "order_answer_workdays": 3})
    later = make_item(db, org, kind=ItemKind.MEDIA_EXPOSURE, now=RECEIVED, received_at=RECEIVED)
    assert earlier.deadline_at == before, "open subjects keep their deadline"
    assert later.deadline_at == end_of_local_day(date(2027, 1, 6)), "9 working days for items registered after"
    admin = as_user(org.admin)
    page = admin.get("/admin/clock-rules/instructed_item/recompute").get_data(as_text=True)
    assert earlier.number in page and "确认重新计算" in page
    db.refresh(earlier)
    assert earlier.deadline_at == before, "the preview saves nothing"
    url = "/admin/clock-rules/instructed_item/recompute"
    resp = post_form(admin, url, url, {"subject_ids": str(earlier.id)})
    assert resp.status_code == 302
    db.refresh(earlier)
    assert earlier.deadline_at > before and earlier.clock_rules_at is not None
    assert "管理员重新计算" in " ".join(e.summary for e in audit.timeline(db, "instructed_item", earlier.id))


def test_incidents_page_and_retry(db, org, as_user):
    failure = SchedulerFailure(key="work:1", attempts=3, last_error="RuntimeError: boom", first_at=RECEIVED,
                               last_at=RECEIVED, incident=True)
    db.add(failure)
    db.flush()
    admin = as_user(org.admin)
    assert "RuntimeError: boom" in admin.get("/admin/incidents").get_data(as_text=True)
    assert post_form(admin, "/admin/incidents", f"/admin/incidents/{failure.id}/retry", {}).status_code == 302
    db.refresh(failure)
    assert (failure.incident, failure.attempts, failure.resolved_at) == (False, 0, None), "retried at the next tick"
