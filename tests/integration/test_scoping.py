"""An enterprise user sees only his projects, an official only his jurisdiction; the rest is 404."""
import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Device, HazardousWork, Project


def _ids(project_code):
    project = db.session.scalar(select(Project).where(Project.code == project_code))
    work = db.session.scalar(select(HazardousWork).where(HazardousWork.project_id == project.id))
    device = db.session.scalar(select(Device).where(Device.project_id == project.id))
    return work.id, device.id


def _codes(response):
    assert response.status_code == 200, response.get_json()
    return sorted(p["code"] for p in response.get_json()["data"])


def test_contractor_pm_sees_only_his_projects(demo_data, api):
    assert _codes(api.get("/api/v1/projects", "contractor_pm")) == ["JS-2026-001", "JS-2026-002", "JS-2026-003"]
    assert _codes(api.get("/api/v1/projects", "contractor_pm2")) == ["EQ-2026-001", "EQ-2026-002"]


@pytest.mark.parametrize("path", ["/api/v1/projects/{code}", "/api/v1/projects/{code}/hazardous-works",
                                  "/api/v1/hazardous-works/{work}", "/api/v1/devices/{device}",
                                  "/api/v1/devices?project={code}"])
def test_other_contractor_gets_404_for_everything_of_the_project(demo_data, api, path):
    work, device = _ids("JS-2026-001")
    url = path.format(code="JS-2026-001", work=work, device=device)
    assert api.get(url, "contractor_pm").status_code == 200
    r = api.get(url, "contractor_pm2")
    assert r.status_code == 404
    assert r.get_json()["error"]["code"].endswith("not_found")


def test_device_list_is_scoped(demo_data, api):
    codes = {d["code"] for d in api.get("/api/v1/devices?limit=500", "contractor_pm2").get_json()["data"]}
    assert codes and all(c.startswith("EQ") for c in codes)


def test_district_official_sees_his_district_only(demo_data, api):
    assert _codes(api.get("/api/v1/projects", "district_safety")) == ["JS-2026-001", "JS-2026-002", "JS-2026-003"]
    assert api.get("/api/v1/projects/EQ-2026-001", "district_safety").status_code == 404
    work, device = _ids("EQ-2026-001")
    assert api.get(f"/api/v1/hazardous-works/{work}", "district_safety").status_code == 404
    assert api.get(f"/api/v1/devices/{device}", "district_safety").status_code == 404
    assert api.get(f"/api/v1/hazardous-works/{work}", "district_safety2").status_code == 200


def test_city_official_sees_every_district(demo_data, api):
    assert len(_codes(api.get("/api/v1/projects", "city_official"))) == 5


def test_expert_sees_no_project(demo_data, api):
    assert _codes(api.get("/api/v1/projects", "expert01")) == []


def test_stats_count_super_scale_per_district(demo_data, api):
    rows = {r["district"]: r for r in api.get("/api/v1/hazardous-works/stats", "city_official").get_json()["data"]}
    assert rows["金水区住房和城乡建设局"]["hazardous"] == 6
    assert rows["金水区住房和城乡建设局"]["super_scale"] == 3
    only_mine = api.get("/api/v1/hazardous-works/stats", "contractor_pm2").get_json()["data"]
    assert [r["district"] for r in only_mine] == ["二七区住房和城乡建设局"]


def test_unauthenticated_is_401_with_envelope(demo_data, api):
    r = api.get("/api/v1/projects")
    assert r.status_code == 401
    assert r.get_json()["error"]["code"] == "authentication_required"
