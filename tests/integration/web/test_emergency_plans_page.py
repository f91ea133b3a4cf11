"""Emergency plans on the hazardous-work page: everyone who sees the work sees the list; the
project's contractor PM uploads (category, dates, filing number, file) with errors at the fields."""
from __future__ import annotations

import re

from sqlalchemy import select

from app.extensions import db
from app.models import EmergencyPlan

WORK = {"code": "WEB-EP", "name": "基坑支护工程", "category_code": "MB-SUP", "param.height_m": "9.5",
        "param.span_m": "12", "planned_start": "2026-06-01"}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def _work_id(browser) -> int:
    r = browser("contractor_pm").post("/projects/JS-2026-001/works/new", data=WORK)
    return int(re.search(r"/works/(\d+)", r.headers["Location"]).group(1))


def _plan(**kw):
    from io import BytesIO

    data = {"category": "special", "pre_review_date": "2026-05-20", "filing_number": "郑应急备-2026-08",
            "remarks": "汛期专项", "file": (BytesIO(PDF), "应急预案.pdf")}
    data.update(kw)
    return {k: v for k, v in data.items() if v is not None}


def test_the_contractor_pm_uploads_a_plan_and_everyone_in_scope_sees_it(browser, site):
    work_id = _work_id(browser)
    pm_page = browser("contractor_pm").get(f"/works/{work_id}").get_data(as_text=True)
    assert 'id="plan-form"' in pm_page and "现场处置方案" in pm_page and "暂无应急预案" in pm_page
    assert 'id="plan-form"' not in browser("supervisor").get(f"/works/{work_id}").get_data(as_text=True)
    r = browser("contractor_pm").post(f"/works/{work_id}/plans", data=_plan(), content_type="multipart/form-data")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/works/{work_id}#plans")
    plan = db.session.scalar(select(EmergencyPlan).where(EmergencyPlan.work_id == work_id))
    assert plan.category == "special" and plan.filing_number == "郑应急备-2026-08" and plan.filename == "应急预案.pdf"
    for who in ("supervisor", "district_safety"):
        html = browser(who).get(f"/works/{work_id}").get_data(as_text=True)
        assert f'data-plan="{plan.id}"' in html and "专项应急预案" in html and "郑应急备-2026-08" in html, who
    assert browser("contractor_pm2").get(f"/works/{work_id}").status_code == 404


def test_plan_errors_are_shown_at_the_fields(browser, site):
    work_id = _work_id(browser)
    pm = browser("contractor_pm")
    r = pm.post(f"/works/{work_id}/plans", data=_plan(category="", file=None, pre_review_date="明天"),
                content_type="multipart/form-data")
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "必填项。" in html and "不是有效的日期。" in html and "必须上传文件。" in html
    assert 'value="郑应急备-2026-08"' in html and "<details id=\"plan-upload\" open>" in html
    from io import BytesIO
    r = pm.post(f"/works/{work_id}/plans", data=_plan(file=(BytesIO(b"just text"), "plan.txt")),
                content_type="multipart/form-data")
    assert r.status_code == 422 and "文件类型不允许。" in r.get_data(as_text=True)
    assert db.session.scalar(select(EmergencyPlan.id).where(EmergencyPlan.work_id == work_id)) is None
    assert browser("supervisor").post(f"/works/{work_id}/plans", data=_plan(),
                                      content_type="multipart/form-data").status_code == 403
    assert browser("contractor_pm2").post(f"/works/{work_id}/plans", data=_plan(),
                                          content_type="multipart/form-data").status_code == 404
