"""The documents API (scoped like the project), the preview, and the public verify page."""
from __future__ import annotations

import hashlib

from sqlalchemy import func, select

from app.extensions import db
from app.models import IssuedDocument, NoticeCounter
from app.rendering.environment import cn_date


def _demo(template: str) -> IssuedDocument:
    return db.session.scalar(select(IssuedDocument).where(
        IssuedDocument.template == template, IssuedDocument.instance_id.is_(None)))


def test_the_pdf_is_scoped_like_its_project(demo_data, api):
    document = _demo("rectification_notice")
    url = f"/api/v1/documents/{document.id}/pdf"
    for username in ("contractor_pm", "supervisor", "district_safety", "city_official", "admin"):
        response = api.get(url, username)
        assert response.status_code == 200, username
        assert response.mimetype == "application/pdf"
        assert hashlib.sha256(response.data).hexdigest() == document.sha256
        assert "private" in response.headers["Cache-Control"]
    for username in ("contractor_pm2", "district_safety2", "expert01"):
        response = api.get(url, username)
        assert response.status_code == 404, username
        assert response.get_json()["error"]["code"] == "document_not_found"
        assert api.get(f"/api/v1/documents/{document.id}", username).status_code == 404
    assert api.get(url).status_code == 401
    assert api.get("/api/v1/documents/999999/pdf", "admin").status_code == 404


def test_metadata_and_the_project_list(demo_data, api):
    document = _demo("stop_work_notice")
    data = api.get(f"/api/v1/documents/{document.id}", "contractor_pm").get_json()["data"]
    assert data["number"] == document.number and data["title"] == "停工整改通知书"
    assert data["status"] == "rendered" and data["sha256"] == document.sha256
    assert data["project_code"] == "JS-2026-001" and data["pdf_url"].endswith("/pdf")
    assert data["verify_url"].endswith(f"/verify/{document.verify_code}")
    listed = api.get("/api/v1/projects/JS-2026-001/documents", "contractor_pm").get_json()
    assert listed["meta"]["total"] >= 10 and {d["type_code"] for d in listed["data"]} == \
        {"整", "停", "复", "督", "中", "恢", "终", "论", "检", "体", "质", "样", "志", "旁", "平"}
    assert api.get("/api/v1/projects/JS-2026-002/documents", "contractor_pm").get_json()["data"] == []
    assert api.get("/api/v1/projects/JS-2026-001/documents", "contractor_pm2").status_code == 404


def test_an_official_previews_a_notice_without_taking_a_number(demo_data, api):
    taken = db.session.scalar(select(func.sum(NoticeCounter.last_value)))
    issued = db.session.scalar(select(func.count()).select_from(IssuedDocument))
    body = {"template": "rectification_notice", "project_code": "JS-2026-001",
            "context": {"problems": [{"location": "3#楼屋面", "description": "屋面临边无防护。"}],
                        "deadline": "2026-04-01"}}
    response = api.post("/api/v1/documents/preview", "district_safety", json=body)
    assert response.status_code == 200, response.get_json()
    preview = response.get_json()["data"]
    assert "金水湾住宅小区一期工程" in preview["html"] and "屋面临边无防护。" in preview["html"]
    assert "（签发时编号）" in preview["html"] and cn_date("2026-04-01") in preview["html"]
    assert "requirements" in preview["missing_fields"]
    assert db.session.scalar(select(func.sum(NoticeCounter.last_value))) == taken
    assert db.session.scalar(select(func.count()).select_from(IssuedDocument)) == issued
    denied = api.post("/api/v1/documents/preview", "contractor_pm", json=body)
    assert denied.status_code == 403 and denied.get_json()["error"]["code"] == "document_preview_denied"
    unknown = api.post("/api/v1/documents/preview", "district_safety", json={"template": "nope"})
    assert unknown.status_code == 422 and unknown.get_json()["error"]["code"] == "template_unknown"
    outside = api.post("/api/v1/documents/preview", "district_safety2", json=body)
    assert outside.status_code == 404


def test_the_verify_page_shows_the_public_facts_only(demo_data):
    client = demo_data.test_client()
    document = _demo("rectification_notice")
    page = client.get(f"/verify/{document.verify_code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for shown in (document.number, "安全隐患整改通知书", "金水区建设工程安全监督站", document.sha256,
                  cn_date(document.context["issue_date"]), "有效"):
        assert shown in html, shown
    for hidden in ("金水湾住宅小区一期工程", "花园路", "中建七局", "楼层临边", "王建国", "马晓东"):
        assert hidden not in html, hidden
    typed = document.verify_code[:5].lower() + "-" + document.verify_code[5:].lower()
    assert client.get(f"/verify/{typed}").status_code == 200
    assert client.get(f"/verify?code={typed}").headers["Location"].endswith(f"/verify/{document.verify_code}")
    missing = client.get("/verify/ZZZZZ-ZZZZZ")
    assert missing.status_code == 404 and "未找到该文书" in missing.get_data(as_text=True)
