"""Witness samples: recorded by the project's supervisors with a unique code, every change kept
as a trail (original, new, who, when), scoped like the project."""
from __future__ import annotations

import io

import pypdf

from tests.integration.quality.support import make_sample, sample_body
from tests.unit.notices.conftest import pdf_text, squash


def test_a_sample_gets_a_unique_code_per_project(demo_data, api):
    first, second = make_sample(api), make_sample(api, user="chief_supervisor")
    assert (first, second) == ("JS-2026-001-S0001", "JS-2026-001-S0002")
    listed = api.get("/api/v1/projects/JS-2026-001/samples", "owner_rep").get_json()["data"]
    assert [s["code"] for s in listed] == [second, first]


def test_only_the_projects_supervisors_record_samples(demo_data, api):
    for user in ("contractor_pm", "district_quality"):
        r = api.post("/api/v1/projects/JS-2026-001/samples", user, json=sample_body())
        assert r.status_code == 403, user
    r = api.post("/api/v1/projects/EQ-2026-001/samples", "supervisor", json=sample_body())
    assert r.status_code == 404


def test_a_sample_is_validated(demo_data, api):
    r = api.post("/api/v1/projects/JS-2026-001/samples", "supervisor",
                 json=sample_body(material="", sampled_on="2999-01-01", colour="red"))
    assert r.status_code == 422
    assert set(r.get_json()["error"]["fields"]) == {"material", "sampled_on", "colour"}


def test_every_change_is_kept_in_the_trail(demo_data, api):
    code = make_sample(api)
    r = api.patch(f"/api/v1/samples/{code}", "chief_supervisor", json={"quantity": "58t", "batch": "B2026-118"})
    assert r.get_json()["data"]["changed"] == 1
    api.patch(f"/api/v1/samples/{code}", "supervisor", json={"quantity": "60t", "sampled_on": "2026-02-28"})
    sample = api.get(f"/api/v1/samples/{code}", "district_quality").get_json()["data"]
    assert sample["quantity"] == "60t" and sample["sampled_on"] == "2026-02-28"
    assert [(t["field"], t["old_value"], t["new_value"], t["changed_by"]) for t in sample["trail"]] == [
        ("quantity", "60t", "58t", "chief_supervisor"), ("quantity", "58t", "60t", "supervisor"),
        ("sampled_on", "2026-03-01", "2026-02-28", "supervisor")]
    assert all(t["changed_at"] for t in sample["trail"])


def test_samples_of_another_district_answer_404(demo_data, api):
    code = make_sample(api)
    assert api.get(f"/api/v1/samples/{code}", "contractor_pm2").status_code == 404
    assert api.get(f"/api/v1/samples/{code}", "district_safety2").status_code == 404
    assert api.patch(f"/api/v1/samples/{code}", "contractor_pm2", json={"quantity": "1t"}).status_code == 404
    assert api.get("/api/v1/samples/NOPE-S0001", "supervisor").status_code == 404
    assert api.get("/api/v1/projects/JS-2026-001/samples", "contractor_pm2").status_code == 404


def test_the_label_sheet_prints_each_sample_with_its_qr_code(demo_data, api, tmp_path):
    codes = [make_sample(api), make_sample(api, material="普通硅酸盐水泥", specification="P·O 42.5")]
    r = api.post("/api/v1/projects/JS-2026-001/sample-labels", "supervisor", json={})
    assert r.status_code == 201, r.get_json()
    document_id = r.get_json()["data"]["document_id"]
    pdf = api.get(f"/api/v1/documents/{document_id}/pdf", "chief_supervisor")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = squash(pdf_text(pdf.data, tmp_path))
    assert all(squash(c) in text for c in [*codes, "普通硅酸盐水泥", "见证取样样品标识"])
    images = {img.data for page in pypdf.PdfReader(io.BytesIO(pdf.data)).pages for img in page.images}
    assert len(images) == 3  # the two labels and the verification code
    r = api.post("/api/v1/projects/JS-2026-001/sample-labels", "supervisor", json={"sample_codes": ["X"]})
    assert r.status_code == 422
    assert api.post("/api/v1/projects/JS-2026-001/sample-labels", "contractor_pm", json={}).status_code == 403
