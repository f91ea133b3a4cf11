"""A summary uploaded by a designer says its texts in English (its `en` map), as processes/ must
(tests/unit/test_process_summaries.py): else it is not deployed (`summary_english_missing`); a
summary's problems (`summary_invalid`) are said in English too, on the pages and in the API."""
from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from app.extensions import db
from app.models import ProcessDefinition
from tests.integration.web.conftest import WEB_FIXTURES

SUMMARY = {"title": "{project.name}",
           "facts": [{"label": "工程项目", "text": "{project.name}"}, {"label": "方案名称", "value": "plan_name"},
                     {"label": "高度", "text": "{height_m} 米"}],
           "en": {"工程项目": "Project", "方案名称": "Plan name", "{height_m} 米": "{height_m} m", "高度": "Height"}}


def _files(summary) -> list:
    return [(io.BytesIO((WEB_FIXTURES / "web_review.bpmn").read_bytes()), "web_review.bpmn"),
            *[(io.BytesIO(f.read_bytes()), f.name) for f in sorted((WEB_FIXTURES / "forms").glob("*.json"))],
            (io.BytesIO(json.dumps(summary, ensure_ascii=False).encode()), "web_review.summary.json")]


def _post(client, url, summary, **kw):
    return client.post(url, data={"files": _files(summary)}, headers={"Accept": "application/json"}, **kw)


def _versions() -> int:
    return db.session.scalar(select(func.count()).select_from(ProcessDefinition))


def test_a_summary_without_its_english_is_refused_naming_the_texts(browser):
    client = browser("designer")
    assert _post(client, "/designer/validate?lang=zh", SUMMARY).get_json()["data"] == []
    lacking = {**SUMMARY, "en": {"工程项目": "Project", "高度": "Height"}}
    [zh] = _post(client, "/designer/validate?lang=zh", lacking).get_json()["data"]
    assert (zh["file"], zh["code"]) == ("web_review.summary.json", "summary_english_missing")
    assert zh["message"] == "摘要文字缺少英文（en）：“{height_m} 米”、“方案名称”。"
    [en] = _post(client, "/designer/validate?lang=en", lacking).get_json()["data"]
    assert en["message"] == "Texts of the summary without their English (en): “{height_m} 米”、“方案名称”."
    versions = _versions()
    for summary in (lacking, {k: v for k, v in SUMMARY.items() if k != "en"}):
        r = _post(client, "/designer/deploy?lang=zh", summary)
        assert r.status_code == 422, r.get_json()
        [said] = r.get_json()["error"]["fields"]["web_review.summary.json#"]
        assert said.startswith("[summary_english_missing] 摘要文字缺少英文（en）：")
    assert _versions() == versions
    assert _post(client, "/designer/deploy?lang=zh", SUMMARY).status_code == 201
    assert _versions() == versions + 1


def test_a_summarys_problems_are_said_in_english_in_the_api_and_the_pages(browser, api):
    broken = {"facts": [{"label": "工程项目"}], "tasks": {"no_such_task": []}, "en": {}}
    headers = {"Accept-Language": "en"}
    answer = api.post("/api/v1/process-definitions/validate", "designer", data={"files": _files(broken)},
                      content_type="multipart/form-data", headers=headers).get_json()["data"]
    messages = sorted(p["message"] for p in answer if p["code"] == "summary_invalid")
    assert messages == ["facts.0: exactly one of text/value/list/files.",
                        "tasks.no_such_task: the process has no such user task."]
    chinese = api.post("/api/v1/process-definitions/validate", "designer", data={"files": _files(broken)},
                       content_type="multipart/form-data").get_json()["data"]
    assert "tasks.no_such_task：流程中没有这个用户任务。" in [p["message"] for p in chinese]
    refused = api.post("/api/v1/process-definitions?lang=en", "designer", data={"files": _files(broken)},
                       content_type="multipart/form-data")
    assert refused.status_code == 422
    assert "[summary_invalid] tasks.no_such_task: the process has no such user task." in \
        refused.get_json()["error"]["fields"]["web_review.summary.json#"]
    page = _post(browser("designer"), "/designer/validate?lang=en", broken).get_json()["data"]
    assert "facts.0: exactly one of text/value/list/files." in [p["message"] for p in page]
