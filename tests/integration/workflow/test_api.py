"""The workflow API over HTTP: start, inbox, task detail, complete, races, history, designer upload."""
from __future__ import annotations

import io

import pytest

from tests.support.factories import PASSWORD, gen_district, gen_org_unit, gen_project, gen_user

from .conftest import FIXTURES, gen_work

REVIEW_FORM = {
    "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "required": ["decision"],
    "properties": {"decision": {"type": "string", "enum": ["pass", "return"]},
                   "reason": {"type": "string", "minLength": 2}},
    "if": {"properties": {"decision": {"const": "return"}}}, "then": {"required": ["reason"]},
}


@pytest.fixture
def site(app, api, deploy):
    deploy("review_loop.bpmn", forms={"plan_review.json": REVIEW_FORM})
    district = gen_district()
    project = gen_project(district)
    users = {"pm": gen_user("contractor_pm", project=project, username="pm"),
             "chief": gen_user("chief_supervisor", project=project, username="chief"),
             "pm2": gen_user("contractor_pm", project=gen_project(district), username="pm2")}
    for name in users:
        api.token(name, PASSWORD)
    return {"project": project, "work": gen_work(project), **users}


def _start(api, site):
    r = api.post("/api/v1/process-instances", "pm", json={
        "process_key": "review_loop", "project_code": site["project"].code, "subject_type": "hazardous_work",
        "subject_id": site["work"].id, "data": {"work_id": site["work"].id, "compile_days": 3, "history": None}})
    assert r.status_code == 201, r.get_json()
    return r.get_json()["data"]["id"]


def _only_task(api, user):
    r = api.get("/api/v1/tasks", user)
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["meta"]["total"] == len(body["data"]) == 1
    return body["data"][0]


def test_walk_the_review_loop_over_http(site, api):
    instance_id = _start(api, site)
    task = _only_task(api, "pm")
    assert task["task_name"] == "compile_plan" and task["instance_id"] == instance_id
    detail = api.get(f"/api/v1/tasks/{task['id']}", "pm").get_json()["data"]
    assert detail["form"]["schema"]["type"] == "object" and detail["case"]["process_key"] == "review_loop"
    assert api.post(f"/api/v1/tasks/{task['id']}/complete", "pm", json={"data": {"plan_name": "方案"}}).status_code == 200
    review = _only_task(api, "chief")
    bad = api.post(f"/api/v1/tasks/{review['id']}/complete", "chief", json={"data": {"decision": "return"}})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "form_invalid"
    assert "reason" in bad.get_json()["error"]["fields"]
    ok = api.post(f"/api/v1/tasks/{review['id']}/complete", "chief", json={"data": {"decision": "pass"}})
    assert ok.status_code == 200 and ok.get_json()["data"]["status"] == "completed"
    again = api.post(f"/api/v1/tasks/{review['id']}/complete", "chief", json={"data": {"decision": "pass"}})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "task_not_open"
    case = api.get(f"/api/v1/process-instances/{instance_id}", "pm").get_json()["data"]
    kinds = [e["kind"] for e in case["history"]]
    assert kinds[0] == "started" and kinds.count("task_completed") == 2
    pm, chief = site["pm"].display_name, site["chief"].display_name  # logins for programs, names for people
    assert (case["started_by"], case["started_by_name"]) == ("pm", pm) and pm != "pm"
    assert [(e["username"], e["person"]) for e in case["history"] if e["kind"] == "task_completed"] == \
        [("pm", pm), ("chief", chief)]
    done = api.get("/api/v1/tasks?scope=done", "chief").get_json()
    assert done["meta"]["total"] == 1


def test_other_project_and_wrong_role_over_http(site, api):
    instance_id = _start(api, site)
    task = _only_task(api, "pm")
    assert api.get(f"/api/v1/process-instances/{instance_id}", "pm2").status_code == 404
    assert api.get(f"/api/v1/tasks/{task['id']}", "pm2").status_code == 404
    r = api.post(f"/api/v1/tasks/{task['id']}/complete", "chief", json={"data": {"plan_name": "x"}})
    assert r.status_code == 403 and r.get_json()["error"]["code"] == "task_not_candidate"
    assert api.get("/api/v1/tasks", "pm2").get_json()["meta"]["total"] == 0


