"""One JSON envelope with stable codes; never a stack trace."""
import re

from app.domain.credit_code import make_credit_code
from tests.support.factories import gen_district, gen_user


def _root(api):
    gen_user("sys_admin", username="root", org_unit=gen_district())
    api.token("root", "Secret#2026")


def test_unknown_route_and_method(app, api):
    assert api.get("/api/v1/nothing-here").get_json()["error"]["code"] == "not_found"
    r = api.client.delete("/api/v1/auth/token")
    assert r.status_code == 405 and r.get_json()["error"]["code"] == "method_not_allowed"


def test_schema_errors_list_every_field(app, api):
    _root(api)
    r = api.post("/api/v1/enterprises", "root", json={"name": "", "type": "alien"})
    body = r.get_json()["error"]
    assert r.status_code == 422 and body["code"] == "validation_failed"
    assert set(body["fields"]) == {"credit_code", "name", "type"}


def test_invalid_credit_code_is_a_field_error(app, api):
    _root(api)
    r = api.post("/api/v1/enterprises", "root",
                 json={"credit_code": "91350100M000100Y44", "name": "某公司", "type": "contractor"})
    assert r.status_code == 422 and "credit_code" in r.get_json()["error"]["fields"]


def test_duplicate_is_a_conflict(app, api):
    _root(api)
    body = {"credit_code": make_credit_code("91410100MA40DUP01"), "name": "某公司", "type": "owner"}
    assert api.post("/api/v1/enterprises", "root", json=body).status_code == 201
    r = api.post("/api/v1/enterprises", "root", json=body)
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "enterprise_exists"


def test_oversize_body_is_413(app, api, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)  # the PostgreSQL app is shared
    r = api.client.post("/api/v1/auth/token", data="x" * 4096, content_type="application/json")
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "payload_too_large"


def test_unexpected_error_hides_the_trace(sqlite_app):
    app = sqlite_app
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/api/v1/_boom")
    def boom():
        raise RuntimeError("secret internals /etc/passwd")

    r = app.test_client().get("/api/v1/_boom")
    text = r.get_data(as_text=True)
    assert r.status_code == 500 and r.get_json()["error"]["code"] == "internal_error"
    assert "secret internals" not in text and "Traceback" not in text


def test_non_json_body_is_a_validation_error(app, api):
    r = api.client.post("/api/v1/auth/token", data="not json", content_type="text/plain")
    assert r.status_code == 422 and set(r.get_json()["error"]["fields"]) == {"username", "password"}


def test_refusals_speak_the_language_asked_for(app, api):
    """Integrators and people read the refusal in their language: Chinese by default, English on
    Accept-Language: en or ?lang=en; the code stays the same."""
    _root(api)
    chinese = api.get("/api/v1/projects/NO-SUCH", "root").get_json()["error"]
    english = api.get("/api/v1/projects/NO-SUCH", "root", headers={"Accept-Language": "en"}).get_json()["error"]
    asked = api.get("/api/v1/projects/NO-SUCH?lang=en", "root").get_json()["error"]
    assert chinese == {"code": "project_not_found", "message": "没有找到该工程项目。", "fields": {}}
    assert english == asked == {"code": "project_not_found", "message": "Project not found.", "fields": {}}
    r = api.post("/api/v1/enterprises", "root", json=[1], headers={"Accept-Language": "en"})
    assert r.get_json()["error"]["message"] == "The data submitted does not meet the requirements."
    bad = {"name": "", "type": "alien", "x": 1}
    zh = api.post("/api/v1/enterprises", "root", json=bad).get_json()["error"]["fields"]
    en = api.post("/api/v1/enterprises", "root", json=bad, headers={"Accept-Language": "en"}).get_json()["error"]["fields"]
    assert zh == {"credit_code": ["必填项。"], "name": ["长度须在 1 到 200 之间。"], "x": ["不认识的字段。"],
                  "type": [zh["type"][0]]} and zh["type"][0].startswith("须为以下之一：owner, contractor")
    assert en["credit_code"] == ["Missing data for required field."] and en["x"] == ["Unknown field."]


def test_a_refusal_with_values_carries_its_english(app, api):
    _root(api)
    body = {"name": "no_such_message", "correlation": {}, "payload": {}, "idempotency_key": "k-1"}
    zh = api.post("/api/v1/messages", "root", json=body).get_json()["error"]
    en = api.post("/api/v1/messages", "root", json=body, headers={"Accept-Language": "en"}).get_json()["error"]
    assert zh["code"] == en["code"] == "message_no_receiver"
    assert (zh["message"], en["message"]) == ("没有流程接收消息 no_such_message。",
                                              "No process receives the message no_such_message.")


def test_the_error_page_says_what_happened_in_words(app):
    from tests.support.browsers import signed_in
    from tests.support.raw_codes import visible_text

    gen_user("sys_admin", username="root", org_unit=gen_district(), display_name="Root")
    browser = signed_in(app, "root", "Secret#2026")
    zh = visible_text(browser.get("/cases/999999999").get_data(as_text=True))
    en_page = browser.get("/cases/999999999?lang=en")
    en = visible_text(en_page.get_data(as_text=True))
    assert en_page.status_code == 404
    assert "没有找到" in zh and "404" not in zh and "not_found" not in zh
    assert "Not found" in en and "Case not found." in en and set(re.findall(r"[\u4e00-\u9fff]+", en)) == {"中文"}  # the language switch


def test_a_value_the_database_refuses_leaves_it_usable(app, api):
    """After a statement the database refused (PostgreSQL aborts the transaction) the refusal is
    answered and the next request in the same context still works."""
    _root(api)
    r = api.get("/api/v1/education-sessions?offset=99999999999999999999", "root")
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "value_out_of_range"
    assert api.get("/api/v1/education-sessions", "root").status_code == 200
