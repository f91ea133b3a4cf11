"""The designer's catalogue and checks over HTTP: every registered operator with its parameters
(names, types, Chinese help), and expressions/scripts compiled by the sandbox with Chinese reasons."""
from __future__ import annotations

import re

import pytest

from app.extensions import db
from app.services import load_operators
from tests.support.factories import PASSWORD, gen_district, gen_user


@pytest.fixture
def people(app, api):
    load_operators()
    unit = gen_district()
    gen_user("process_designer", org_unit=unit, username="designer1")
    gen_user("district_safety_officer", org_unit=unit, username="officer1")
    db.session.commit()
    for name in ("designer1", "officer1"):
        api.token(name, PASSWORD)


def test_the_operator_catalogue_names_parameters_with_types_and_help(api, people):
    r = api.get("/api/v1/designer/operators", "designer1")
    assert r.status_code == 200, r.get_json()
    by_name = {o["name"]: o for o in r.get_json()["data"]}
    notify = by_name["notify"]
    assert notify["summary"] == "发送站内通知（指定用户或案件的角色）"
    params = {p["name"]: p for p in notify["params"]}
    assert params["message"] == {"name": "message", "type": "str", "help": "通知内容", "required": True}
    assert params["user"]["type"] == "int" and not params["user"]["required"]
    assert "模板的字段" in by_name["issue_document"]["free_params"]
    # Every operator the diagrams use is listed, each with a Chinese summary.
    assert {"draw_experts", "close_device_alarm", "open_rectification_orders"} <= set(by_name)
    assert all(o["summary"] != o["name"] for o in by_name.values())


def test_only_process_designers_read_the_catalogue(api, people):
    assert api.get("/api/v1/designer/operators", "officer1").status_code == 403


def test_expressions_and_scripts_are_compiled_by_the_sandbox_with_chinese_reasons(api, people):
    items = [
        {"key": "f1|sitecase-condition", "kind": "expression", "source": "decision == 'pass'"},
        {"key": "f2|sitecase-condition", "kind": "expression", "source": "decision =="},
        {"key": "s1|sitecase-script", "kind": "script", "source": "x = 1\nimport os"},
        {"key": "t1|sitecase-due-in", "kind": "expression", "source": "data.__class__"},
        {"key": "t2|sitecase-due-in", "kind": "expression", "source": "open('/etc/passwd')"},
    ]
    r = api.post("/api/v1/designer/expressions/check", "designer1", json={"items": items})
    assert r.status_code == 200, r.get_json()
    out = {x["key"]: x for x in r.get_json()["data"]}
    assert out["f1|sitecase-condition"] == {"key": "f1|sitecase-condition", "ok": True, "message": "", "line": None}
    assert out["f2|sitecase-condition"]["message"] == "第 1 行：表达式语法错误，无法编译。"
    assert out["s1|sitecase-script"]["message"] == "第 2 行：不允许使用 import。"
    assert out["s1|sitecase-script"]["line"] == 2
    assert out["t1|sitecase-due-in"]["message"] == "第 1 行：不允许使用以下划线开头的名称 __class__。"
    assert not out["t2|sitecase-due-in"]["ok"]


def test_a_malformed_check_is_refused(api, people):
    r = api.post("/api/v1/designer/expressions/check", "designer1", json={"items": [{"kind": "sql", "source": "1"}]})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "check_invalid"
    assert api.post("/api/v1/designer/expressions/check", "officer1",
                    json={"items": []}).status_code == 403


def test_the_sandbox_reasons_come_in_english_on_request(api, people):
    items = [{"key": "f2|c", "kind": "expression", "source": "decision =="},
             {"key": "s1|s", "kind": "script", "source": "x = 1\nimport os"},
             {"key": "t1|d", "kind": "expression", "source": "data.__class__"}]
    r = api.post("/api/v1/designer/expressions/check?lang=en", "designer1", json={"items": items})
    out = {x["key"]: x["message"] for x in r.get_json()["data"]}
    assert out == {"f2|c": "Line 1: The expression has a syntax error and does not compile.",
                   "s1|s": "Line 2: import is not allowed.",
                   "t1|d": "Line 1: Names starting with an underscore are not allowed: __class__."}


def test_the_operator_catalogue_comes_in_english_on_request(api, people):
    by_name = {o["name"]: o for o in api.get("/api/v1/designer/operators?lang=en", "designer1").get_json()["data"]}
    notify = by_name["notify"]
    assert notify["summary"] == "Send an in-app notification (to a user or a role of the case)"
    assert {p["name"]: p["help"] for p in notify["params"]}["message"] == "Notification text"
    assert by_name["issue_document"]["free_params"].startswith("Any other parameter")
    chinese = re.compile(r"[\u3400-\u9fff]")
    texts = [o["summary"] for o in by_name.values()] + [p["help"] for o in by_name.values() for p in o["params"]]
    assert [t for t in texts if t and chinese.search(t)] == []
