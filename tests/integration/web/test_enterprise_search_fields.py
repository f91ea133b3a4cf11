"""The admin forms name an enterprise by a search (credit code, full name or words only it holds),
not by a list of the first 500: the 501st enterprise is reachable; no match and several matches
are refused at the field, in words."""
from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import Enterprise, OrgUnit, Project, ProjectParticipant, User
from tests.support.factories import gen_enterprise


def _unit_id(code: str) -> int:
    return db.session.scalar(select(OrgUnit.id).where(OrgUnit.code == code))


def _many_enterprises(n: int) -> Enterprise:
    """n more enterprises; the last one registered is returned."""
    firms = [gen_enterprise(name=f"批量建设{i:04d}有限公司") for i in range(n)]
    return firms[-1]


def test_a_user_joins_the_501st_enterprise_by_name_or_code(browser, site):
    last = _many_enterprises(501)
    admin = browser("admin")
    form = admin.get("/admin/users/new").get_data(as_text=True)
    assert 'name="enterprise"' in form and "批量建设0000有限公司" not in form  # no list of every enterprise
    base = {"display_name": "网页员工", "password": site.config["DEMO_PASSWORD"]}
    assert admin.post("/admin/users/new", data={**base, "username": "by_name",
                                                "enterprise": "批量建设0500"}).status_code == 302
    assert admin.post("/admin/users/new", data={**base, "username": "by_code",
                                                "enterprise": last.credit_code.lower()}).status_code == 302
    joined = db.session.scalars(select(User.enterprise_id).where(User.username.in_(["by_name", "by_code"]))).all()
    assert joined == [last.id, last.id]
    several = admin.post("/admin/users/new", data={**base, "username": "x1", "enterprise": "批量建设000"})
    html = several.get_data(as_text=True)
    assert several.status_code == 422 and "有多家企业符合“批量建设000”" in html and 'value="批量建设000"' in html
    none = admin.post("/admin/users/new", data={**base, "username": "x2", "enterprise": "100%"})
    assert none.status_code == 422 and "没有找到“100%”" in none.get_data(as_text=True)
    english = admin.post("/admin/users/new?lang=en", data={**base, "username": "x3", "enterprise": "无此企业"})
    assert "No enterprise matches “无此企业”" in english.get_data(as_text=True)
    admin.get("/login?lang=zh")


def test_a_project_names_its_parties_by_search(browser, site):
    last = _many_enterprises(501)
    official = browser("district_safety")
    data = {"code": "JS-2026-SRCH", "name": "搜索登记工程", "district_id": str(_unit_id("ZZ-JS")),
            "p.contractor.enterprise": "批量建设0500有限公司", "p.contractor.responsible_person": "钱七"}
    bad = official.post("/admin/projects/new", data={**data, "p.owner.enterprise": "批量建设"})
    assert bad.status_code == 422 and "有多家企业符合“批量建设”" in bad.get_data(as_text=True)
    assert official.post("/admin/projects/new", data=data).status_code == 302
    party = db.session.scalar(select(ProjectParticipant).join(Project).where(
        Project.code == "JS-2026-SRCH", ProjectParticipant.party_type == "contractor"))
    assert party.enterprise_id == last.id
