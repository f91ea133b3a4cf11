"""Every dead letter and delivery is reachable: the API pages the log (limit/offset, meta.total;
it answered the newest 500 and no more), /admin/webhooks pages the dead-letter list (it showed the
newest 100) and the log (the newest 50) each on its own."""
from __future__ import annotations

from app.domain.actors import SYSTEM
from app.extensions import db
from app.infra.uow import transaction
from app.models import WebhookDelivery
from app.services.exchange import accounts, webhook_subscriptions
from tests.support.browsers import signed_in
from tests.support.factories import gen_district, gen_user

DEAD, DELIVERED = 101, 501


def test_the_log_and_the_dead_letters_page_through_every_delivery(app, api):
    gen_user("sys_admin", username="root", password=app.config["DEMO_PASSWORD"])
    account, _ = accounts.create_account(SYSTEM, "省平台", gen_district().code)
    sub, _secret = webhook_subscriptions.create_subscription(SYSTEM, account.id, "https://93.184.215.14/hook",
                                                             ["project"])
    sub_id = sub.id
    with transaction():
        db.session.add_all([WebhookDelivery(subscription_id=sub_id, event_id=f"0-{n}", record_type="project",
                                            record_id=n, action="created", body="{}", status="dead", attempts=8,
                                            last_error="HTTP 500") for n in range(DEAD)])
        db.session.add_all([WebhookDelivery(subscription_id=sub_id, event_id=f"1-{n}", record_type="project",
                                            record_id=n, action="changed", body="{}", status="delivered",
                                            attempts=1) for n in range(DELIVERED)])
    oldest_dead = db.session.query(WebhookDelivery.id).filter_by(event_id="0-0").scalar()
    answer = api.get("/api/v1/exchange/webhook-deliveries?limit=500&offset=500", "root").get_json()
    assert answer["meta"]["total"] == DEAD + DELIVERED and oldest_dead in [d["id"] for d in answer["data"]]
    dead = api.get("/api/v1/exchange/webhook-deliveries?status=dead&limit=1&offset=100", "root").get_json()
    assert [d["id"] for d in dead["data"]] == [oldest_dead] and dead["meta"]["total"] == DEAD
    assert api.get("/api/v1/exchange/webhook-deliveries?offset=-1", "root").status_code == 422
    client = signed_in(app, "root")
    first = client.get("/admin/webhooks").get_data(as_text=True)
    assert "dead_page=2" in first and "log_page=2" in first
    replay = f"/admin/webhooks/deliveries/{oldest_dead}/replay"
    assert replay not in first
    last = client.get(f"/admin/webhooks?dead_page={-(-DEAD // 20)}").get_data(as_text=True)
    assert replay in last
