"""回调投递: the outbound webhooks' deliveries and failures, with a re-send button (system administrator)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from models.webhooks import Webhook, WebhookDelivery
from webapp.admin.common import _now, bp
from webapp.db import session
from webapp.extensions import actor
from workflows import webhooks

STATUS_LABELS = {"pending": "待发送", "sent": "已送达", "failed": "失败"}


@bp.route("/webhooks")
def webhook_deliveries():
    db = session()
    status = request.args.get("status") or None
    rows = webhooks.deliveries(db, actor=actor(), status=status if status in STATUS_LABELS else None)
    counts = dict(db.execute(select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status)).all())
    hooks = list(db.scalars(select(Webhook).order_by(Webhook.id)))
    return render_template("admin/webhooks.html", rows=rows, counts=counts, hooks=hooks, status=status,
                           labels=STATUS_LABELS)


@bp.route("/webhooks/deliveries/<int:delivery_id>/resend", methods=["POST"])
def webhook_resend(delivery_id: int):
    db = session()
    webhooks.resend(db, actor=actor(), now=_now(), delivery_id=delivery_id)
    db.commit()
    flash("已重新排队，下一次定时扫描会发送（幂等键不变）", "success")
    return redirect(url_for("admin.webhook_deliveries", status=request.args.get("status") or None))
