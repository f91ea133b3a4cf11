"""Hostile input never answers 500: a 4xx with a stable code, and nothing is stored."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditLog, OrgUnit, RoleGrant, User
from tests.support.factories import gen_district, gen_user

HUGE = 2**64 + 1


@pytest.fixture
def root(app, api):
    gen_user("sys_admin", username="root", org_unit=gen_district())
    api.token("root", "Secret#2026")
    return api


def _counts():
    db.session.expire_all()
    return [db.session.scalar(select(func.count()).select_from(m)) for m in (User, OrgUnit, RoleGrant)]


def _raw(api, path, body: bytes | str):
    return api.post(path, "root", data=body, content_type="application/json")


def _code(r):
    return r.status_code, r.get_json()["error"]["code"]


def test_ids_and_offsets_beyond_64_bits(root):
    assert _code(root.get(f"/api/v1/users/{HUGE}", "root")) == (404, "not_found")
    assert _code(root.get(f"/api/v1/users/{2**63}", "root")) == (404, "not_found")
    assert _code(root.get(f"/api/v1/enterprises?offset={HUGE}", "root")) == (422, "value_out_of_range")


@pytest.mark.parametrize(("body", "expected"), [
    ("{bad", (400, "json_malformed")),
    ('{"code": "410199", "name": "x"', (400, "json_malformed")),
    ("[" * 5000 + "]" * 5000, (422, "json_too_deep")),
    ('{"code": "410199", "name": "\\ud800"}', (422, "json_invalid_text")),
    ('{"code": "410199", "name": "x", "parent_id": ' + str(HUGE) + "}", (422, "json_number_out_of_range")),
    ('{"code": "410199", "name": "x", "parent_id": NaN}', (422, "json_number_out_of_range")),
])
def test_json_bodies_that_are_refused_before_any_use_case(root, body, expected):
    before = _counts()
    assert _code(_raw(root, "/api/v1/org-units", body)) == expected
    assert _counts() == before


def test_unknown_and_oversized_parent_ids_store_nothing(root):
    before = _counts()
    unknown = {"username": "u1", "display_name": "U", "password": "Abcdef#123", "enterprise_id": 987654}
    assert _code(root.post("/api/v1/users", "root", json=unknown)) == (422, "reference_not_found")
    oversized = {**unknown, "username": "u2", "enterprise_id": str(HUGE)}
    assert _code(root.post("/api/v1/users", "root", json=oversized)) == (422, "value_out_of_range")
    user_id = db.session.scalar(select(User.id).where(User.username == "root"))
    grant = root.post(f"/api/v1/users/{user_id}/roles", "root", json={"role": "city_official", "org_unit_id": 987654})
    assert _code(grant) == (422, "reference_not_found")
    assert _counts() == before
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.entity_type == "user_account",
                                                       AuditLog.action == "create",
                                                       AuditLog.entity_id != str(user_id))) is None


def test_a_page_number_beyond_64_bits_is_refused(root):
    gen_user(username="ma")
    client = root.client
    assert client.post("/login", data={"username": "ma", "password": "Secret#2026"}).status_code == 302
    r = client.get(f"/notifications?page={HUGE}")
    assert r.status_code == 422 and "value_out_of_range" in r.get_data(as_text=True)
