"""The testing-supervision pages: the registry with its unfit agencies, samples recorded and
changed on a page with their trail, modified reports with their before/after, scope."""
from __future__ import annotations

from tests.integration.quality.support import (
    EXPIRED,
    commission,
    make_agency,
    make_sample,
    post_report,
    report_body,
    sample_body,
)
from tests.support.browsers import signed_in


def test_a_sample_is_recorded_and_changed_on_pages_and_its_trail_shown(demo_data):
    browser = signed_in(demo_data, "supervisor")
    r = browser.post("/projects/JS-2026-001/samples", data=sample_body())
    assert r.status_code == 302 and r.location.endswith("/samples/JS-2026-001-S0001")
    r = browser.post("/samples/JS-2026-001-S0001", data={**sample_body(), "quantity": "58t"})
    assert r.status_code == 302
    html = signed_in(demo_data, "district_quality").get("/samples/JS-2026-001-S0001").get_data(as_text=True)
    assert "代表数量" in html and "60t" in html and "58t" in html and "supervisor" in html
    assert 'id="edit-sample"' not in html  # the quality officer reads; supervisors edit
    listing = browser.get("/projects/JS-2026-001/samples").get_data(as_text=True)
    assert "JS-2026-001-S0001" in listing and "1 条" in listing and 'id="print-labels"' in listing
    r = browser.post("/projects/JS-2026-001/sample-labels", data={})
    assert r.status_code == 302 and r.location.endswith("/projects/JS-2026-001")
    assert "见证取样样品标识" in browser.get("/projects/JS-2026-001").get_data(as_text=True)


def test_an_invalid_sample_is_refused_with_the_field_names(demo_data):
    browser = signed_in(demo_data, "supervisor")
    browser.post("/projects/JS-2026-001/samples", data={**sample_body(), "material": ""})
    html = browser.get("/projects/JS-2026-001/samples").get_data(as_text=True)
    assert "材料名称：必填。" in html and "JS-2026-001-S0001" not in html


def test_the_registry_page_shows_unfit_agencies_and_the_officers_keep_it(demo_data, api):
    make_agency(api, equipment=EXPIRED)
    officer = signed_in(demo_data, "district_quality")
    html = officer.get("/quality").get_data(as_text=True)
    assert "不能接受新的委托" in html and "没有检定有效的检测设备" in html and 'id="new-agency"' in html
    assert 'id="new-agency"' not in signed_in(demo_data, "contractor_pm").get("/quality").get_data(as_text=True)


def test_a_modified_report_shows_its_before_and_after_to_the_officer(demo_data, api):
    agency_id, token = make_agency(api)
    code = make_sample(api)
    assert commission(api, agency_id, [code]).status_code == 201
    post_report(api, token, report_body([code]))
    post_report(api, token, report_body([code], issued_at="2026-03-05T09:00:00+08:00"))
    html = signed_in(demo_data, "district_quality").get("/quality").get_data(as_text=True)
    assert "出具后修改 1 次" in html and "报告出具后被修改" in html
    # the issue time before and after the change, in China time
    assert "2026-03-04 10:00" in html and "2026-03-05 09:00" in html and "+00:00" not in html
    other = signed_in(demo_data, "contractor_pm2").get("/quality").get_data(as_text=True)
    assert "BG2026-0001" not in other


def test_another_districts_sample_page_is_not_found(demo_data, api):
    code = make_sample(api)
    assert signed_in(demo_data, "contractor_pm2").get(f"/samples/{code}").status_code == 404
    assert signed_in(demo_data, "contractor_pm2").get("/projects/JS-2026-001/samples").status_code == 404


def test_a_quality_officer_enters_a_report_on_the_page_and_sees_refusals(demo_data, api):
    agency_id, _ = make_agency(api)
    code = make_sample(api)
    assert commission(api, agency_id, [code]).status_code == 201
    officer = signed_in(demo_data, "district_quality")
    form = {"agency_id": str(agency_id), "project_code": "JS-2026-001", "report_no": "BG-P1",
            "issued_at": "2026-03-04T10:00", "received_at": "2026-03-02T09:00", "conclusion": "qualified",
            "sample_codes": code, "item_name": "屈服强度", "item_value": "455", "item_standard": "≥400", "item_result": "合格"}
    assert officer.post("/quality/reports", data=form).status_code == 302
    officer.post("/quality/reports", data={**form, "report_no": "BG-P2", "sample_codes": "JS-2026-001-S0999"})
    html = officer.get("/quality").get_data(as_text=True)
    assert "BG-P1" in html and "检测报告未被接受" in html and "JS-2026-001-S0999" in html
    [report] = api.get("/api/v1/quality/reports", "supervisor").get_json()["data"]
    assert (report["source"], report["issued_at"]) == ("page", "2026-03-04T02:00:00+00:00")
    assert report["items"] == [{"name": "屈服强度", "value": "455", "standard": "≥400", "result": "合格"}]
