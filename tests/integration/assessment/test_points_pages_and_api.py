"""Assessment points kept by city officials (page and API, refusals with stable codes), the
results through the API, the xlsx export and the page, each scoped to its reader, and the CLI."""
from __future__ import annotations

import re
from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.infra import wallclock
from app.models import AssessmentPoint, AssessmentResult, OrgUnit
from app.services.assessment import scoring
from tests.integration.assessment.records import NOW
from tests.support.browsers import signed_in
from tests.support.client import bearer
from tests.support.factories import PASSWORD, gen_user


def login(app, username: str):
    return signed_in(app, username, PASSWORD)


def token(app, username: str) -> dict[str, str]:
    return bearer(app, username, PASSWORD)


def people(city) -> None:
    east, _ = city["districts"]
    _, e2, _, _ = city["projects"]
    gen_user("city_official", org_unit=db.session.get(OrgUnit, east.parent_id), username="city")
    gen_user("district_safety_officer", org_unit=east, username="east_officer")
    gen_user("contractor_pm", project=e2, username="e2_pm", enterprise_id=city["enterprises"][1].id)


def test_only_city_officials_keep_the_points(app, city):
    people(city)
    api = app.test_client()
    body = {"measure": "workers_educated", "name": "实名制教育", "weight": 20, "target": 95}
    assert api.post("/api/v1/assessment/points", json=body, headers=token(app, "east_officer")).status_code == 403
    r = api.post("/api/v1/assessment/points", json=body, headers=token(app, "city"))
    assert r.status_code == 201 and r.get_json()["data"]["subject"] == "district"
    point_id = r.get_json()["data"]["id"]
    again = api.post("/api/v1/assessment/points", json=body, headers=token(app, "city"))
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "assessment_point_taken"
    bad = api.post("/api/v1/assessment/points", json={**body, "measure": "pm_tasks_on_time", "weight": 0,
                                                      "target": "x", "extra": 1}, headers=token(app, "city"))
    assert bad.status_code == 422 and set(bad.get_json()["error"]["fields"]) == {"weight", "target", "extra"}
    odd = api.patch(f"/api/v1/assessment/points/{point_id}", json={"measure": [["x"]], "target": 5e-324,
                                                                    "weight": True}, headers=token(app, "city"))
    assert odd.status_code == 422 and set(odd.get_json()["error"]["fields"]) == {"measure", "target", "weight"}
    r = api.patch(f"/api/v1/assessment/points/{point_id}", json={"target": 90}, headers=token(app, "city"))
    assert r.status_code == 200 and r.get_json()["data"]["target"] == 90
    assert api.patch("/api/v1/assessment/points/999999", json={}, headers=token(app, "city")).status_code == 404
    assert api.delete(f"/api/v1/assessment/points/{point_id}", headers=token(app, "e2_pm")).status_code == 403
    assert api.delete(f"/api/v1/assessment/points/{point_id}", headers=token(app, "city")).status_code == 200
    assert db.session.get(AssessmentPoint, point_id) is None


def test_the_points_page_adds_changes_and_deletes_a_point(app, city):
    people(city)
    browser = login(app, "city")
    page = browser.get("/assessment/points").get_data(as_text=True)
    assert "工地接入率考核" in page and "new-point-district" in page
    r = browser.post("/assessment/points", data={"measure": "quality_report_coverage", "name": "质量覆盖",
                                                 "weight": "10", "target": "80"})
    assert r.status_code == 302
    point = db.session.scalar(select(AssessmentPoint).where(AssessmentPoint.measure == "quality_report_coverage"))
    assert (point.subject, point.weight, point.target, point.created_by) == ("district", 10.0, 80.0, "city")
    r = browser.post(f"/assessment/points/{point.id}", data={"measure": "quality_report_coverage",
                                                             "name": "质量覆盖", "weight": "101", "target": "80"})
    assert r.status_code == 422 and "须为 0 到 100 之间的数字" in r.get_data(as_text=True)
    assert browser.post(f"/assessment/points/{point.id}/delete").status_code == 302
    assert db.session.get(AssessmentPoint, point.id) is None
    officer = login(app, "east_officer")
    assert "new-point-district" not in officer.get("/assessment/points").get_data(as_text=True)
    assert officer.post("/assessment/points", data={"measure": "quality_report_coverage", "name": "x",
                                                    "weight": "1", "target": "1"}).status_code == 403


def test_results_api_export_and_page_show_each_reader_his_units(app, city):
    people(city)
    east, west = city["districts"]
    c1, c2, s1 = city["enterprises"]
    with wallclock.frozen(NOW):
        scoring.compute_month("2026-02")
    api = app.test_client()
    r = api.get("/api/v1/stats/assessment/districts?month=2026-02", headers=token(app, "city"))
    assert [(d["unit"], d["score"], d["rank"]) for d in r.get_json()["data"]] == [("西区", 100.0, 1), ("东区", 57.5, 2)]
    r = api.get("/api/v1/stats/assessment/districts?month=2026-02", headers=token(app, "east_officer"))
    assert [d["unit"] for d in r.get_json()["data"]] == ["东区"]
    r = api.get("/api/v1/stats/assessment/enterprises?month=2026-02", headers=token(app, "e2_pm"))
    assert [(d["unit_id"], d["score"]) for d in r.get_json()["data"]] == [(c2.id, 0.0)]
    assert api.get("/api/v1/stats/assessment/districts?month=2026-2",
                   headers=token(app, "city")).status_code == 422
    xlsx = api.get("/api/v1/stats/assessment/export?month=2026-02", headers=token(app, "east_officer"))
    book = load_workbook(BytesIO(xlsx.data))
    assert book.sheetnames == ["下级单位考核排名", "相关企业考核排名", "下级单位考核明细", "相关企业考核明细"]
    assert [list(row) for row in book["下级单位考核排名"].iter_rows(values_only=True)] == [
        ["名次", "区县", "得分"], [2, "东区", 57.5]]
    detail = list(book["下级单位考核明细"].iter_rows(values_only=True))
    assert ("东区", "安全专项整治", "整改按期回复考核", "整改指令按期回复率", 60, 80, 1, 2, "50%", 37.5) in detail
    page = login(app, "east_officer").get("/assessment?month=2026-02").get_data(as_text=True)
    assert re.findall(r'<tr class="(score-fail)?" data-unit="(\d+)">', page) == [
        ("score-fail", str(east.id)), ("score-fail", str(c1.id)), ("score-fail", str(s1.id)),
        ("score-fail", str(c2.id))]
    assert "西区" not in page


def test_the_cli_scores_a_month_and_a_rerun_writes_nothing(app, city):
    runner = app.test_cli_runner()
    with wallclock.frozen(NOW):
        first = runner.invoke(args=["assessment", "score", "--month", "2026-02"])
        second = runner.invoke(args=["assessment", "score", "--month", "2026-02"])
    assert "2 districts, 3 enterprises, 5 rows written" in first.output
    assert "0 rows written, 0 removed" in second.output
    assert db.session.scalar(select(db.func.count()).select_from(AssessmentResult)) == 5
    bad = runner.invoke(args=["assessment", "score", "--month", "2026-13"])
    assert bad.exit_code != 0 and "YYYY-MM" in bad.output
