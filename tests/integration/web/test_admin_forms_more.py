"""Admin create forms on the directory services: org units, enterprises, users and role grants,
projects with participants, devices (the token shown once); errors at the fields, 403s, CSRF."""
from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from app.domain.credit_code import make_credit_code
from app.extensions import db
from app.models import Device, Enterprise, OrgUnit, Project, ProjectParticipant, User
from app.services.demo import seed

GOOD_CODE = make_credit_code("91410105MA9WEB001")


def _unit_id(code: str) -> int:
    return db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == code))


def test_admin_lists_link_the_new_forms(browser):
    admin = browser("admin")
    for section in ("org-units", "enterprises", "users", "projects"):
        html = admin.get(f"/admin/{section}").get_data(as_text=True)
        assert f'href="/admin/{section}/new"' in html, section
    assert 'data-grant="contractor_pm"' in admin.get("/admin/users?q=contractor_pm").get_data(as_text=True)
    official = browser("district_safety").get("/admin/projects").get_data(as_text=True)
    assert 'href="/admin/projects/JS-2026-001/devices/new"' in official and 'href="/admin/projects/new"' in official
    assert 'href="/admin/org-units/new"' not in browser("district_safety").get("/admin/org-units").get_data(as_text=True)


def test_org_units_are_created_by_admins_with_errors_at_the_fields(browser, site):
    admin = browser("admin")
    form = admin.get("/admin/org-units/new").get_data(as_text=True)
    assert 'id="admin-new-org-unit"' in form and "金水区住房和城乡建设局（区县）" in form
    r = admin.post("/admin/org-units/new", data={"code": "ZZ-HJ", "name": "惠济区住房和城乡建设局",
                                                 "parent_id": str(_unit_id("ZZ"))})
    assert r.status_code == 302 and "惠济区住房和城乡建设局" in admin.get("/admin/org-units").get_data(as_text=True)
    assert db.session.scalar(select(OrgUnit.level).where(OrgUnit.code == "ZZ-HJ")) == "district"
    missing = admin.post("/admin/org-units/new", data={"code": "ZZ-X1"})
    html = missing.get_data(as_text=True)
    assert missing.status_code == 422 and "必填项。" in html and 'value="ZZ-X1"' in html
    taken = admin.post("/admin/org-units/new", data={"code": "ZZ-HJ", "name": "重复"})
    assert taken.status_code == 409 and "单位编码已存在。" in taken.get_data(as_text=True)
    deep = admin.post("/admin/org-units/new", data={"code": "ZZ-JS-1", "name": "街道",
                                                    "parent_id": str(_unit_id("ZZ-JS"))})
    assert deep.status_code == 422 and "区县以下不能再建下级单位。" in deep.get_data(as_text=True)
    assert browser("district_safety").get("/admin/org-units/new").status_code == 403
    assert browser("district_safety").post("/admin/org-units/new", data={"code": "A", "name": "B"}).status_code == 403


def test_enterprises_check_the_credit_code(browser, site):
    official = browser("district_safety")
    data = {"credit_code": GOOD_CODE[:-1] + ("0" if GOOD_CODE[-1] != "0" else "1"), "name": "网页建工集团",
            "type": "contractor", "legal_person": "王五"}
    bad = official.post("/admin/enterprises/new", data=data)
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "统一社会信用代码校验位不正确。" in html and 'value="网页建工集团"' in html
    assert 'class="has-error"' in html
    no_type = official.post("/admin/enterprises/new", data={**data, "credit_code": GOOD_CODE, "type": ""})
    assert no_type.status_code == 422 and "必填项。" in no_type.get_data(as_text=True)
    assert official.post("/admin/enterprises/new", data={**data, "credit_code": GOOD_CODE.lower()}).status_code == 302
    assert db.session.scalar(select(Enterprise.name).where(Enterprise.credit_code == GOOD_CODE)) == "网页建工集团"
    again = official.post("/admin/enterprises/new", data={**data, "credit_code": GOOD_CODE})
    assert again.status_code == 409 and "该统一社会信用代码已登记。" in again.get_data(as_text=True)
    assert browser("contractor_pm").get("/admin/enterprises/new").status_code == 403