def test_claim_comment_and_counts(site, api):
    _start(api, site)
    task = _only_task(api, "pm")
    assert api.post(f"/api/v1/tasks/{task['id']}/claim", "pm").status_code == 200
    assert api.get("/api/v1/tasks/counts", "pm").get_json()["data"]["mine"] == 1
    r = api.post(f"/api/v1/tasks/{task['id']}/comments", "pm", json={"body": "今天提交"})
    assert r.status_code == 201
    detail = api.get(f"/api/v1/tasks/{task['id']}", "pm").get_json()["data"]
    assert [c["body"] for c in detail["comments"]] == ["今天提交"]
    upload = api.post(f"/api/v1/tasks/{task['id']}/attachments", "pm",
                      data={"file": (io.BytesIO(b"%PDF-1.4 plan"), "plan.pdf")}, content_type="multipart/form-data")
    assert upload.status_code == 201 and upload.get_json()["data"]["content_type"] == "application/pdf"
    bad = api.post(f"/api/v1/tasks/{task['id']}/attachments", "pm",
                   data={"file": (io.BytesIO(b"#!/bin/sh"), "x.pdf")}, content_type="multipart/form-data")
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "file_type_not_allowed"


def test_unknown_message_is_404_and_incidents_list(site, api):
    r = api.post("/api/v1/messages", "pm", json={"name": "nobody_listens", "correlation": {"a": 1}})
    assert r.status_code == 404 and r.get_json()["error"]["code"] == "message_no_receiver"
    official = gen_user("district_safety_officer", org_unit=gen_district(), username="off")
    api.token("off", PASSWORD)
    r = api.get("/api/v1/incidents", "off")
    assert r.status_code == 200 and r.get_json()["data"] == []
    assert official.id


def _files(*names, **content):
    out = {}
    for name in names:
        out.setdefault("files", []).append((io.BytesIO(content.get(name) or (FIXTURES / name).read_bytes()), name))
    return out


def test_designer_uploads_a_diagram(app, api):
    gen_user("process_designer", org_unit=gen_org_unit(), username="des")
    gen_user("contractor_pm", project=gen_project(), username="pm9")
    for name in ("des", "pm9"):
        api.token(name, PASSWORD)
    forms = {n: (FIXTURES / "forms" / n).read_bytes() for n in ("plan_compile.json", "plan_compile.ui.json",
                                                               "plan_review.json")}
    files = [(io.BytesIO((FIXTURES / "review_loop.bpmn").read_bytes()), "review_loop.bpmn")]
    files += [(io.BytesIO(b), n) for n, b in forms.items()]
    denied = api.post("/api/v1/process-definitions", "pm9", data={"files": files}, content_type="multipart/form-data")
    assert denied.status_code == 403
    files = [(io.BytesIO((FIXTURES / "review_loop.bpmn").read_bytes()), "review_loop.bpmn")]
    files += [(io.BytesIO(b), n) for n, b in forms.items()]
    r = api.post("/api/v1/process-definitions", "des", data={"files": files}, content_type="multipart/form-data")
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["data"][0]["key"] == "review_loop" and r.get_json()["data"][0]["version"] == 1
    broken = (FIXTURES / "review_loop.bpmn").read_bytes().replace(b'name="chief_supervisor"', b'name="boss"', 1)
    r = api.post("/api/v1/process-definitions", "des", data={"files": [(io.BytesIO(broken), "review_loop.bpmn")]},
                 content_type="multipart/form-data")
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "bundle_invalid"
    assert any("lane_unknown_role" in m for msgs in r.get_json()["error"]["fields"].values() for m in msgs)
    r = api.post("/api/v1/process-definitions", "des", data={"files": [(io.BytesIO(b"x"), "evil.exe")]},
                 content_type="multipart/form-data")
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "upload_invalid"
    versions = api.get("/api/v1/process-definitions", "des").get_json()["data"]
    assert [(v["key"], v["version"]) for v in versions] == [("review_loop", 1)]


def test_openapi_documents_every_route(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    for path in ("/api/v1/tasks", "/api/v1/tasks/{task_id}/complete", "/api/v1/process-instances",
                 "/api/v1/messages", "/api/v1/incidents/{incident_id}/retry", "/api/v1/process-definitions"):
        assert path in spec["paths"], path
    assert spec["openapi"].startswith("3.")


def test_attachment_download_is_scoped_like_the_case(site, api):
    _start(api, site)
    task = _only_task(api, "pm")
    upload = api.post(f"/api/v1/tasks/{task['id']}/attachments", "pm",
                      data={"file": (io.BytesIO(b"%PDF-1.4 the plan"), "方案.pdf")}, content_type="multipart/form-data")
    attachment_id = upload.get_json()["data"]["id"]
    r = api.get(f"/api/v1/attachments/{attachment_id}", "chief")
    assert r.status_code == 200 and r.data == b"%PDF-1.4 the plan"
    assert r.headers["Content-Type"] == "application/pdf" and r.headers["X-Content-Type-Options"] == "nosniff"
    assert api.get(f"/api/v1/attachments/{attachment_id}", "pm2").status_code == 404
    assert api.get("/api/v1/attachments/999999", "pm").get_json()["error"]["code"] == "attachment_not_found"
