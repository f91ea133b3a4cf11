"""HTTP: device data with a device token, alarm lists, readings, threshold overrides."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import DeviceAlarm, DeviceReading, ProjectThreshold, RejectedMessage
from app.services.ingestion.ingest import ingest_messages
from app.services.monitoring import alarm_queries

from .conftest import crane, device, payload, raw

TOKEN = "tc01-secret-token"


@pytest.fixture
def tokened(deployed):
    device("JS001-TC-01").token_sha256 = hashlib.sha256(TOKEN.encode()).hexdigest()
    db.session.commit()
    return deployed


def post(api, body, token: str | None = TOKEN):
    headers = {"Authorization": f"Device {token}"} if token else {}
    return api.client.post("/api/v1/device-data", json=body, headers=headers)


def test_device_data_with_good_and_bad_tokens(tokened, api):
    good = post(api, payload("JS001-TC-01", {"load_pct": 105}))
    assert good.status_code == 202, good.get_json()
    body = good.get_json()
    assert [m["outcome"] for m in body["data"]] == ["stored"]
    assert (body["meta"]["alarms_opened"], body["meta"]["cases_started"]) == (1, 1)
    for bad in ("wrong-token", None):
        r = post(api, payload("JS001-TC-01"), token=bad)
        assert r.status_code == 401 and r.get_json()["error"]["code"] == "device_token_invalid"
    bearer = api.client.post("/api/v1/device-data", json=payload("JS001-TC-01"),
                             headers={"Authorization": f"Bearer {TOKEN}"})
    assert bearer.status_code == 401
    assert db.session.scalar(select(func.count()).select_from(DeviceReading)) == 1


def test_device_data_batch_with_rejections(tokened, api):
    same = payload("JS001-TC-01")
    other = payload("JS001-SJJ-01", {"load_pct": 1}, device_type="hoist")  # not this token's device
    broken = {**payload("JS001-TC-01"), "metrics": {"load_pct": "heavy"}}
    r = post(api, [same, same, other, broken])
    assert r.status_code == 202
    assert [(m["outcome"], m["reason_code"]) for m in r.get_json()["data"]] == [
        ("stored", None), ("duplicate", None), ("rejected", "token_device_mismatch"),
        ("rejected", "wrong_type")]
    assert db.session.scalar(select(func.count()).select_from(RejectedMessage)) == 2
    assert post(api, "text").status_code == 202  # a non-object is a rejected message, not a 500
    assert post(api, []).status_code == 422


def test_alarm_lists_are_scoped(deployed, api):
    ingest_messages([crane(104), crane(96, project="JS-2026-001")])
    ingest_messages([crane_eq(105)])
    def codes(user: str, query: str = "") -> list[str]:
        r = api.get(f"/api/v1/alarms{query}", user)
        assert r.status_code == 200, r.get_json()
        return sorted(a["device_code"] for a in r.get_json()["data"])
    assert codes("city_official") == ["EQ001-TC-01", "JS001-TC-01"]
    assert codes("district_safety") == ["JS001-TC-01"]
    assert codes("contractor_pm") == ["JS001-TC-01"]
    assert codes("contractor_pm2") == ["EQ001-TC-01"]
    assert codes("city_official", "?project=EQ-2026-001&level=alarm&status=open") == ["EQ001-TC-01"]
    assert codes("city_official", "?device_type=dust") == []
    assert codes("city_official", "?since=2026-05-05T00:00:00%2B08:00") == []
    [item] = api.get("/api/v1/alarms", "contractor_pm").get_json()["data"]
    assert (item["count"], item["level"], item["status"]) == (2, "alarm", "open")
    assert api.get("/api/v1/alarms?level=bad", "city_official").status_code == 422
    assert api.get("/api/v1/alarms?project=EQ-2026-001", "contractor_pm").status_code == 404


def _alarms(count: int, tied: int) -> list[int]:
    """`count` closed alarms on JS001-TC-01, a minute apart, the newest `tied` sharing one last_at;
    their ids newest activity first (last_at, then id, descending)."""
    tc = device("JS001-TC-01")
    start = datetime(2026, 5, 1, tzinfo=UTC)
    rows = [DeviceAlarm(device_id=tc.id, project_id=tc.project_id, alarm_type="load_pct", level="warning",
                        status="closed", first_at=start, first_data_id=f"page-{n}",
                        last_at=start + timedelta(minutes=min(n, count - tied))) for n in range(count)]
    db.session.add_all(rows)
    db.session.commit()
    return [a.id for a in sorted(rows, key=lambda a: (a.last_at, a.id), reverse=True)]


@pytest.mark.parametrize("few, most", [(20, 10_000), (0, 10_000), (20, 0)])  # the plans of many projects
def test_alarm_list_pages_on_with_a_cursor_and_counts_to_a_cap(deployed, api, monkeypatch, few, most):
    monkeypatch.setattr(alarm_queries, "_FEW_PROJECTS", few)
    monkeypatch.setattr(alarm_queries, "_MAX_IDS", most)
    expected = _alarms(7, tied=3)
    seen, url = [], "/api/v1/alarms?limit=2"
    while True:
        body = api.get(url, "contractor_pm").get_json()
        seen += [a["id"] for a in body["data"]]
        assert (body["meta"]["total"], body["meta"]["total_exact"]) == (7, True)
        if body["meta"]["next_cursor"] is None:
            break
        url = f"/api/v1/alarms?limit=2&cursor={body['meta']['next_cursor']}"
    assert seen == expected  # every alarm once, newest activity first, ties by id
    offset_page = api.get("/api/v1/alarms?limit=3&offset=3", "contractor_pm").get_json()
    assert [a["id"] for a in offset_page["data"]] == expected[3:6]
    assert offset_page["meta"]["next_cursor"]
    filtered = api.get("/api/v1/alarms?limit=1&level=alarm", "contractor_pm").get_json()
    assert (filtered["data"], filtered["meta"]["next_cursor"], filtered["meta"]["total"]) == ([], None, 0)
    for bad in ("nonsense", "MjAyNi0wNS0wMVQwMDowMDowMA", "x" * 201):
        r = api.get(f"/api/v1/alarms?cursor={bad}", "contractor_pm")
        assert r.status_code == 422 and "cursor" in r.get_json()["error"]["fields"], bad
    monkeypatch.setattr(alarm_queries, "COUNT_CAP", 5)
    capped = api.get("/api/v1/alarms?limit=2", "contractor_pm").get_json()["meta"]
    assert (capped["total"], capped["total_exact"]) == (5, False)
    assert api.get("/api/v1/alarms", "contractor_pm2").get_json()["meta"]["total"] == 0  # not his project


def crane_eq(load: float):
    from .conftest import raw
    return raw(payload("EQ001-TC-01", {"load_pct": load}, project="EQ-2026-001"))


def test_latest_readings(deployed, api):
    ingest_messages([crane(10), crane(20), crane(104)])
    dev = device("JS001-TC-01").id
    r = api.get(f"/api/v1/devices/{dev}/readings?limit=2", "contractor_pm")
    assert [x["metrics"]["load_pct"] for x in r.get_json()["data"]] == [104, 20]
    assert r.get_json()["meta"]["total"] == 3
    r = api.get(f"/api/v1/devices/{dev}/readings?limit=2&offset=2", "contractor_pm")
    assert [x["metrics"]["load_pct"] for x in r.get_json()["data"]] == [10]  # the page further back
    assert api.get(f"/api/v1/devices/{dev}/readings", "contractor_pm2").status_code == 404


def test_threshold_overrides(deployed, api):
    dev = device("JS001-TC-01").id
    r = api.client.patch("/api/v1/projects/JS-2026-001/thresholds/tower_crane",
                         json={"overrides": {"load_pct": {"warning": 80, "alarm": 95}}},
                         headers={"Authorization": f"Bearer {api.token('district_safety')}"})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["data"]["effective"]["load_pct"]["alarm"] == 95
    pm = {"Authorization": f"Bearer {api.token('contractor_pm')}"}
    r = api.client.patch(f"/api/v1/devices/{dev}/thresholds",
                         json={"overrides": {"load_pct": {"alarm": 98}}}, headers=pm)
    assert r.get_json()["data"]["effective"]["load_pct"] == {
        "unit": "% of rated", "warning": 80, "alarm": 98, "direction": "above", "rate_rule": None}
    assert ingest_messages([crane(96)]).alarms_opened == 1  # warning under the layered limits
    bad = api.client.patch(f"/api/v1/devices/{dev}/thresholds",
                           json={"overrides": {"load_pct": {"warning": 120}}}, headers=pm)
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "threshold_invalid"
    unknown = api.client.patch(f"/api/v1/devices/{dev}/thresholds",
                               json={"overrides": {"pm10_ug_m3": {"alarm": 1}}}, headers=pm)
    assert unknown.status_code == 422
    other = {"Authorization": f"Bearer {api.token('supervisor')}"}
    denied = api.client.patch(f"/api/v1/devices/{dev}/thresholds",
                              json={"overrides": {"load_pct": None}}, headers=other)
    assert denied.status_code == 403
    foreign = {"Authorization": f"Bearer {api.token('district_safety2')}"}
    assert api.client.patch(f"/api/v1/devices/{dev}/thresholds", json={"overrides": {}},
                            headers=foreign).status_code == 404


# Numbers JSON cannot carry (NaN, Infinity, integers beyond 64 bits) are refused when the body is
# read, for every endpoint alike; the others by the threshold rules.
@pytest.mark.parametrize("body, code", [
    ('{"overrides": {"load_pct": {"alarm": NaN}}}', "json_number_out_of_range"),
    ('{"overrides": {"load_pct": {"alarm": Infinity}}}', "json_number_out_of_range"),
    ('{"overrides": {"load_pct": {"alarm": 1e400}}}', "threshold_invalid"),
    ('{"overrides": {"load_pct": {"alarm": 1e308}}}', "threshold_invalid"),
    ('{"overrides": {"load_pct": {"alarm": 1' + "0" * 400 + '}}}', "json_number_out_of_range"),
    ('{"overrides": {"load_pct": {"alarm": "98"}}}', "threshold_invalid"),
    ('{"overrides": {"load_pct": {"alarm": true}}}', "threshold_invalid"),
    ('{"overrides": {"load_pct": ["alarm", 98]}}', "threshold_invalid"),
])
def test_invalid_threshold_overrides_are_refused_and_nothing_is_stored(deployed, api, body, code):
    dev = device("JS001-TC-01").id
    auth = {"Authorization": f"Bearer {api.token('district_safety')}",
            "Content-Type": "application/json"}
    for url in (f"/api/v1/devices/{dev}/thresholds", "/api/v1/projects/JS-2026-001/thresholds/tower_crane"):
        r = api.client.patch(url, data=body, headers=auth)
        assert r.status_code == 422, (url, r.get_json())
        assert r.get_json()["error"]["code"] == code
    db.session.expire_all()
    assert device("JS001-TC-01").threshold_overrides in (None, {})
    assert db.session.scalar(select(func.count()).select_from(ProjectThreshold)) == 0
    ok = api.client.patch(f"/api/v1/devices/{dev}/thresholds", headers=auth,
                          json={"overrides": {"load_pct": {"alarm": 98}}})
    assert ok.status_code == 200, ok.get_json()


def test_a_stored_bad_override_does_not_break_later_updates(deployed, api):
    crane_device = device("JS001-TC-01")
    # Stored under older rules (or by hand): a metric the CSV lost and an unreachable value.
    crane_device.threshold_overrides = {"gone_metric": {"alarm": 1}, "load_pct": {"alarm": 1e308},
                                        "wind_speed": {"alarm": 11.5}}
    db.session.add(ProjectThreshold(project_id=crane_device.project_id, device_type="tower_crane",
                                    overrides={"moment_pct": {"warning": "high"}}))
    db.session.commit()
    auth = {"Authorization": f"Bearer {api.token('district_safety')}"}
    project = api.client.patch("/api/v1/projects/JS-2026-001/thresholds/tower_crane", headers=auth,
                               json={"overrides": {"load_pct": {"warning": 80}}})
    assert project.status_code == 200, project.get_json()
    assert project.get_json()["data"]["overrides"] == {"load_pct": {"warning": 80.0}}
    own = api.client.patch(f"/api/v1/devices/{crane_device.id}/thresholds", headers=auth,
                           json={"overrides": {"load_pct": {"alarm": 95}}})
    assert own.status_code == 200, own.get_json()
    assert own.get_json()["data"]["overrides"] == {"wind_speed": {"alarm": 11.5},
                                                   "load_pct": {"alarm": 95.0}}
    assert own.get_json()["data"]["effective"]["load_pct"]["warning"] == 80
    # Ingestion uses the sound layer: wind 11.6 reaches the device's alarm 11.5 (default 12).
    assert ingest_messages([raw(payload("JS001-TC-01", {"wind_speed": 11.6}))]).alarms_opened == 1
    assert db.session.scalar(select(DeviceAlarm.level)) == "alarm"
