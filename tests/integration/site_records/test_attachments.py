"""Files on supervision logs and side-station records: the writer attaches them before approval;
the type is read from the bytes (a forged content type or name changes nothing), size and number
are bounded, names lose any path; whoever sees the project downloads them (another project's
user gets 404); they are listed on the record and its page, named on the printed copy and
carried by the backup archive."""
from __future__ import annotations

import hashlib
import io
import json
import tarfile

from app import settings
from app.services.backup import archive
from tests.integration.site_records.support import review, write
from tests.support.browsers import signed_in
from tests.support.settings import change_settings

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"x" * 100


def attach(api, record_id: int, data: bytes, name: str = "顶板钢筋.png", user: str = "supervisor",
           content_type: str = "image/png"):
    return api.post(f"/api/v1/supervision-records/{record_id}/files", user,
                    data={"file": (io.BytesIO(data), name, content_type)}, content_type="multipart/form-data")


def test_the_writer_attaches_files_listed_on_the_record_and_downloaded_in_scope(demo_data, api):
    record_id = write(api)
    r = attach(api, record_id, PNG, name="../../etc/顶板钢筋.png")
    assert r.status_code == 201, r.get_json()
    first = r.get_json()["data"]
    assert (first["filename"], first["content_type"], first["size"]) == ("顶板钢筋.png", "image/png", len(PNG))
    r = attach(api, record_id, PDF, name="..\\..\\隐蔽验收.pdf", content_type="image/png")  # the bytes decide
    second = r.get_json()["data"]
    assert second["content_type"] == "application/pdf" and second["filename"].endswith("隐蔽验收.pdf")
    assert "/" not in second["filename"] and "\\" not in second["filename"]
    row = api.get(f"/api/v1/supervision-records/{record_id}", "district_quality").get_json()["data"]
    assert [f["filename"] for f in row["files"]] == ["顶板钢筋.png", second["filename"]]
    got = api.get(first["url"], "owner_rep")
    assert got.status_code == 200 and got.data == PNG and got.headers["X-Content-Type-Options"] == "nosniff"
    for stranger in ("contractor_pm2", "district_safety2"):
        assert api.get(first["url"], stranger).status_code == 404, stranger
        assert attach(api, record_id, PNG, user=stranger).status_code == 404, stranger
    other = write(api, project="EQ-2026-001", user="admin")
    assert api.get(f"/api/v1/supervision-records/{other}/files/{first['id']}", "admin").status_code == 404
    html = signed_in(demo_data, "district_quality").get(f"/supervision-records/{record_id}").get_data(as_text=True)
    assert "顶板钢筋.png" in html and second["filename"] in html and 'enctype="multipart/form-data"' not in html
    page = signed_in(demo_data, "supervisor")
    assert 'enctype="multipart/form-data"' in page.get(f"/supervision-records/{record_id}").get_data(as_text=True)
    assert page.get(f"/supervision-records/{record_id}/files/{first['id']}").data == PNG


def test_forged_types_huge_files_strangers_and_reviewed_records_are_refused(demo_data, api):
    record_id = write(api)
    codes = {
        "forged": attach(api, record_id, b"<html><script>alert(1)</script>", name="x.png"),
        "zip": attach(api, record_id, b"PK\x03\x04" + b"0" * 64, name="x.docx",
                      content_type="application/pdf"),
        "huge": attach(api, record_id, PNG + b"0" * (10 * 1024 * 1024), name="big.png"),
        "missing": api.post(f"/api/v1/supervision-records/{record_id}/files", "supervisor", data={},
                            content_type="multipart/form-data")}
    assert {k: (r.status_code, r.get_json()["error"]["code"]) for k, r in codes.items()} == {
        "forged": (422, "file_type_not_allowed"), "zip": (422, "file_type_not_allowed"),
        "huge": (422, "file_too_large"), "missing": (422, "file_missing")}
    assert attach(api, record_id, PNG, user="chief_supervisor").get_json()["error"]["code"] == "record_author_only"
    assert attach(api, record_id, PNG, user="contractor_pm").status_code == 403
    inspection = write(api, "parallel_inspection")
    assert attach(api, inspection, PNG).get_json()["error"]["code"] == "record_files_not_allowed"
    assert review(api, record_id, "approve").status_code == 200
    r = attach(api, record_id, PNG)
    assert (r.status_code, r.get_json()["error"]["code"]) == (409, "record_reviewed")


def test_the_printed_copy_names_the_files_and_the_backup_carries_them(demo_data, api, monkeypatch, tmp_path):
    from tests.unit.notices.conftest import pdf_text, squash

    record_id = write(api, "side_station")
    file_id = attach(api, record_id, PDF, name="旁站照片.pdf").get_json()["data"]["id"]
    document_id = review(api, record_id, "approve").get_json()["data"]["document_id"]
    text = squash(pdf_text(api.get(f"/api/v1/documents/{document_id}/pdf", "owner_rep").data, tmp_path))
    assert squash("旁站照片.pdf") in text
    plain = write(api)
    plain_doc = review(api, plain, "approve").get_json()["data"]["document_id"]
    assert squash("附件无") in squash(pdf_text(api.get(f"/api/v1/documents/{plain_doc}/pdf", "owner_rep").data,
                                               tmp_path))
    change_settings(monkeypatch, demo_data, backup_dir=tmp_path / "backups")
    written = archive.create()
    digest = hashlib.sha256(PDF).hexdigest()
    assert written.manifest["tables"]["supervision_record_file"] >= 1
    assert f"{archive.FILES_PREFIX}{digest[:2]}/{digest}" in {p["name"] for p in written.manifest["parts"]}
    with tarfile.open(written.path) as tar:
        manifest = json.load(tar.extractfile(archive.MANIFEST))
        assert tar.extractfile(f"{archive.FILES_PREFIX}{digest[:2]}/{digest}").read() == PDF
    assert manifest["tables"]["supervision_record_file"] >= 1 and file_id
    assert (settings.current().files_dir / digest[:2] / digest).is_file()


def test_a_client_file_name_keeps_no_path():
    from app.infra.uploads import plain_name

    assert [plain_name(n) for n in ("../../etc/passwd", "..\\..\\boot.ini", "C:\\照片\\顶板.jpg", "..", "", None,
                                    "a" * 300 + ".png")] == [
        "passwd", "boot.ini", "顶板.jpg", "file", "file", "file", "a" * 255]
