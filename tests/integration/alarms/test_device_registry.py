"""Device registry over HTTP: edit a device, reset its token, its special operators; who may."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Device, HazardousWork, Project

from .conftest import device, payload

OPERATOR = {"name": "王建国", "trade": "crane_driver_tower", "certificate_no": "建(A)41012019000123",
            "certificate_valid_until": "2027-06-30", "phone": "13800138000"}


def tc01() -> Device:
    return device("JS001-TC-01")


def url(suffix: str = "") -> str:
    return f"/api/v1/devices/{tc01().id}{suffix}"


def error(response) -> tuple[int, str]:
    return response.status_code, response.get_json()["error"]["code"]


def test_the_pm_keeps_the_special_operators_of_his_device(deployed, api):
    added = api.post(url("/operators"), "contractor_pm", json=OPERATOR)
    assert added.status_code == 201, added.get_json()
    body = added.get_json()["data"]
    assert (body["name"], body["trade_label"], body["certificate_valid_until"]) == \
        ("王建国", "建筑起重机械司机（塔式起重机）", "2027-06-30")
    second = api.post(url("/operators"), "contractor_pm",
                      json={**OPERATOR, "name": "李四", "trade": "signal_rigger", "certificate_no": "S-2",
                            "phone": None})
    assert second.status_code == 201
    assert error(api.post(url("/operators"), "contractor_pm", json=OPERATOR)) == \
        (409, "operator_certificate_taken")
    changed = api.patch(url(f"/operators/{body['id']}"), "contractor_pm",
                        json={"certificate_valid_until": "2029-01-31"})
    assert changed.status_code == 200 and changed.get_json()["data"]["certificate_valid_until"] == "2029-01-31"
    listed = api.get(url("/operators"), "safety_officer")  # members of the project may read
    assert [o["name"] for o in listed.get_json()["data"]] == ["王建国", "李四"]
    assert api.delete(url(f"/operators/{body['id']}"), "contractor_pm").status_code == 200
    assert [o["name"] for o in api.get(url("/operators"), "contractor_pm").get_json()["data"]] == ["李四"]


def test_bad_operator_data_is_refused_field_by_field(deployed, api):
    r = api.post(url("/operators"), "contractor_pm",
                 json={**OPERATOR, "trade": "pilot", "certificate_valid_until": "30.06.2027"})
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"trade", "certificate_valid_until"}
    r = api.post(url("/operators"), "contractor_pm", json={"name": "x", "hobby": "chess"})
    assert r.status_code == 422
    assert {"hobby", "trade", "certificate_no", "certificate_valid_until"} <= set(r.get_json()["error"]["fields"])


def test_who_may_edit_and_who_gets_404(deployed, api):
    assert error(api.post(url("/operators"), "safety_officer", json=OPERATOR)) == (403, "device_edit_denied")
    assert error(api.patch(url(), "safety_officer", json={"name": "x"})) == (403, "device_edit_denied")
    assert error(api.post(url("/operators"), "contractor_pm2", json=OPERATOR)) == (404, "device_not_found")
    assert error(api.get(url("/operators"), "contractor_pm2")) == (404, "device_not_found")
    assert error(api.post(url("/operators"), "district_safety2", json=OPERATOR)) == (404, "device_not_found")
    assert api.post(url("/operators"), "district_safety", json=OPERATOR).status_code == 201
    other = device("EQ001-TC-01")
    mine = api.get(url("/operators"), "contractor_pm").get_json()["data"][0]["id"]
    # an operator id of this device through another device's URL (of a project the PM2 runs)
    r = api.patch(f"/api/v1/devices/{other.id}/operators/{mine}", "contractor_pm2", json={"name": "x"})
    assert error(r) == (404, "operator_not_found")


def test_the_pm_renames_links_and_deactivates_but_never_recodes(deployed, api):
    work = db.session.scalar(select(HazardousWork).where(HazardousWork.project_id == tc01().project_id))
    foreign = db.session.scalar(select(HazardousWork).join(Project).where(Project.code == "EQ-2026-001"))
    r = api.patch(url(), "contractor_pm", json={"name": "1号塔吊（东）", "hazardous_work_id": work.id})
    assert r.status_code == 200, r.get_json()
    assert (r.get_json()["data"]["name"], r.get_json()["data"]["hazardous_work_id"]) == ("1号塔吊（东）", work.id)
    r = api.patch(url(), "contractor_pm", json={"hazardous_work_id": foreign.id})
    assert r.status_code == 422 and "hazardous_work_id" in r.get_json()["error"]["fields"]
    r = api.patch(url(), "contractor_pm", json={"code": "NEW", "device_type": "dust"})
    assert r.status_code == 422
    assert api.patch(url(), "contractor_pm", json={"active": False}).get_json()["data"]["active"] is False
    db.session.expire_all()
    assert tc01().active is False and tc01().code == "JS001-TC-01"


def test_a_reset_token_replaces_the_old_one(deployed, api):
    first = api.post(url("/token"), "contractor_pm").get_json()["data"]["token"]
    second = api.post(url("/token"), "contractor_pm").get_json()["data"]["token"]

    def send(token: str) -> int:
        return api.client.post("/api/v1/device-data", json=payload("JS001-TC-01"),
                               headers={"Authorization": f"Device {token}"}).status_code

    assert send(first) == 401
    assert send(second) == 202
    assert error(api.post(url("/token"), "safety_officer")) == (403, "device_edit_denied")
