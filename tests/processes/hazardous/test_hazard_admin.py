"""类别配置 and 专家库管理: officials only, ID numbers only ever masked, inactive experts never drawn."""
from __future__ import annotations

import json

import pytest

from app.errors import ConflictError, PermissionDeniedError, ValidationError
from app.services.hazard import expert_draw, reference_data
from tests.support.processes import actor

from .support import work


def test_category_table_edit_activate_deactivate(hz_sqlite):
    official = actor("city_official")
    codes = [c.code for c in reference_data.list_categories(official)]
    assert "JK" in codes and len(codes) == 22
    reference_data.update_category(official, "JK", {"super_scale_rule": "depth_m>=6", "specialty": "geotechnical",
                                                  "division": "地基与基础"})
    reference_data.set_category_active(actor("district_safety"), "QT-NEW", False)
    active = {c.code for c in reference_data.list_categories(official, include_inactive=False)}
    assert "QT-NEW" not in active
    jk = next(c for c in reference_data.list_categories(official) if c.code == "JK")
    assert (jk.super_scale_rule, jk.division) == ("depth_m>=6", "地基与基础")
    new_id = reference_data.create_category(official, {"code": "QT-X", "name_zh": "其他工程", "name_en": "other",
                                                     "hazardous_rule": "always", "super_scale_rule": "never"})
    assert {c.id: c.code for c in reference_data.list_categories(official)}[new_id] == "QT-X"
    with pytest.raises(ConflictError):
        reference_data.create_category(official, {"code": "QT-X", "name_zh": "重复", "name_en": "",
                                                "hazardous_rule": "always", "super_scale_rule": "never"})
    for username in ("contractor_pm", "expert01", "auditor"):
        with pytest.raises(PermissionDeniedError):
            reference_data.list_categories(actor(username))


def test_expert_library_add_search_edit_deactivate(hz_sqlite):
    official = actor("district_safety")
    expert_id = reference_data.add_expert(official, {
        "name": "赵立业", "id_number": "410105198001011234", "specialties": ["geotechnical"],
        "employer_name": "郑州大学", "title": "教授", "username": "designer"})
    with pytest.raises(ConflictError) as info:
        reference_data.add_expert(official, {"name": "重复", "id_number": "410105198001011234"})
    assert info.value.code == "expert_id_number_taken"
    with pytest.raises(ValidationError) as info:
        reference_data.add_expert(official, {"name": "短号", "id_number": "41010519800101"})
    assert set(info.value.fields) == {"id_number"}
    found = reference_data.search_experts(official, q="赵立业").items
    assert [e.id_number_masked for e in found] == ["4101**********1234"]
    assert "410105198001011234" not in json.dumps([e.id_number_hash for e in found])
    by_specialty = reference_data.search_experts(official, specialty="demolition")
    assert [e.name for e in by_specialty.items] == ["周文斌"]
    assert {e.name for e in reference_data.search_experts(official, employer="中建七局").items} == {"张国栋"}
    w = work()
    assert len(expert_draw.eligible_experts(w, "geotechnical").candidates) == 7
    reference_data.update_expert(official, expert_id, {"specialties": ["structure"], "phone": "13900000000"})
    assert len(expert_draw.eligible_experts(w, "geotechnical").candidates) == 6
    reference_data.set_expert_active(official, expert_id, False)
    assert expert_id not in {e.id for e in expert_draw.eligible_experts(w, "structure").candidates}
    assert reference_data.search_experts(official, active=False).total == 1
    with pytest.raises(PermissionDeniedError):
        reference_data.add_expert(actor("owner_rep"), {"name": "x", "id_number": "410105198001011235"})


def test_api_shows_only_masked_id_numbers(api, demo_data):
    r = api.post("/api/v1/experts", "city_official", json={
        "name": "钱学林", "id_number": "41010519850505123X", "specialties": ["lifting"], "employer_name": "河南大学"})
    assert r.status_code == 201, r.get_json()
    r = api.get("/api/v1/experts?q=钱学林", "city_official")
    [row] = r.get_json()["data"]
    assert row["id_number_masked"] == "4101**********123X" and "id_number" not in row
    assert "41010519850505123X" not in r.get_data(as_text=True)
    r = api.get("/api/v1/experts", "contractor_pm")
    assert r.status_code == 403
    r = api.get("/api/v1/hazardous-categories", "district_safety")
    assert r.status_code == 200 and len(r.get_json()["data"]) == 22
    r = api.post("/api/v1/experts", "city_official", json={"name": "缺号"})
    assert r.status_code == 422 and "id_number" in r.get_json()["error"]["fields"]
