"""A form uploaded by a designer (the form builder's, or raw JSON) says each of its texts in English
(its UI schema's "ui:en"), as forms/ must (tests/unit/test_form_english.py): else it is not deployed."""
from __future__ import annotations

import io
import json

from sqlalchemy import func, select

from app.extensions import db
from app.models import ProcessDefinition
from tests.integration.web.conftest import WEB_FIXTURES

FORMS = WEB_FIXTURES / "forms"


def _post(client, url, ui: dict):
    files = [(io.BytesIO((WEB_FIXTURES / "web_review.bpmn").read_bytes()), "web_review.bpmn"),
             *[(io.BytesIO(f.read_bytes()), f.name) for f in sorted(FORMS.glob("*.json")) if f.name != "web_review.ui.json"],
             (io.BytesIO(json.dumps(ui, ensure_ascii=False).encode()), "web_review.ui.json")]
    return client.post(url, data={"files": files}, headers={"Accept": "application/json"})


def test_a_form_without_its_english_is_refused_naming_the_texts(browser):
    client = browser("designer")
    ui = json.loads((FORMS / "web_review.ui.json").read_text(encoding="utf-8"))
    assert _post(client, "/designer/validate?lang=zh", ui).get_json()["data"] == []
    del ui["ui:en"]["退回修改"], ui["ui:en"]["审查意见"]
    [zh] = _post(client, "/designer/validate?lang=zh", ui).get_json()["data"]
    assert (zh["file"], zh["code"]) == ("web_review.ui.json", "form_english_missing")
    assert zh["message"] == "表单文字缺少英文（ui:en）：“审查意见”、“退回修改”。"
    [en] = _post(client, "/designer/validate?lang=en", ui).get_json()["data"]
    assert en["message"] == "Texts of the form without their English (ui:en): “审查意见”、“退回修改”."
    versions = db.session.scalar(select(func.count()).select_from(ProcessDefinition))
    r = _post(client, "/designer/deploy?lang=zh", ui)
    assert r.status_code == 422 and r.get_json()["error"]["fields"]["web_review.ui.json#"] == [
        "[form_english_missing] " + zh["message"]]
    assert db.session.scalar(select(func.count()).select_from(ProcessDefinition)) == versions
