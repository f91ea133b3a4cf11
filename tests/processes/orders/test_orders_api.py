"""The clause library, clue tracking list and urging statistics over the REST API."""
from __future__ import annotations


def test_clause_library_is_maintained_by_officials(family, api):
    r = api.post("/api/v1/clauses", "district_safety", json={"code": "JGJ59-3.13", "title": "临边防护",
                                                              "text": "临边应设防护栏杆。"})
    assert r.status_code == 201, r.get_json()
    clause_id = r.get_json()["data"]["id"]
    assert api.post("/api/v1/clauses", "contractor_pm", json={"code": "X1", "title": "t", "text": "x"}) \
        .status_code == 403
    r = api.post("/api/v1/clauses", "district_safety", json={"code": "JGJ59-3.13", "title": "重复", "text": "x"})
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "clause_code_taken"
    r = api.post("/api/v1/clauses", "district_safety", json={"code": "bad code!", "title": "", "text": "x"})
    assert r.status_code == 422 and {"code", "title"} <= set(r.get_json()["error"]["fields"])
    token = api.token("city_official")
    r = api.client.patch(f"/api/v1/clauses/{clause_id}", json={"active": False},
                         headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200, r.get_json()
    listed = api.get("/api/v1/clauses?active=false", "contractor_pm").get_json()["data"]
    assert [c["code"] for c in listed] == ["JGJ59-3.13"]
    assert api.get("/api/v1/clauses?active=true", "contractor_pm").get_json()["data"] == []


def test_clue_list_and_urging_stats_are_for_officials(family, api):
    assert api.get("/api/v1/clues", "city_official").get_json()["data"] == []
    assert api.get("/api/v1/clues", "contractor_pm").status_code == 403
    assert api.get("/api/v1/urging/stats", "urging_clerk").get_json()["data"] == []
    assert api.get("/api/v1/urging/stats", "contractor_pm").status_code == 403


def test_demo_cases_of_the_family(family, app, monkeypatch):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import InboxTask, LegalClause
    from app.services.demo.orders import seed_orders
    from tests.support.settings import change_settings

    change_settings(monkeypatch, app, demo_order_cases=True)
    assert seed_orders() == {"legal_clauses": 5, "order_demo_cases": 3}
    assert seed_orders() == {}  # idempotent
    open_tasks = {(r.process_key, r.task_name) for r in db.session.scalars(
        select(InboxTask).where(InboxTask.status == "open"))}
    assert {("rectification_order", "reply"), ("clue_assignment", "check_clue"),
            ("supervision_urging", "sign_for")} <= open_tasks
    assert db.session.scalar(select(LegalClause.code).where(LegalClause.code == "JGJ59-3.13"))
