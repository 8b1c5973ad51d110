"""回调投递: the system administrator sees deliveries and failures and re-sends one; nobody else enters."""

from __future__ import annotations

from sqlalchemy import select

from models.webhooks import WebhookDelivery
from tests.factories import NOW, make_item
from tests.webapp.helpers import post_form
from workflows import webhooks
from workflows.petitions import api_clients


def _failed(db, org):
    client, _ = api_clients.create_client(db, name="12345热线", now=NOW)
    webhooks.register(db, client=client, url="http://127.0.0.1:9/hook", now=NOW)
    make_item(db, org)
    delivery = db.scalar(select(WebhookDelivery))
    delivery.status, delivery.attempts, delivery.last_error, delivery.next_attempt_at = "failed", 8, "连接被拒绝", None
    db.flush()
    return delivery


def test_the_admin_sees_a_failure_and_resends_it(db, org, as_user):
    delivery = _failed(db, org)
    client = as_user(org.admin)
    page = client.get("/admin/webhooks?status=failed")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "连接被拒绝" in html and "http://127.0.0.1:9/hook" in html and "重新发送" in html
    response = post_form(client, "/admin/webhooks", f"/admin/webhooks/deliveries/{delivery.id}/resend", {})
    assert response.status_code == 302
    db.refresh(delivery)
    assert (delivery.status, delivery.attempts) == ("pending", 0)


def test_others_may_not_enter(db, org, as_user):
    delivery = _failed(db, org)
    assert as_user(org.coordinator).get("/admin/webhooks").status_code == 403
    assert as_user(org.admin).post(f"/admin/webhooks/deliveries/{delivery.id + 99}/resend").status_code in (400, 404)
