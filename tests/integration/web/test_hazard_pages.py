"""The hazardous-work pages: registering a work (thresholds decide the flags), the work page with
every case, notices as PDF links, starting the plan review; scope (another project's URL → 404)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, HazardousWork, IssuedDocument, Project
from app.services.definitions.deployments import Bundle, bundle_from_dirs, deploy
from app.services.demo import seed
from tests.support.settings import change_settings

WORK = {"code": "WEB-01", "name": "地下车库顶板高支模", "category_code": "MB-SUP", "param.height_m": "9.5",
        "param.span_m": "12", "planned_start": "2026-06-01"}


def family_bundle(*prefixes: str) -> Bundle:
    """Only the named process families (others may be half-written by a colleague right now)."""
    base = bundle_from_dirs()
    return Bundle({n: b for n, b in base.files.items() if n.startswith(prefixes)},
                  {n: b for n, b in base.forms.items() if n.startswith(prefixes)})


@pytest.fixture
def hazard_site(site):
    deploy(family_bundle("hazardous_"))
    return site


def _register(browser, data=None, who="contractor_pm", code="JS-2026-001"):
    return browser(who).post(f"/projects/{code}/works/new", data=data or WORK)


def test_register_form_offers_categories_and_their_parameters(browser, hazard_site):
    html = browser("contractor_pm").get("/projects/JS-2026-001/works/new").get_data(as_text=True)
    assert 'value="MB-SUP"' in html and 'data-params="height_m span_m load_kn_m2 line_load_kn_m"' in html
    assert 'name="param.depth_m"' in html and "开挖（挖孔）深度（m）" in html
    assert 'name="param.super_scale_declared"' in html
    assert 'id="register-work"' in browser("contractor_pm").get("/projects/JS-2026-001").get_data(as_text=True)
    assert 'id="register-work"' not in browser("supervisor").get("/projects/JS-2026-001").get_data(as_text=True)


def test_registering_shows_the_super_scale_flag_and_its_reason(browser, hazard_site):
    r = _register(browser)
    assert r.status_code == 302 and "registered=1" in r.headers["Location"]
    html = browser("contractor_pm").get(r.headers["Location"]).get_data(as_text=True)
    assert "超过一定规模" in html and "搭设（安装）高度为9.5 m，不小于 8 m" in html and 'id="registered-note"' in html
    assert 'data-status="registered"' in html and "已登记" in html
    assert 'data-process="hazardous_plan_review"' in html
    work = db.session.scalar(select(HazardousWork).where(HazardousWork.code == "WEB-01"))
    assert work.super_scale and work.parameters == {"height_m": 9.5, "span_m": 12.0}


def test_registration_errors_are_shown_at_the_fields_with_values_kept(browser, hazard_site):
    r = _register(browser, {**WORK, "name": "", "param.height_m": "九米"})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "请输入数字。" in html and "必填项。" in html
    assert 'value="九米"' in html and 'value="WEB-01"' in html
    r = _register(browser, {**WORK, "param.height_m": "2", "param.span_m": "3"})
    assert r.status_code == 422 and "未达到危大工程标准" in r.get_data(as_text=True)
    r = _register(browser, {**WORK, "category_code": "CC"})  # prose criterion: a declaration is needed
    assert r.status_code == 422 and "需要判定" in r.get_data(as_text=True)
    assert _register(browser).status_code == 302
    r = _register(browser)
    assert r.status_code == 409 and "编号已存在" in r.get_data(as_text=True)


def test_registration_is_scoped_and_role_checked(browser, hazard_site):
    assert _register(browser, who="contractor_pm2").status_code == 404
    assert browser("contractor_pm2").get("/projects/JS-2026-001/works/new").status_code == 404
    assert _register(browser, who="supervisor").status_code == 403
    work_id = int(re.search(r"/works/(\d+)", _register(browser).headers["Location"]).group(1))
    assert browser("contractor_pm2").get(f"/works/{work_id}").status_code == 404
    assert browser("contractor_pm2").post(f"/works/{work_id}/start",
                                          data={"process_key": "hazardous_plan_review"}).status_code == 404


def test_starting_the_plan_review_from_the_work_page_opens_my_task(browser, hazard_site):
    work_id = int(re.search(r"/works/(\d+)", _register(browser).headers["Location"]).group(1))
    assert browser("supervisor").post(f"/works/{work_id}/start", data={"process_key": "hazardous_plan_review"}
                                      ).status_code == 302  # refused with a message, back to the work
    assert "没有发起此流程的角色" in browser("supervisor").get(f"/works/{work_id}").get_data(as_text=True)
    r = browser("contractor_pm").post(f"/works/{work_id}/start", data={"process_key": "hazardous_plan_review"})
    assert re.search(r"/tasks/\d+$", r.headers["Location"])
    task_page = browser("contractor_pm").get(r.headers["Location"]).get_data(as_text=True)
    assert "编制专项施工方案" in task_page and 'name="plan_name"' in task_page
    english = browser("contractor_pm").get(r.headers["Location"] + "?lang=en").get_data(as_text=True)
    browser("contractor_pm").get("/inbox?lang=zh")
    form = english[english.index('name="plan_name"') - 400:english.index('name="plan_file"')]
    assert "Plan name" in form and "Planned start" in form and "方案名称" not in form
    work_page = browser("contractor_pm").get(f"/works/{work_id}").get_data(as_text=True)
    assert "编制专项施工方案" in work_page and "（contractor_pm）" not in work_page  # a role task, no seat
    r = browser("contractor_pm").post(f"/works/{work_id}/start", data={"process_key": "hazardous_plan_review"})
    assert "已有一个进行中的同类案件" in browser("contractor_pm").get(r.headers["Location"]).get_data(as_text=True)


@pytest.fixture
def lifecycle_site(sqlite_app, monkeypatch):
    """The demo with its hazardous lifecycle: WD-11 has an issued expert argumentation report."""
    change_settings(monkeypatch, sqlite_app, demo_hazard_cases=True)
    seed.load_demo(sqlite_app.config["DEMO_PASSWORD"])
    return sqlite_app


def test_notices_are_pdf_links_on_work_case_task_and_project_pages(lifecycle_site):
    from tests.integration.web.conftest import Browser

    browser = Browser(lifecycle_site)
    document = db.session.scalar(select(IssuedDocument).where(
        IssuedDocument.template == "expert_argumentation_report", IssuedDocument.instance_id.is_not(None)))
    assert document.status == "rendered"
    work = db.session.scalar(select(HazardousWork).where(HazardousWork.code == "WD-11"))
    link = f'href="/api/v1/documents/{document.id}/pdf"'
    html = browser("district_safety").get(f"/works/{work.id}").get_data(as_text=True)
    assert link in html and document.number in html and 'data-status="plan_approved"' in html
    assert "专家论证报告" in html and "report_file.pdf" in html  # the notice title and the attachment
    assert link in browser("district_safety").get(f"/cases/{document.instance_id}").get_data(as_text=True)
    assert link in browser("contractor_pm").get("/projects/JS-2026-002").get_data(as_text=True)
    pdf = browser("district_safety").get(f"/api/v1/documents/{document.id}/pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    audited = db.session.scalar(select(AuditLog).where(AuditLog.action == "download"))
    assert (audited.username, audited.entity_type, audited.entity_id) == \
        ("district_safety", "issued_document", str(document.id))
    assert browser("district_safety2").get(f"/works/{work.id}").status_code == 404
    assert browser("district_safety2").get(f"/api/v1/documents/{document.id}/pdf").status_code == 404


def test_registers_for_officials(browser, hazard_site):
    official = browser("district_safety")
    assert "法律条款库" in official.get("/clauses").get_data(as_text=True)
    r = official.post("/clauses", data={"code": "JGB-99", "title": "测试条款", "text": "应当按规定整改。"})
    assert r.status_code == 302
    assert 'data-clause="JGB-99"' in official.get("/clauses?q=测试").get_data(as_text=True)
    bad = official.post("/clauses", data={"code": "坏 编号", "title": "", "text": "x"})
    assert bad.status_code == 422 and "请填写条款名称。" in bad.get_data(as_text=True)
    assert browser("contractor_pm").get("/clauses").status_code == 200
    assert 'id="new-clause"' not in browser("contractor_pm").get("/clauses").get_data(as_text=True)
    assert browser("contractor_pm").post("/clauses", data={"code": "X1", "title": "t", "text": "t"}).status_code == 403
    assert official.get("/clues").status_code == 200 and official.get("/clues?status=整改中").status_code == 200
    assert official.get("/urging/stats").status_code == 200
    assert browser("contractor_pm").get("/clues").status_code == 403
    assert browser("contractor_pm").get("/urging/stats").status_code == 403


def test_admin_creates_categories_and_experts_with_masked_id_numbers(browser, hazard_site):
    admin = browser("district_safety")
    assert 'id="admin-new"' in admin.get("/admin/experts").get_data(as_text=True)
    r = admin.post("/admin/categories/new", data={"code": "QT-WEB", "name_zh": "网页测试类别",
                                                  "hazardous_rule": "height_m>=3", "super_scale_rule": "height_m>=6"})
    assert r.status_code == 302 and "QT-WEB" in admin.get("/admin/categories").get_data(as_text=True)
    assert admin.post("/admin/categories/new", data={"code": "QT-WEB", "name_zh": "x", "hazardous_rule": "always",
                                                     "super_scale_rule": "never"}).status_code == 409
    missing = admin.post("/admin/categories/new", data={"code": "QT-X"})
    assert missing.status_code == 422 and "必填项。" in missing.get_data(as_text=True)
    expert = {"name": "网页专家", "id_number": "41010519800101123x", "specialties": "formwork，scaffold",
              "title": "高级工程师", "employer_name": "河南省建筑科学研究院"}
    assert admin.post("/admin/experts/new", data=expert).status_code == 302
    listing = admin.get("/admin/experts").get_data(as_text=True)
    assert "网页专家" in listing and "41010519800101123X" not in listing and "formwork、scaffold" in listing
    bad = admin.post("/admin/experts/new", data={**expert, "id_number": "12345"})
    assert bad.status_code == 422 and 'value="12345"' not in bad.get_data(as_text=True)
    assert browser("contractor_pm").get("/admin/experts/new").status_code == 403
    assert browser("contractor_pm").post("/admin/experts/new", data=expert).status_code == 403
    assert admin.get("/admin/nothing/new").status_code == 404


def test_new_forms_require_csrf(sqlite_template, tmp_path):
    from tests.conftest import make_sqlite_app

    app = make_sqlite_app(sqlite_template, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        seed.load_demo(app.config["DEMO_PASSWORD"])
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
        assert client.post("/login", data={"username": "contractor_pm", "password": app.config["DEMO_PASSWORD"],
                                           "csrf_token": token}).status_code == 302
        assert client.post("/projects/JS-2026-001/works/new", data=WORK).status_code == 400
        assert client.post("/works/1/start", data={"process_key": "hazardous_plan_review"}).status_code == 400
        assert client.post("/clauses", data={"code": "A"}).status_code == 400
        assert client.post("/admin/experts/new", data={"name": "x"}).status_code == 400
        assert db.session.scalar(select(HazardousWork.id).join(Project).where(HazardousWork.code == "WEB-01")) is None
        db.session.remove()
        db.engine.dispose()


def test_start_page_offers_only_what_the_user_may_start(browser, site):
    """An official's chain (an order) is not offered to a contractor, nor a hazardous-work chain
    to a project role its start rule does not name; the official is offered the order."""
    deploy(bundle_from_dirs())

    def offered(who: str) -> set[str]:
        html = browser(who).get("/start").get_data(as_text=True)
        return set(re.findall(r'<option value="([a-z_]+)"', html)) & {"hazardous_plan_review", "rectification_order"}

    assert offered("contractor_pm") == {"hazardous_plan_review"}
    assert offered("supervisor") == set()
    assert offered("district_safety") == {"hazardous_plan_review", "rectification_order"}


def test_start_buttons_carry_the_process_names_of_the_newest_diagrams(browser, hazard_site):
    location = _register(browser).headers["Location"]
    html = browser("contractor_pm").get(location).get_data(as_text=True)
    button = re.search(r'data-process="hazardous_plan_review">([^<]+)<', html)
    assert button and button.group(1) == "危大工程专项施工方案审查与专家论证"
    base = family_bundle("hazardous_")
    renamed = base.files["hazardous_plan_review.bpmn"].replace(
        'name="危大工程专项施工方案审查与专家论证"'.encode(), 'name="编制并报审专项方案"'.encode())
    deploy(Bundle({**base.files, "hazardous_plan_review.bpmn": renamed}, base.forms), keys=["hazardous_plan_review"])
    html = browser("contractor_pm").get(location).get_data(as_text=True)
    assert re.search(r'data-process="hazardous_plan_review">([^<]+)<', html).group(1) == "编制并报审专项方案"