def test_admin_creates_a_user_and_grants_a_project_role(browser, site):
    admin = browser("admin")
    password = site.config["DEMO_PASSWORD"]
    bad = admin.post("/admin/users/new", data={"username": "坏 名", "display_name": "", "password": "short"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and html.count('class="field-error"') >= 3 and 'value="short"' not in html
    r = admin.post("/admin/users/new", data={"username": "web_pm", "display_name": "网页项目经理",
                                             "password": password, "phone": "13800000000"})
    assert r.status_code == 302 and "/roles" in r.headers["Location"]
    user_id = db.session.scalar(select(User.id).where(User.username == "web_pm"))
    assert admin.get(r.headers["Location"]).status_code == 200
    taken = admin.post("/admin/users/new", data={"username": "web_pm", "display_name": "x", "password": password})
    assert taken.status_code == 409 and "用户名已存在。" in taken.get_data(as_text=True)
    grant = f"/admin/users/{user_id}/roles"
    no_project = admin.post(grant, data={"role": "contractor_pm"})
    assert no_project.status_code == 422 and "企业角色必须指定项目。" in no_project.get_data(as_text=True)
    unknown = admin.post(grant, data={"role": "contractor_pm", "project_code": "NO-SUCH"})
    assert unknown.status_code == 422 and "没有找到该记录。" in unknown.get_data(as_text=True)
    no_unit = admin.post(grant, data={"role": "district_safety_officer"})
    assert no_unit.status_code == 422 and "监管角色必须指定单位。" in no_unit.get_data(as_text=True)
    web_pm = browser("web_pm")  # the admin chose the password: the user must replace it first
    assert web_pm.get("/projects/JS-2026-001").headers["Location"].endswith("/account/password")
    assert web_pm.post("/account/password", data={"current_password": password, "new_password": "Neu#Pass2027",
                                                  "confirm_password": "Neu#Pass2027"}).status_code == 302
    assert web_pm.get("/projects/JS-2026-001").status_code == 404
    assert admin.post(grant, data={"role": "contractor_pm", "project_code": "JS-2026-001"}).status_code == 302
    assert web_pm.get("/projects/JS-2026-001").status_code == 200
    assert admin.post("/admin/users/999999/roles", data={"role": "auditor", "org_unit_id": "1"}).status_code == 404
    assert browser("district_safety").get("/admin/users/new").status_code == 403
    assert browser("district_safety").get(grant).status_code == 403


def _participant_firm() -> str:
    return db.session.scalar(select(Enterprise.credit_code).where(Enterprise.type == "contractor").limit(1))


def test_officials_register_projects_with_participants(browser, site):
    official = browser("district_safety")
    form = official.get("/admin/projects/new").get_data(as_text=True)
    assert "金水区住房和城乡建设局" in form and "二七区住房和城乡建设局" not in form  # own jurisdiction only
    assert 'name="p.contractor.enterprise"' in form
    data = {"code": "JS-2026-WEB", "name": "网页登记工程", "district_id": str(_unit_id("ZZ-JS")),
            "planned_start": "2026-07-01", "planned_end": "2027-07-01",
            "p.contractor.enterprise": _participant_firm(), "p.contractor.responsible_person": "赵六"}
    bad = official.post("/admin/projects/new", data={**data, "name": "", "planned_end": "2026-01-01",
                                                     "p.owner.responsible_person": "孤立的负责人"})
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "必填项。" in html and "请填写企业。" in html
    assert "竣工日期不能早于开工日期。" in html and 'value="孤立的负责人"' in html and 'value="JS-2026-WEB"' in html
    assert official.post("/admin/projects/new", data=data).status_code == 302
    project = db.session.scalar(select(Project).where(Project.code == "JS-2026-WEB"))
    party = db.session.scalar(select(ProjectParticipant).where(ProjectParticipant.project_id == project.id))
    assert party.party_type == "contractor" and party.responsible_person == "赵六"
    taken = official.post("/admin/projects/new", data=data)
    assert taken.status_code == 409 and "工程编号已存在。" in taken.get_data(as_text=True)
    other = browser("district_safety2").post("/admin/projects/new", data={**data, "code": "EQ-WEB"})
    assert other.status_code == 404  # a district outside the jurisdiction
    assert browser("contractor_pm").get("/admin/projects/new").status_code == 403


def test_device_token_is_shown_once(browser, site):
    pm = browser("contractor_pm")
    assert 'id="admin-new-device"' in pm.get("/admin/projects/JS-2026-001/devices/new").get_data(as_text=True)
    r = pm.post("/admin/projects/JS-2026-001/devices/new", data={"code": "TC-WEB-01", "device_type": "tower_crane",
                                                                 "name": "网页塔吊"})
    html = r.get_data(as_text=True)
    assert r.status_code == 201 and r.headers["Cache-Control"] == "no-store" and "只显示这一次" in html
    token = re.search(r'id="device-token" class="token" type="text" value="([^"]+)"', html).group(1)
    device = db.session.scalar(select(Device).where(Device.code == "TC-WEB-01"))
    assert device.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in pm.get(f"/devices/{device.id}").get_data(as_text=True)
    taken = pm.post("/admin/projects/JS-2026-001/devices/new", data={"code": "TC-WEB-01", "device_type": "hoist",
                                                                     "name": "x"})
    assert taken.status_code == 409 and "设备编号已存在。" in taken.get_data(as_text=True)
    bad = pm.post("/admin/projects/JS-2026-001/devices/new", data={"code": "TC-WEB-02", "device_type": "rocket"})
    assert bad.status_code == 422 and "请从列表中选择。" in bad.get_data(as_text=True)
    assert browser("supervisor").get("/admin/projects/JS-2026-001/devices/new").status_code == 403
    assert browser("supervisor").post("/admin/projects/JS-2026-001/devices/new",
                                      data={"code": "X", "device_type": "hoist", "name": "x"}).status_code == 403
    assert browser("contractor_pm2").get("/admin/projects/JS-2026-001/devices/new").status_code == 404
    assert browser("district_safety").get("/admin/projects/JS-2026-001/devices/new").status_code == 200
    assert browser("district_safety2").get("/admin/projects/JS-2026-001/devices/new").status_code == 404


def test_admin_forms_require_csrf(sqlite_template, tmp_path):
    from tests.conftest import make_sqlite_app

    app = make_sqlite_app(sqlite_template, tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        seed.load_demo(app.config["DEMO_PASSWORD"])
        client = app.test_client()
        token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(as_text=True)).group(1)
        assert client.post("/login", data={"username": "admin", "password": app.config["DEMO_PASSWORD"],
                                           "csrf_token": token}).status_code == 302
        for path in ("/admin/org-units/new", "/admin/enterprises/new", "/admin/users/new", "/admin/users/1/roles",
                     "/admin/projects/new", "/admin/projects/JS-2026-001/devices/new"):
            assert client.post(path, data={"code": "CSRF-1", "name": "x"}).status_code == 400, path
        form = client.get("/admin/org-units/new").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        assert client.post("/admin/org-units/new", data={"code": "CSRF-1", "name": "有令牌",
                                                         "csrf_token": token}).status_code == 302
        assert db.session.scalar(select(OrgUnit.name).where(OrgUnit.code == "CSRF-1")) == "有令牌"
        db.session.remove()
        db.engine.dispose()
