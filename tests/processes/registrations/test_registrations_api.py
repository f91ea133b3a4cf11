"""The registration endpoints over HTTP: start, submit, credentials shown once, change history."""
from __future__ import annotations

from tests.support.processes import my_task

from .support import ENTERPRISE_FORM, code_of, enterprise, registration_form


def test_project_registration_over_http_shows_passwords_once_and_they_log_in(reg, api):
    r = api.post("/api/v1/registrations/projects", "owner_rep", json={"district_code": "ZZ-JS"})
    assert r.status_code == 201, r.get_json()
    iid = r.get_json()["data"]["instance_id"]
    task = my_task("owner_rep", iid, "fill_registration").id
    form = registration_form("JS-2026-102")
    form["participants"][1]["credit_code"] = code_of("E2")[:17] + "0"
    r = api.post(f"/api/v1/registrations/tasks/{task}/complete", "owner_rep", json={"data": form})
    assert r.status_code == 422 and "participants.1.credit_code" in r.get_json()["error"]["fields"]
    r = api.post(f"/api/v1/registrations/tasks/{task}/complete", "owner_rep", json={"data": registration_form("JS-2026-102")})
    assert r.status_code == 200 and r.get_json()["data"]["credentials"] == []
    review = my_task("district_safety", iid, "review_registration").id
    r = api.post(f"/api/v1/registrations/tasks/{review}/complete", "district_safety2",
                 json={"data": {"registration_decision": "approve"}})
    assert r.status_code in (403, 404)
    r = api.post(f"/api/v1/registrations/tasks/{review}/complete", "district_safety",
                 json={"data": {"registration_decision": "approve"}})
    body = r.get_json()["data"]
    assert r.status_code == 200 and body["status"] == "completed"
    credentials = {c["username"]: c["initial_password"] for c in body["credentials"]}
    assert set(credentials) == {"wh_pm", "wh_chief"}
    for username, password in credentials.items():
        assert api.token(username, password)
    r = api.get("/api/v1/projects/JS-2026-102", "wh_pm")
    assert r.status_code == 200, r.get_json()


def test_enterprise_change_over_http_and_its_history(reg, api):
    old_phone = enterprise(code_of("E3")).phone
    r = api.post("/api/v1/registrations/enterprise", "supervisor", json={"org_code": "ZZ-JS"})
    assert r.status_code == 201
    iid = r.get_json()["data"]["instance_id"]
    task = my_task("supervisor", iid, "fill_info").id
    data = {**ENTERPRISE_FORM, "credit_code": code_of("E3"), "enterprise_type": "supervisor",
            "enterprise_name": "河南建达工程咨询有限公司", "phone": "0371-55550000", "change_reason": "电话变更"}
    assert api.post(f"/api/v1/registrations/tasks/{task}/complete", "supervisor", json={"data": data}).status_code == 200
    review = my_task("district_safety", iid, "review_district").id
    r = api.post(f"/api/v1/registrations/tasks/{review}/complete", "district_safety",
                 json={"data": {"enterprise_decision": "approve"}})
    assert r.status_code == 200 and r.get_json()["data"]["credentials"] == []
    r = api.get("/api/v1/registrations/enterprise-changes", "supervisor")
    [change] = r.get_json()["data"]
    assert change["kind"] == "change" and change["after"]["phone"] == "0371-55550000"
    assert change["before"]["phone"] == old_phone != "0371-55550000" and change["approved_by"] == "district_safety"
    assert api.get("/api/v1/registrations/enterprise-changes", "city_official").get_json()["data"][0]["id"] == change["id"]
    assert api.get(f"/api/v1/registrations/enterprise-changes?enterprise_id={change['enterprise_id'] + 1}",
                   "supervisor").status_code == 403
