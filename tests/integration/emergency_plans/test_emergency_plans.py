"""Emergency plans (应急预案) of a hazardous work over HTTP: the project's contractor PM adds them
with a checked file; project people and officials in jurisdiction read; others see nothing."""
from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from app import settings
from app.extensions import db
from app.models import EmergencyPlan, HazardousCategory, HazardousWork
from tests.support.factories import PASSWORD, gen_district, gen_project, gen_user

PDF = b"%PDF-1.7\n" + b"plan " * 40


def gen_work(project, status: str = "registered") -> HazardousWork:
    category = db.session.scalar(select(HazardousCategory).where(HazardousCategory.code == "T-1"))
    if category is None:
        category = HazardousCategory(code="T-1", name_zh="深基坑", name_en="deep pit",
                                     hazardous_rule="always", super_scale_rule="never")
    work = HazardousWork(project_id=project.id, code=f"W-{project.id}-{status}", name="基坑工程",
                         category=category, status=status)
    db.session.add(work)
    db.session.commit()
    return work


@pytest.fixture
def site(app, api):
    district = gen_district()
    project, other = gen_project(district), gen_project(district)
    users = {"pm": gen_user("contractor_pm", project=project, username="pm"),
             "pm2": gen_user("contractor_pm", project=other, username="pm2"),
             "owner": gen_user("owner_rep", project=project, username="owner"),
             "official": gen_user("district_safety_officer", org_unit=district, username="official"),
             "far": gen_user("district_safety_officer", org_unit=gen_district(), username="far")}
    for name in users:
        api.token(name, PASSWORD)
    return {"work": gen_work(project), "ended": gen_work(project, "terminated"), **users}


def post_plan(api, who: str, work_id: int, content: bytes = PDF, name: str = "预案.pdf", **fields):
    form = {"category": "special", "pre_review_date": "2026-03-01", "filing_number": "YA-2026-017",
            "remarks": "深基坑坍塌专项预案", **fields, "file": (io.BytesIO(content), name)}
    return api.post(f"/api/v1/hazardous-works/{work_id}/emergency-plans", who, data=form,
                    content_type="multipart/form-data")


def test_pm_adds_a_plan_that_project_people_and_officials_read(site, api):
    work = site["work"].id
    r = post_plan(api, "pm", work)
    assert r.status_code == 201, r.get_json()
    plan_id = r.get_json()["data"]["id"]
    post_plan(api, "pm", work, category="onsite", filing_number="", remarks="")
    for reader in ("pm", "owner", "official"):
        listed = api.get(f"/api/v1/hazardous-works/{work}/emergency-plans", reader).get_json()
        assert listed["meta"]["total"] == 2, reader
    one = api.get(f"/api/v1/emergency-plans/{plan_id}", "official").get_json()["data"]
    assert (one["category"], one["category_label"]) == ("special", "专项应急预案")
    assert (one["pre_review_date"], one["filing_number"]) == ("2026-03-01", "YA-2026-017")
    assert (one["filename"], one["content_type"], one["size"]) == ("预案.pdf", "application/pdf", len(PDF))
    stored = settings.current().files_dir / one["file_sha256"][:2] / one["file_sha256"]
    assert stored.read_bytes() == PDF
    assert db.session.get(EmergencyPlan, plan_id).created_by_id == site["pm"].id


def test_outsiders_get_404_and_other_roles_403(site, api):
    work = site["work"].id
    plan_id = post_plan(api, "pm", work).get_json()["data"]["id"]
    for outsider in ("pm2", "far"):  # another project's PM, an official elsewhere
        assert post_plan(api, outsider, work).status_code == 404
        r = api.get(f"/api/v1/hazardous-works/{work}/emergency-plans", outsider)
        assert (r.status_code, r.get_json()["error"]["code"]) == (404, "hazardous_work_not_found")
        r = api.get(f"/api/v1/emergency-plans/{plan_id}", outsider)
        assert (r.status_code, r.get_json()["error"]["code"]) == (404, "emergency_plan_not_found")
    for reader_only in ("owner", "official"):
        r = post_plan(api, reader_only, work)
        assert (r.status_code, r.get_json()["error"]["code"]) == (403, "project_role_required")
    r = post_plan(api, "pm", site["ended"].id)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "work_terminated")
    assert db.session.scalar(select(EmergencyPlan.id).where(EmergencyPlan.id != plan_id)) is None


@pytest.mark.parametrize("content, name, code", [
    (b"just some text, not a document", "预案.pdf", "file_type_not_allowed"),
    (b"\x00\x00\x00\x18ftypmp42" + b"0" * 32, "预案.mp4", "file_type_not_allowed"),  # no videos
])
def test_wrong_file_type_is_422(site, api, content, name, code):
    r = post_plan(api, "pm", site["work"].id, content=content, name=name)
    assert (r.status_code, r.get_json()["error"]["code"]) == (422, code)
    assert "file" in r.get_json()["error"]["fields"]


def test_form_fields_are_checked(site, api):
    r = post_plan(api, "pm", site["work"].id, category="whatever", pre_review_date="明天")
    assert r.status_code == 422
    assert {"category", "pre_review_date"} <= set(r.get_json()["error"]["fields"])
    r = api.post(f"/api/v1/hazardous-works/{site['work'].id}/emergency-plans", "pm",
                 data={"category": "special"}, content_type="multipart/form-data")
    assert (r.status_code, r.get_json()["error"]["code"]) == (422, "file_missing")
    assert db.session.scalar(select(EmergencyPlan.id)) is None


def test_plan_file_download_is_scoped_like_the_work(site, api):
    plan_id = post_plan(api, "pm", site["work"].id).get_json()["data"]["id"]
    r = api.get(f"/api/v1/emergency-plans/{plan_id}/file", "official")
    assert r.status_code == 200 and r.data == PDF and r.headers["Content-Type"] == "application/pdf"
    for outsider in ("pm2", "far"):
        r = api.get(f"/api/v1/emergency-plans/{plan_id}/file", outsider)
        assert (r.status_code, r.get_json()["error"]["code"]) == (404, "emergency_plan_not_found")
