"""Webhooks: the change feed pushed to a real HTTP receiver, signed, in order per record, at least
once (a receiver killed mid-stream loses nothing), with back-off, a dead-letter list and an
audited replay; targets inside the network refused."""
from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime

import pytest

from app.domain.actors import SYSTEM
from app.extensions import celery, db
from app.infra import wallclock
from app.infra.uow import transaction
from app.models import AuditLog, Project, WebhookAttempt, WebhookDelivery
from app.services.exchange import accounts, webhook_delivery, webhook_log, webhook_subscriptions
from app.services.exchange.webhook_targets import WebhookUrlNotAllowed
from tests.support.factories import gen_district, gen_project
from tests.support.settings import change_settings
from tests.support.webhook_receiver import Receiver

START = datetime(2026, 3, 2, 8, tzinfo=UTC)


@pytest.fixture
def receiver(tmp_path):
    r = Receiver(tmp_path / "received.jsonl")
    yield r
    r.stop()


def _subscribe(app, monkeypatch, receiver, **settings):
    change_settings(monkeypatch, app, webhook_allowed_hosts=frozenset({"127.0.0.1"}), webhook_backoff_seconds=10,
                    webhook_timeout_seconds=3, **settings)
    district = gen_district()
    account, _ = accounts.create_account(SYSTEM, "省平台", district.code)
    sub, secret = webhook_subscriptions.create_subscription(SYSTEM, account.id, receiver.url, ["project"])
    return district, sub, secret


def _rename(project_id: int, name: str) -> None:
    with transaction():
        db.session.get(Project, project_id).name = name


def _passes_until_quiet(clock, rounds: int = 12) -> None:
    for _ in range(rounds):
        webhook_delivery.run_pass()
        if not db.session.query(WebhookDelivery).filter_by(status="pending").count():
            return
        clock.advance(minutes=30)


def _events(receiver) -> list[dict]:
    return [json.loads(r["body"]) for r in receiver.received()]


def test_a_receiver_killed_mid_stream_gets_every_event_once_back_signed_and_in_order_per_record(
        app, monkeypatch, receiver):
    with wallclock.frozen(START) as clock:
        district, sub, secret = _subscribe(app, monkeypatch, receiver)
        gen_project(gen_district(), code="ELSEWHERE")  # outside the account's scope: never pushed
        first, second = gen_project(district, code="W-1"), gen_project(district, code="W-2")
        for n in range(4):
            _rename(first.id, f"一号工程第{n}版")
            _rename(second.id, f"二号工程第{n}版")
        receiver.start(die_after=4)

        webhook_delivery.run_pass()  # the receiver dies on its 4th request, before answering
        assert receiver.process.wait(5) == 1
        assert len(receiver.received()) == 4
        webhook_delivery.run_pass()  # still down: nothing more, the deliveries wait
        clock.advance(minutes=5)
        webhook_delivery.run_pass()
        assert len(receiver.received()) == 4

        receiver.start()
        _passes_until_quiet(clock)

    feed_order = [d.event_id for d in db.session.query(WebhookDelivery).order_by(WebhookDelivery.id)]
    assert len(feed_order) == 10
    events = _events(receiver)
    assert {e["event_id"] for e in events} == set(feed_order)  # nothing lost
    assert len(events) == 11  # the 4th came twice (no answer the first time): receivers dedupe by id
    assert {e["project_code"] for e in events} == {"W-1", "W-2"}
    for code in ("W-1", "W-2"):
        firsts = list(dict.fromkeys(e["event_id"] for e in events if e["project_code"] == code))
        assert firsts == [i for i in feed_order if i in firsts]  # a record's events in feed order
    assert [e["record"]["name"] for e in events if e["project_code"] == "W-1"][-1] == "一号工程第3版"
    for got in receiver.received():
        timestamp, signature = (part.split("=", 1)[1] for part in got["headers"]["X-SiteCase-Signature"].split(","))
        expected = hmac.new(secret.encode(), f"{timestamp}.{got['body']}".encode(), hashlib.sha256).hexdigest()
        assert hmac.compare_digest(signature, expected)
        assert got["headers"]["X-SiteCase-Event-Id"] == json.loads(got["body"])["event_id"]
    retried = db.session.query(WebhookDelivery).filter_by(event_id=events[3]["event_id"]).one()
    attempts = db.session.query(WebhookAttempt).filter_by(delivery_id=retried.id).order_by(WebhookAttempt.number).all()
    assert [a.ok for a in attempts][0] is False and attempts[-1].ok and attempts[-1].http_status == 200
    assert db.session.query(WebhookDelivery).filter(WebhookDelivery.status != "delivered").count() == 0


