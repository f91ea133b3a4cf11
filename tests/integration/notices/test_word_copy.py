"""Every printed notice downloads as a Word document with the content of its PDF (seed 001:
Word/WPS export): read back, every paragraph and cell of the docx is in the PDF whole, and the
PDF has nothing more than what it repeats on later pages (the number on top, table headers)."""
from __future__ import annotations

from collections import Counter
from io import BytesIO

from docx import Document
from sqlalchemy import select

from app.extensions import db
from app.models import AuditLog, IssuedDocument
from app.rendering import TEMPLATES
from app.services.demo import seed
from tests.support.client import ApiClient

from .conftest import pdf_text, squash, stored_path

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_text(data: bytes) -> str:
    """Paragraphs and table cells (a merged cell once) in document order, header included."""
    document, parts = Document(BytesIO(data)), []

    def walk(container) -> None:
        for block in container.iter_inner_content():
            if not hasattr(block, "rows"):
                parts.append(block.text)
                continue
            seen: list = []
            for row in block.rows:
                for cell in row.cells:
                    if not any(cell._tc is other for other in seen):
                        seen.append(cell._tc)
                        walk(cell)
    walk(document)
    return "\n".join(parts)


def test_every_notice_downloads_as_word_with_the_text_of_its_pdf(sqlite_app):
    seed.load_demo(sqlite_app.config["DEMO_PASSWORD"])
    api = ApiClient(sqlite_app.test_client(), sqlite_app.config["DEMO_PASSWORD"])
    documents = {d.template: d for d in db.session.scalars(
        select(IssuedDocument).where(IssuedDocument.instance_id.is_(None)).order_by(IssuedDocument.id))}
    assert set(documents) == set(TEMPLATES)
    for template, document in documents.items():
        response = api.get(f"/api/v1/documents/{document.id}/docx", "admin")
        assert response.status_code == 200 and response.mimetype == DOCX, template
        assert response.headers["Content-Disposition"].startswith("attachment;")
        word = docx_text(response.data)
        assert Document(BytesIO(response.data)).sections[0].header.paragraphs[0].text == document.number
        printed = pdf_text(stored_path(sqlite_app, document))
        printed = printed.replace("第1页共1页", "")
        for pages in range(2, 6):
            for page in range(1, pages + 1):
                printed = printed.replace(f"第{page}页共{pages}页", "")
        missing = [line for line in word.splitlines() if squash(line) not in printed]
        assert missing == [], (template, missing)  # every paragraph and cell, whole, in the PDF
        assert Counter(squash(word)) - Counter(printed) == Counter(), template
        only_pdf = Counter(printed) - Counter(squash(word))
        repeated = set(document.number) | set(squash("".join(
            th for th in _header_cells(response.data))))
        assert set(only_pdf) <= repeated, (template, "".join(sorted(only_pdf.elements())))
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "download", AuditLog.username == "admin")
                              .order_by(AuditLog.id.desc()))
    assert audit.after["filename"].endswith(".docx")


def _header_cells(data: bytes) -> list[str]:
    out = []
    for table in Document(BytesIO(data)).tables:
        for row in table.rows:
            if row._tr.trPr is not None and row._tr.trPr.find(
                    "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None:
                out += [cell.text for cell in row.cells]
    return out


def test_the_word_copy_is_scoped_like_the_pdf_and_linked_beside_it(sqlite_app):
    seed.load_demo(sqlite_app.config["DEMO_PASSWORD"])
    api = ApiClient(sqlite_app.test_client(), sqlite_app.config["DEMO_PASSWORD"])
    document = db.session.scalar(select(IssuedDocument).where(
        IssuedDocument.template == "rectification_notice", IssuedDocument.instance_id.is_(None)))
    url = f"/api/v1/documents/{document.id}/docx"
    assert api.get(url, "contractor_pm").status_code == 200
    for username in ("contractor_pm2", "district_safety2"):
        refused = api.get(url, username)
        assert refused.status_code == 404 and refused.get_json()["error"]["code"] == "document_not_found"
    assert api.get(url).status_code == 401
    meta = api.get(f"/api/v1/documents/{document.id}", "contractor_pm").get_json()["data"]
    assert meta["docx_url"] == url
