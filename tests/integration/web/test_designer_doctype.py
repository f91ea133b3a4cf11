"""A diagram with a DOCTYPE (entity expansion, XXE) is refused before it is parsed."""
from __future__ import annotations

import io

from sqlalchemy import func, select

from app.extensions import db
from app.models import ProcessDefinition
from tests.integration.web.conftest import WEB_FIXTURES

BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n')


def _evil() -> bytes:
    bpmn = (WEB_FIXTURES / "web_review.bpmn").read_bytes()
    body = bpmn.split(b"?>", 1)[1] if bpmn.startswith(b"<?xml") else bpmn
    return BOMB + body.replace("总监审查方案".encode(), b"&lol2;&xxe;", 1)


def _post(client, url):
    return client.post(url, data={"files": [(io.BytesIO(_evil()), "web_review.bpmn")]},
                       headers={"Accept": "application/json"})


def test_designer_refuses_a_diagram_with_a_doctype(browser):
    client = browser("designer")
    versions = db.session.scalar(select(func.count()).select_from(ProcessDefinition))
    problems = _post(client, "/designer/validate").get_json()["data"]
    assert [p["code"] for p in problems] == ["xml_doctype_refused"]
    r = _post(client, "/designer/deploy")
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "bundle_invalid"
    assert db.session.scalar(select(func.count()).select_from(ProcessDefinition)) == versions