def test_failing_deliveries_back_off_go_dead_hold_their_record_and_replay_audited(app, monkeypatch, receiver):
    with wallclock.frozen(START) as clock:
        district, sub, _ = _subscribe(app, monkeypatch, receiver, webhook_max_attempts=3)
        project = gen_project(district, code="D-1")
        receiver.start(status=500)
        webhook_delivery.run_pass()
        created = db.session.query(WebhookDelivery).one()
        assert (created.status, created.attempts, created.last_error) == ("pending", 1, "HTTP 500")
        assert created.next_attempt_at == START + __import__("datetime").timedelta(seconds=10)
        webhook_delivery.run_pass()  # not due yet: no new attempt
        assert db.session.get(WebhookDelivery, created.id).attempts == 1
        clock.advance(seconds=10)
        webhook_delivery.run_pass()
        delivery = db.session.get(WebhookDelivery, created.id)
        assert delivery.attempts == 2 and delivery.next_attempt_at == clock.now() + __import__(
            "datetime").timedelta(seconds=20)
        _rename(project.id, "改名")  # a later event of the same record waits behind the failing one
        clock.advance(seconds=20)
        webhook_delivery.run_pass()
        assert db.session.get(WebhookDelivery, created.id).status == "dead"
        later = db.session.query(WebhookDelivery).filter(WebhookDelivery.id != created.id).one()
        assert later.status == "pending" and later.attempts == 0
        dead = webhook_log.list_deliveries(SYSTEM, status="dead")
        assert [d.id for d in dead] == [created.id]

        receiver.stop()
        receiver.start()
        clock.advance(hours=1)
        webhook_delivery.run_pass()
        assert later.attempts == 0 and len(receiver.received()) == 3  # still held behind the dead one
        with pytest.raises(webhook_log.WebhookDeliveryNotDead):
            webhook_log.replay(SYSTEM, later.id)
        webhook_log.replay(SYSTEM, created.id)
        webhook_delivery.run_pass()
    names = [e["action"] for e in _events(receiver)[3:]]
    assert names == ["created", "changed"]
    assert {d.status for d in db.session.query(WebhookDelivery)} == {"delivered"}
    audit = db.session.query(AuditLog).filter_by(action="webhook_replayed").one()
    assert audit.entity_id == str(created.id) and audit.before["status"] == "dead"


def test_the_beat_task_runs_a_pass_and_disabled_or_revoked_subscriptions_get_nothing(app, monkeypatch, receiver):
    district, sub, _ = _subscribe(app, monkeypatch, receiver)
    receiver.start()
    gen_project(district)
    assert celery.tasks["webhooks.deliver"].apply().get()["delivered"] == 1
    assert "webhooks-deliver" in {e["task"] for e in app.config["CELERY_BEAT_SCHEDULE"].values()} or \
        app.config["CELERY_BEAT_SCHEDULE"]["webhooks-deliver"]["task"] == "webhooks.deliver"
    webhook_subscriptions.disable_subscription(SYSTEM, sub.id)
    gen_project(district)
    assert webhook_delivery.run_pass()["enqueued"] == 0
    assert len(receiver.received()) == 1


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/hook", "http://localhost/hook", "http://10.1.2.3/",
                                 "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://[::ffff:10.0.0.1]/",
                                 "ftp://203.0.113.9/", "https://user:pw@93.184.215.14/", "http://0.0.0.0/"])
def test_targets_inside_the_network_are_refused_unless_allow_listed(sqlite_app, url):
    account, _ = accounts.create_account(SYSTEM, "市平台", gen_district().code)
    with pytest.raises(WebhookUrlNotAllowed):
        webhook_subscriptions.create_subscription(SYSTEM, account.id, url)


def test_a_public_target_is_accepted_and_the_allow_list_opens_an_inside_host(sqlite_app, monkeypatch):
    account, _ = accounts.create_account(SYSTEM, "市平台", gen_district().code)
    sub, secret = webhook_subscriptions.create_subscription(SYSTEM, account.id, "https://93.184.215.14/hook")
    assert secret.startswith("whsec_") and sub.record_types == sorted(sub.record_types)
    change_settings(monkeypatch, sqlite_app, webhook_allowed_hosts=frozenset({"10.1.2.3"}))
    webhook_subscriptions.create_subscription(SYSTEM, account.id, "http://10.1.2.3:8080/in")
    audit = db.session.query(AuditLog).filter_by(entity_type="webhook_subscription").first()
    assert audit is not None and "secret" not in json.dumps(audit.after)


