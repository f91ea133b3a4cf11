"""数据推送: the webhook subscriptions of the exchange accounts (administrators only): subscribe
a platform at a URL (its signing secret shown once), stop a subscription, see the recent
deliveries and the dead-letter list, and replay a dead delivery (audited)."""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext

from app.errors import DomainError
from app.models import FEED_RECORD_TYPES
from app.services.exchange import accounts, webhook_log, webhook_subscriptions
from app.services.exchange.accounts import require_admin
from app.web import bp
from app.web.common import page, paging_args, web_actor


def _page(status: int = 200, created=None, secret: str | None = None, error: str | None = None):
    actor = web_actor()
    # the dead letters and the log, each paged on its own; an export holds each whole (or refuses)
    dead_page = paging_args(exported=True, param="dead_page").counted(
        webhook_log.count_deliveries(actor, status="dead"))
    log_page = paging_args(exported=True, param="log_page").counted(webhook_log.count_deliveries(actor))
    response = make_response(render_template(
        "admin/webhooks.html", subscriptions=webhook_subscriptions.list_subscriptions(actor),
        accounts=[a for a in accounts.list_accounts(actor) if not a.revoked_at],
        dead=webhook_log.list_deliveries(actor, status="dead", limit=dead_page.size, offset=dead_page.offset),
        recent=webhook_log.list_deliveries(actor, limit=log_page.size, offset=log_page.offset),
        dead_page=dead_page, log_page=log_page, record_types=FEED_RECORD_TYPES,
        created=created, secret=secret, error=error, values=request.form), status)
    response.headers["Cache-Control"] = "no-store"  # the page may carry a secret shown once
    return response


@bp.get("/admin/webhooks")
@page
def admin_webhooks():
    return _page()


@bp.post("/admin/webhooks")
@page
def admin_create_webhook():
    require_admin(web_actor())  # refused before any input is looked at
    try:
        account_id = int(request.form.get("account_id", "0") or 0)
        row, secret = webhook_subscriptions.create_subscription(
            web_actor(), account_id, request.form.get("url", ""), request.form.getlist("record_types") or None)
    except ValueError:
        return _page(422, error="请选择交换账号。")
    except DomainError as exc:
        return _page(422, error=exc.message)
    return _page(201, created=row, secret=secret)


@bp.post("/admin/webhooks/<int:subscription_id>/disable")
@page
def admin_disable_webhook(subscription_id: int):
    require_admin(web_actor())
    try:
        webhook_subscriptions.disable_subscription(web_actor(), subscription_id)
    except DomainError as exc:
        flash(gettext(exc.message), "error")
    else:
        flash(gettext("推送订阅已停用。"), "ok")
    return redirect(url_for("web.admin_webhooks"))


@bp.post("/admin/webhooks/deliveries/<int:delivery_id>/replay")
@page
def admin_replay_webhook_delivery(delivery_id: int):
    require_admin(web_actor())
    try:
        webhook_log.replay(web_actor(), delivery_id)
    except DomainError as exc:
        flash(gettext(exc.message), "error")
    else:
        flash(gettext("已重新排入推送，下一轮推送时发出。"), "ok")
    return redirect(url_for("web.admin_webhooks"))
