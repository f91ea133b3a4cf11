"""Exchange accounts: a token per upper platform, hashed at rest, scoped to an org unit subtree,
read-only (the feed and the exchanged records' GETs), revoked at once; page, CLI, OpenAPI."""
from __future__ import annotations

import hashlib

from app.domain.actors import SYSTEM
from app.extensions import db
from app.models import ExchangeAccount
from app.services.exchange import accounts
from tests.support.factories import PASSWORD, gen_district, gen_org_unit, gen_project, gen_user


def _get(client, path, token, **kw):
    return client.get(path, headers={"Authorization": f"Exchange {token}"}, **kw)


def test_an_account_reads_its_subtree_only_and_nothing_else(app):
    city = gen_org_unit(gen_org_unit())
    inside, outside = gen_org_unit(city), gen_district()
    gen_project(inside, code="IN-1")
    gen_project(outside, code="OUT-1")
    row, token = accounts.create_account(SYSTEM, "省平台", city.code)
    assert db.session.get(ExchangeAccount, row.id).token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(db.session.get(ExchangeAccount, row.id).__dict__)
    client = app.test_client()

    feed = _get(client, "/api/v1/exchange/changes", token)
    assert feed.status_code == 200, feed.get_json()
    assert {e["project_code"] for e in feed.get_json()["data"]} == {"IN-1"}
    assert [p["code"] for p in _get(client, "/api/v1/projects", token).get_json()["data"]] == ["IN-1"]
    assert _get(client, "/api/v1/projects/OUT-1", token).status_code == 404
    me = _get(client, "/api/v1/me", token)
    assert me.status_code == 200 and me.get_json()["data"]["display_name"] == "省平台"
    assert _get(client, "/api/v1/exchange/changes", token, query_string={"format": "xml"}).status_code == 200

    for method, path in (("get", "/api/v1/tasks"), ("get", "/api/v1/audit-log"), ("post", "/api/v1/projects"),
                         ("post", "/api/v1/auth/password")):
        r = getattr(client, method)(path, headers={"Authorization": f"Exchange {token}"}, json={})
        assert r.status_code == 403 and r.get_json()["error"]["code"] == "exchange_endpoint_not_allowed", (path, r)

    accounts.revoke_account(SYSTEM, row.id)
    refused = _get(client, "/api/v1/exchange/changes", token)
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "exchange_token_invalid"
    assert _get(client, "/api/v1/projects", "sx_not-a-token").status_code == 401


def test_only_an_administrator_creates_or_revokes_accounts_and_names_are_unique(app):
    import pytest

    from app.errors import ConflictError, NotFoundError, PermissionDeniedError, ValidationError
    from app.services.access.actors import actor_for

    district = gen_district()
    officer = actor_for(gen_user("district_safety_officer", org_unit=district))
    with pytest.raises(PermissionDeniedError):
        accounts.create_account(officer, "市平台", district.code)
    row, _ = accounts.create_account(SYSTEM, "市平台", district.code)
    with pytest.raises(PermissionDeniedError):
        accounts.revoke_account(officer, row.id)
    with pytest.raises(ConflictError):
        accounts.create_account(SYSTEM, "市平台", district.code)
    with pytest.raises(NotFoundError):
        accounts.create_account(SYSTEM, "县平台", "NO-SUCH-UNIT")
    with pytest.raises(ValidationError):
        accounts.create_account(SYSTEM, "  ", district.code)


def test_the_admin_page_creates_shows_the_token_once_and_revokes_in_both_languages(app):
    district = gen_district()
    gen_user("sys_admin", username="root9")
    client = app.test_client()
    assert client.post("/login", data={"username": "root9", "password": PASSWORD}).status_code == 302
    created = client.post("/admin/exchange", data={"name": "省监管平台", "unit_code": district.code,
                                                   "csrf_token": ""})
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    row = db.session.query(ExchangeAccount).one()
    html = created.get_data(as_text=True)
    token = html.split('id="exchange-token" class="token" type="text" value="')[1].split('"')[0]
    assert hashlib.sha256(token.encode()).hexdigest() == row.token_sha256
    assert token not in client.get("/admin/exchange").get_data(as_text=True)
    bad = client.post("/admin/exchange", data={"name": "x", "unit_code": "NOPE"})
    assert bad.status_code == 422 and "没有找到该单位" in bad.get_data(as_text=True)
    assert client.post(f"/admin/exchange/{row.id}/revoke").status_code == 302
    db.session.expire_all()
    assert db.session.get(ExchangeAccount, row.id).revoked_at is not None
    english = client.get("/admin/exchange?lang=en").get_data(as_text=True)
    assert "Exchange accounts" in english and "Revoked" in english and "数据交换账号" not in english


def test_the_cli_creates_lists_and_revokes(app):
    district = gen_district()
    runner = app.test_cli_runner()
    out = runner.invoke(args=["exchange", "create", district.code, "国家平台"])
    assert out.exit_code == 0, out.output
    token = out.output.split(": ", 1)[1].split()[0]
    row = db.session.query(ExchangeAccount).one()
    assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert "国家平台\tactive" in runner.invoke(args=["exchange", "list"]).output
    assert runner.invoke(args=["exchange", "revoke", str(row.id)]).exit_code == 0
    assert runner.invoke(args=["exchange", "create", "NOPE", "x"]).exit_code == 2


def test_the_openapi_document_names_the_exchange_scheme_on_the_reads_it_opens(app):
    spec = app.test_client().get("/api/v1/openapi.json").get_json()
    assert spec["components"]["securitySchemes"]["exchange"]["in"] == "header"
    assert {"exchange": []} in spec["paths"]["/api/v1/exchange/changes"]["get"]["security"]
    assert {"exchange": []} not in spec["paths"]["/api/v1/tasks"]["get"]["security"]