def test_the_api_subscribes_shows_the_secret_once_lists_the_log_and_replays(app, api):
    from tests.support.factories import gen_user

    gen_user("sys_admin", username="root", password=app.config["DEMO_PASSWORD"])
    district = gen_district()
    gen_user("district_safety_officer", org_unit=district, username="officer", password=app.config["DEMO_PASSWORD"])
    account, _ = accounts.create_account(SYSTEM, "省平台", district.code)
    body = {"account_id": account.id, "url": "https://93.184.215.14/hook", "record_types": ["project", "alarm"]}
    assert api.post("/api/v1/exchange/webhooks", as_user="officer", json=body).status_code == 403
    created = api.post("/api/v1/exchange/webhooks", as_user="root", json=body)
    assert created.status_code == 201, created.get_json()
    data = created.get_json()["data"]
    assert data["secret"].startswith("whsec_") and data["record_types"] == ["alarm", "project"]
    listed = api.get("/api/v1/exchange/webhooks", as_user="root").get_json()["data"]
    assert [s["id"] for s in listed] == [data["id"]] and "secret" not in listed[0]
    for bad in ({**body, "url": "http://192.168.1.10/"}, {**body, "extra": 1}, {**body, "record_types": ["user"]}):
        refused = api.post("/api/v1/exchange/webhooks", as_user="root", json=bad)
        assert refused.status_code == 422, (bad, refused.get_json())
    assert api.post("/api/v1/exchange/webhooks", as_user="root", json={**body, "url": "http://10.0.0.1/"}
                    ).get_json()["error"]["code"] == "webhook_url_not_allowed"

    with transaction():
        dead = WebhookDelivery(subscription_id=data["id"], event_id="0-9", record_type="project", record_id=9,
                               action="created", body="{}", status="dead", attempts=8, last_error="HTTP 500")
        db.session.add(dead)
    log = api.get("/api/v1/exchange/webhook-deliveries", as_user="root", query_string={"status": "dead"})
    assert [d["event_id"] for d in log.get_json()["data"]] == ["0-9"]
    one = api.get(f"/api/v1/exchange/webhook-deliveries/{dead.id}", as_user="root").get_json()["data"]
    assert one["attempt_log"] == [] and one["status"] == "dead"
    assert api.post(f"/api/v1/exchange/webhook-deliveries/{dead.id}/replay", as_user="officer").status_code == 403
    replayed = api.post(f"/api/v1/exchange/webhook-deliveries/{dead.id}/replay", as_user="root")
    assert replayed.status_code == 200 and replayed.get_json()["data"]["status"] == "pending"
    again = api.post(f"/api/v1/exchange/webhook-deliveries/{dead.id}/replay", as_user="root")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "webhook_delivery_not_dead"
    assert api.get("/api/v1/exchange/webhook-deliveries/999999", as_user="root").status_code == 404
    stopped = api.post(f"/api/v1/exchange/webhooks/{data['id']}/disable", as_user="root")
    assert stopped.status_code == 200 and stopped.get_json()["data"]["disabled_at"]

    spec = api.get("/api/v1/openapi.json").get_json()
    callback = spec["paths"]["/api/v1/exchange/webhooks"]["post"]["callbacks"]["changeEvent"]
    assert callback["{$request.body#/url}"]["post"]["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Change"}
    assert "Change" in spec["components"]["schemas"]


def test_the_admin_page_subscribes_shows_the_secret_once_and_replays_in_both_languages(sqlite_app):
    from tests.support.factories import PASSWORD, gen_user

    district = gen_district()
    gen_user("sys_admin", username="root9")
    account, _ = accounts.create_account(SYSTEM, "省监管平台", district.code)
    client = sqlite_app.test_client()
    assert client.post("/login", data={"username": "root9", "password": PASSWORD}).status_code == 302
    created = client.post("/admin/webhooks", data={"account_id": str(account.id), "url": "https://93.184.215.14/in",
                                                   "record_types": ["project"], "csrf_token": ""})
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    html = created.get_data(as_text=True)
    assert 'id="webhook-secret"' in html and "whsec_" in html
    refused = client.post("/admin/webhooks", data={"account_id": str(account.id), "url": "http://127.0.0.1/",
                                                   "csrf_token": ""})
    assert refused.status_code == 422 and "推送地址不能指向本机或内部网络" in refused.get_data(as_text=True)
    sub = webhook_subscriptions.list_subscriptions(SYSTEM)[0]
    with transaction():
        dead = WebhookDelivery(subscription_id=sub.id, event_id="0-3", record_type="project", record_id=3,
                               action="changed", body="{}", status="dead", attempts=8, last_error="HTTP 503")
        db.session.add(dead)
    page = client.get("/admin/webhooks").get_data(as_text=True)
    assert "工程项目" in page and "对方答复状态码 503" in page and "whsec_" not in page
    english = client.get("/admin/webhooks?lang=en").get_data(as_text=True)
    assert "The platform answered with status 503" in english and "Send again" in english
    replayed = client.post(f"/admin/webhooks/deliveries/{dead.id}/replay", data={"csrf_token": ""})
    assert replayed.status_code == 302
    assert db.session.get(WebhookDelivery, dead.id).status == "pending"
    assert client.post(f"/admin/webhooks/{sub.id}/disable", data={"csrf_token": ""}).status_code == 302
