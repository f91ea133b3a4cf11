"""GET /healthz reports database, broker and MQTT, probing a real broker."""
from urllib.parse import urlparse

from app.infra.health import mqtt_connack
from tests.support.settings import change_settings


def test_healthz_with_a_real_mqtt_broker(sqlite_app, mqtt_url, monkeypatch):
    change_settings(monkeypatch, sqlite_app, mqtt_url=mqtt_url)
    (sqlite_app.config["CELERY_DATA_DIR"]).mkdir(parents=True, exist_ok=True)
    r = sqlite_app.test_client().get("/healthz")
    body = r.get_json()
    assert r.status_code == 200, body
    assert body["database"]["ok"] and body["broker"]["ok"] and body["mqtt"]["ok"]


def test_healthz_reports_a_missing_broker_as_503(sqlite_app, monkeypatch):
    from tests.support.services import free_port

    change_settings(monkeypatch, sqlite_app, mqtt_url=f"mqtt://127.0.0.1:{free_port()}")
    r = sqlite_app.test_client().get("/healthz")
    assert r.status_code == 503
    assert r.get_json()["mqtt"]["ok"] is False and r.get_json()["database"]["ok"] is True


def test_mqtt_probe_speaks_the_protocol(mqtt_url):
    url = urlparse(mqtt_url)
    assert mqtt_connack(url.hostname, url.port) is True


def test_redis_broker_is_checked(sqlite_app, redis_url, monkeypatch):
    change_settings(monkeypatch, sqlite_app, celery_broker_url=redis_url)
    body = sqlite_app.test_client().get("/healthz").get_json()
    assert body["broker"] == {"ok": True, "transport": "redis"}
