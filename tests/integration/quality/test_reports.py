"""Reports from the agencies: accepted when they name commissioned samples of their project,
refused with a reason and kept otherwise; modifications kept as before/after and flagged;
anomaly warnings (capacity, repeated modification, issued before received)."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import ProcessInstance, ReportRejection
from tests.integration.quality.support import commission, make_agency, make_sample, post_report, report_body
from tests.support.settings import change_settings


def _commissioned(api, count: int = 1) -> tuple[int, str, list[str]]:
    agency_id, token = make_agency(api)
    codes = [make_sample(api, batch=f"B{i}") for i in range(count)]
    assert commission(api, agency_id, codes).status_code == 201
    return agency_id, token, codes


def _kinds(api) -> list[str]:
    return sorted(w["kind"] for w in api.get("/api/v1/quality/warnings", "district_quality").get_json()["data"])


def test_a_qualified_report_is_accepted_and_read_in_scope(demo_data, api):
    _, token, codes = _commissioned(api)
    r = post_report(api, token, report_body(codes))
    assert r.status_code == 202 and r.get_json()["data"]["status"] == "accepted"
    assert r.get_json()["data"]["handling_instance_id"] is None
    listed = api.get("/api/v1/quality/reports?project=JS-2026-001", "chief_supervisor").get_json()["data"]
    assert [(x["report_no"], x["sample_codes"], x["conclusion_label"]) for x in listed] == [
        ("BG2026-0001", codes, "合格")]
    assert api.get("/api/v1/quality/reports", "contractor_pm2").get_json()["data"] == []
    sample = api.get(f"/api/v1/samples/{codes[0]}", "supervisor").get_json()["data"]
    assert sample["received_at"].startswith("2026-03-02T01:00")


def test_a_bad_token_is_refused_and_kept(demo_data, api):
    r = post_report(api, "nonsense", report_body(["X"]))
    assert r.status_code == 401 and r.get_json()["error"]["code"] == "agency_token_invalid"
    rows = api.get("/api/v1/quality/report-rejections", "district_quality").get_json()["data"]
    assert [(x["reason_code"], x["report_no"]) for x in rows] == [("agency_token_invalid", "BG2026-0001")]


def test_reports_for_unknown_foreign_or_uncommissioned_samples_are_refused_with_a_reason_and_kept(demo_data, api):
    agency_id, token, codes = _commissioned(api)
    foreign = make_sample(api, project="EQ-2026-001", user="admin")
    loose = make_sample(api)
    cases = {"sample_unknown": report_body(["JS-2026-001-S9999"]),
             "sample_other_project": report_body([codes[0], foreign], report_no="BG-2"),
             "sample_not_commissioned": report_body([loose], report_no="BG-3"),
             "project_unknown": report_body(codes, project_code="NOPE", report_no="BG-4"),
             "report_invalid": report_body(codes, conclusion="maybe", report_no="BG-5")}
    for reason, body in cases.items():
        out = post_report(api, token, body).get_json()["data"]
        assert (out["status"], out["reason_code"]) == ("rejected", reason), out
        assert out["detail"]
    kept = api.get("/api/v1/quality/report-rejections", "city_official").get_json()["data"]
    assert sorted(x["reason_code"] for x in kept) == sorted(cases)
    assert all(x["agency_id"] == agency_id for x in kept)
    assert foreign in next(x["detail"] for x in kept if x["reason_code"] == "sample_other_project")
    assert api.get("/api/v1/quality/reports", "district_quality").get_json()["data"] == []
    # refusals naming a project follow its scope; those naming none are the stations' alike
    post_report(api, token, report_body(codes, project_code="EQ-2026-001", report_no="BG-6"))
    seen = {x["report_no"] for x in api.get("/api/v1/quality/report-rejections", "district_quality").get_json()["data"]}
    assert "BG-6" not in seen and "BG-4" in seen
    assert "BG-6" in {x["report_no"] for x in api.get("/api/v1/quality/report-rejections",
                                                        "city_official").get_json()["data"]}
    assert db.session.scalar(select(ReportRejection).where(ReportRejection.report_no == "BG-2")).payload[
        "sample_codes"] == [codes[0], foreign]


def test_a_report_changed_after_issue_keeps_its_before_and_after_and_is_flagged(demo_data, api):
    _, token, codes = _commissioned(api)
    post_report(api, token, report_body(codes))
    assert post_report(api, token, report_body(codes)).get_json()["data"]["status"] == "unchanged"
    changed = report_body(codes, items=[{"name": "屈服强度", "value": 405, "standard": "≥400MPa", "result": "合格"}])
    assert post_report(api, token, changed).get_json()["data"]["status"] == "modified"
    report = api.get("/api/v1/quality/reports?modified=true", "district_quality").get_json()["data"][0]
    assert report["revisions"] == 1
    assert report["history"][0]["before"]["items"][0]["value"] == 455
    assert report["history"][0]["after"]["items"][0]["value"] == 405
    assert _kinds(api) == ["report_modified"]
    told = api.get("/api/v1/notifications", "district_quality").get_json()["data"]
    assert [n["title"] for n in told] == ["检测报告出具后被修改"] and "BG2026-0001" in told[0]["body"]
    assert api.get("/api/v1/notifications", "district_safety").get_json()["data"] == []
    post_report(api, token, report_body(codes, issued_at="2026-03-05T10:00:00+08:00"))
    assert _kinds(api) == ["repeated_modification", "report_modified", "report_modified"]


def test_a_report_issued_before_its_sample_was_received_is_warned(demo_data, api):
    _, token, codes = _commissioned(api)
    post_report(api, token, report_body(codes, issued_at="2026-03-01T10:00:00+08:00"))
    assert _kinds(api) == ["issued_before_received"]
    assert api.get("/api/v1/quality/warnings", "chief_supervisor").get_json()["data"][0]["kind"] == \
        "issued_before_received"
    assert api.get("/api/v1/quality/warnings", "contractor_pm2").get_json()["data"] == []


def test_an_agency_issuing_more_than_its_capacity_in_a_day_is_warned(demo_data, api, monkeypatch):
    change_settings(monkeypatch, demo_data, quality_reports_per_unit_day=2)
    _, token, codes = _commissioned(api)
    for n in (1, 2):
        post_report(api, token, report_body(codes, report_no=f"BG-{n}"))
    assert _kinds(api) == []
    post_report(api, token, report_body(codes, report_no="BG-3", issued_at="2026-03-05T10:00:00+08:00"))
    assert _kinds(api) == []
    post_report(api, token, report_body(codes, report_no="BG-4", issued_at="2026-03-04T23:30:00+08:00"))
    warnings = api.get("/api/v1/quality/warnings", "district_quality").get_json()["data"]
    assert [w["kind"] for w in warnings] == ["over_capacity"] and "3 份" in warnings[0]["message"]


def test_a_quality_officer_enters_a_report_on_his_district_only(demo_data, api):
    agency_id, _, codes = _commissioned(api)
    r = api.post(f"/api/v1/quality/agencies/{agency_id}/reports", "district_quality", json=report_body(codes))
    assert r.get_json()["data"]["status"] == "accepted"
    assert api.get("/api/v1/quality/reports", "supervisor").get_json()["data"][0]["source"] == "page"
    r = api.post(f"/api/v1/quality/agencies/{agency_id}/reports", "district_quality",
                 json=report_body(codes, project_code="EQ-2026-001"))
    assert r.status_code == 404


def test_an_unqualified_report_starts_one_handling_case(demo_data, api):
    from app.services.definitions import deployments
    deployments.deploy(deployments.bundle_from_dirs())
    _, token, codes = _commissioned(api)
    body = report_body(codes, conclusion="unqualified")
    first = post_report(api, token, body).get_json()["data"]
    again = post_report(api, token, {**body, "items": []}).get_json()["data"]
    assert first["handling_instance_id"] and again["handling_instance_id"] == first["handling_instance_id"]
    instance = db.session.get(ProcessInstance, first["handling_instance_id"])
    assert (instance.process_key, instance.subject_type) == ("quality_handling", "quality_report")
