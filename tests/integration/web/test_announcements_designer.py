"""Announcements (officials publish, enterprises read) and deploying through the designer page."""
from __future__ import annotations

import io
import json
import re

from sqlalchemy import select

from app.extensions import db
from app.models import ProcessDefinition
from tests.integration.web.conftest import WEB_FIXTURES


def test_officials_publish_and_enterprises_of_the_district_read(browser):
    r = browser("district_safety").post("/announcements", data={"title": "关于开展汛期安全检查的通知",
                                                               "body": "各在建项目于本周内完成自查。"})
    assert r.status_code == 302
    assert "汛期安全检查" in browser("contractor_pm").get("/workbench").get_data(as_text=True)
    assert "汛期安全检查" not in browser("contractor_pm2").get("/workbench").get_data(as_text=True)
    announcement = r.headers["Location"]
    assert browser("contractor_pm2").get(announcement).status_code == 404
    assert browser("contractor_pm").post("/announcements", data={"title": "x", "body": "y"}).status_code == 403


def test_announcement_errors_are_shown_at_the_fields(browser):
    r = browser("district_safety").post("/announcements", data={"title": "", "body": "正文保留"})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "请填写标题" in page and "正文保留" in page


def _files(bpmn: bytes):
    """What the modeler page posts: the diagram and the forms deployed with its version."""
    forms = [(io.BytesIO(p.read_bytes()), p.name) for p in (WEB_FIXTURES / "forms").glob("web_*.json")]
    return {"files": [(io.BytesIO(bpmn), "web_review.bpmn"), *forms]}


def test_designer_deploys_a_changed_diagram_as_a_new_version(browser):
    client = browser("designer")
    bpmn = (WEB_FIXTURES / "web_review.bpmn").read_bytes().replace("总监审查方案".encode(), "总监审查专项方案".encode())
    assert client.post("/designer/validate", data=_files(bpmn), headers={"Accept": "application/json"}) \
        .get_json()["data"] == []
    r = client.post("/designer/deploy", data=_files(bpmn), headers={"Accept": "application/json"})
    assert r.status_code == 201 and r.get_json()["data"][0]["version"] == 2
    assert "v2" in client.get("/designer").get_data(as_text=True)


def test_deploy_errors_point_at_the_element(browser):
    bpmn = (WEB_FIXTURES / "web_review.bpmn").read_bytes().replace(b'name="chief_supervisor"', b'name="no_such_role"')
    r = browser("designer").post("/designer/deploy", data=_files(bpmn), headers={"Accept": "application/json"})
    assert r.status_code == 422
    assert any(key.startswith("web_review.bpmn#") for key in r.get_json()["error"]["fields"])
    assert db.session.scalar(select(ProcessDefinition.version).where(ProcessDefinition.key == "web_review")
                             .order_by(ProcessDefinition.version.desc()).limit(1)) == 1


def test_deploy_needs_the_designer_role(browser):
    bpmn = (WEB_FIXTURES / "web_review.bpmn").read_bytes()
    r = browser("contractor_pm").post("/designer/deploy", data=_files(bpmn), headers={"Accept": "application/json"})
    assert r.status_code == 403


def test_form_preview_renders_the_json(browser):
    schema = json.dumps({"type": "object", "properties": {"n": {"type": "integer", "title": "数量"}}})
    r = browser("designer").post("/designer/forms/preview", json={"schema": schema, "ui": "null"})
    assert r.status_code == 200 and "数量" in r.get_data(as_text=True)
    bad = browser("designer").post("/designer/forms/preview", json={"schema": "{oops", "ui": "null"},
                                   headers={"Accept": "application/json"})
    assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "form_json_invalid"


def _without_di(bpmn: bytes) -> bytes:
    return re.sub(rb"[ \t]*<bpmndi:BPMNDiagram\b.*?</bpmndi:BPMNDiagram>\s*", b"", bpmn, flags=re.S)


def test_a_diagram_the_modeler_cannot_draw_is_not_deployed(browser):
    client = browser("designer")
    bpmn = _without_di((WEB_FIXTURES / "web_review.bpmn").read_bytes())
    problems = client.post("/designer/validate", data=_files(bpmn), headers={"Accept": "application/json"}).get_json()
    assert [p["code"] for p in problems["data"]] == ["diagram_incomplete"]
    r = client.post("/designer/deploy", data=_files(bpmn), headers={"Accept": "application/json"})
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "bundle_invalid"
    assert any("diagram_incomplete" in m for msgs in r.get_json()["error"]["fields"].values() for m in msgs)
    one_shape_less = re.sub(rb'<bpmndi:BPMNShape id="review_plan_di".*?</bpmndi:BPMNShape>', b"",
                            (WEB_FIXTURES / "web_review.bpmn").read_bytes(), flags=re.S)
    r = client.post("/designer/deploy", data=_files(one_shape_less), headers={"Accept": "application/json"})
    assert r.status_code == 422 and "web_review.bpmn#review_plan" in r.get_json()["error"]["fields"]
    assert db.session.scalar(select(ProcessDefinition.version).where(ProcessDefinition.key == "web_review")
                             .order_by(ProcessDefinition.version.desc()).limit(1)) == 1


def test_an_old_announcement_stays_readable_and_the_list_pages(browser):
    """The reading rule is SQL: an announcement behind hundreds of newer ones elsewhere is still
    listed and opened by the readers of its district (the list once filtered the 500 newest)."""
    from datetime import timedelta

    from app.infra import wallclock
    from app.models import Announcement

    r = browser("district_safety").post("/announcements", data={"title": "旧公告：冬季施工安全", "body": "正文"})
    old_id = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    later = wallclock.now() + timedelta(minutes=1)
    db.session.add_all(Announcement(title=f"他区公告{n}", body="x", org_path="/999999/", published_by="他区",
                                    published_at=later) for n in range(520))
    db.session.commit()
    reader = browser("contractor_pm")
    pages = [reader.get(f"/announcements?page={n}").get_data(as_text=True) for n in range(1, 4)]
    assert sum("旧公告：冬季施工安全" in p for p in pages) == 1
    assert reader.get(f"/announcements/{old_id}").status_code == 200
    assert "他区公告" not in "".join(pages)
