"""The quality console: reports, unqualified, modified and warnings per agency and per district,
counted from the rows in the reader's scope, the same figures in its xlsx export."""
from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, OrgUnit, Project
from tests.integration.quality.concrete_support import (
    deploy_handling,
    make_delivery,
    make_producer,
    strength_body,
)
from tests.integration.quality.support import commission, make_agency, make_sample, post_report, report_body
from tests.support.browsers import signed_in


def _district(code: str) -> str:
    return db.session.scalar(select(OrgUnit.name).join(Project, Project.district_id == OrgUnit.id)
                             .where(Project.code == code))


def _world(api) -> tuple[int, int]:
    """Agency A: on JS a qualified report modified once, an unqualified one and a failing concrete
    batch (witnessed: no cross-check warning); on EQ one qualified report. Agency B: nothing but
    an expired calibration (a warning)."""
    deploy_handling()
    a, token = make_agency(api, name="郑州统计检测甲公司")
    b, _ = make_agency(api, name="郑州统计检测乙公司", equipment="2020-01-01")
    js = [make_sample(api, batch=f"B{i}") for i in range(2)]
    eq = make_sample(api, project="EQ-2026-001", user="admin")
    assert commission(api, a, js).status_code == 201
    assert commission(api, a, [eq], project="EQ-2026-001", user="admin").status_code == 201
    post_report(api, token, report_body([js[0]], report_no="R1"))
    post_report(api, token, report_body([js[0]], report_no="R1", issued_at="2026-03-05T09:00:00+08:00"))
    post_report(api, token, report_body([js[1]], report_no="R2", conclusion="unqualified"))
    post_report(api, token, report_body([eq], report_no="R3", project_code="EQ-2026-001"))
    delivery = make_delivery(api, make_producer(api))
    make_sample(api, material="混凝土试块", specification="C30", batch=delivery["number"])
    r = api.post(f"/api/v1/concrete/deliveries/{delivery['id']}/strength-tests", "supervisor",
                 json=strength_body(a, [[29.0, 30.5, 31.0]]))
    assert r.get_json()["data"]["conclusion"] == "unqualified"
    assert api.post("/api/v1/projects/JS-2026-001/commissions", "supervisor",
                    json={"agency_id": b, "sample_codes": [js[0]]}).status_code == 409  # its warning
    return a, b


def _figures(row: dict) -> tuple[int, int, int, int]:
    return row["reports"], row["unqualified"], row["modified"], row["warnings"]


def test_the_console_counts_per_agency_and_district_in_scope(demo_data, api):
    a, b = _world(api)
    city = api.get("/api/v1/quality/console", "city_official").get_json()["data"]
    agencies = {r["agency_id"]: _figures(r) for r in city["agencies"]}
    # A: R1 (modified once), R2 (unqualified), R3, the failing batch; the report_modified warning
    assert agencies[a] == (4, 2, 1, 1)
    assert agencies[b] == (0, 0, 0, 1)  # its expired calibration, agency-wide
    districts = {r["district_name"]: _figures(r) for r in city["districts"]}
    assert districts == {_district("JS-2026-001"): (3, 2, 1, 1), _district("EQ-2026-001"): (1, 0, 0, 0)}
    assert _figures(city["totals"]) == (4, 2, 1, 2)
    # an enterprise user of the other district sees his project's figures only, no agency-wide warning
    pm2 = api.get("/api/v1/quality/console", "contractor_pm2").get_json()["data"]
    assert [_figures(r) for r in pm2["districts"]] == [(1, 0, 0, 0)]
    assert {r["agency_id"]: _figures(r) for r in pm2["agencies"]} == {a: (1, 0, 0, 0)}
    assert _figures(pm2["totals"]) == (1, 0, 0, 0)
    officer = api.get("/api/v1/quality/console", "district_quality").get_json()["data"]
    assert [r["district_name"] for r in officer["districts"]] == [_district("JS-2026-001")]


def test_the_export_and_the_page_show_the_same_figures(demo_data, api):
    a, _ = _world(api)
    book = load_workbook(BytesIO(api.get("/api/v1/quality/console/export", "city_official").data))
    assert book.sheetnames == ["按检测机构", "按辖区"]
    rows = list(book["按检测机构"].values)
    assert rows[0] == ("检测机构", "检测报告", "不合格", "出具后修改", "预警")
    assert ("郑州统计检测甲公司", 4, 2, 1, 1) in rows
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.entity_type == "quality_console"))
    html = signed_in(demo_data, "city_official").get("/quality/console").get_data(as_text=True)
    assert 'id="total-reports">4<' in html and 'id="total-unqualified">2<' in html
    assert "郑州统计检测甲公司" in html and _district("EQ-2026-001") in html
    english = signed_in(demo_data, "contractor_pm2").get("/quality/console?lang=en").get_data(as_text=True)
    assert "Quality console" in english and "By testing agency" in english
