"""Every template, rendered with its sample context, prints its common and specific fields."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pypdf
import pytest
import segno

from app.rendering import TEMPLATES, missing_fields, render_html, sample_context
from app.rendering.environment import DOCUMENTS_DIR, cn_date
from app.rendering.qr import MODULE_PX
from tests.unit.notices.conftest import pdf_text, squash


def _problems(ctx: dict) -> list[str]:
    texts = []
    for p in ctx["problems"]:
        texts += [p["location"], p["description"], *p["photos"]]
        texts += [b["rule"] + b["article"] for b in p["basis"]]
    return texts


def _record(c: dict) -> list[Any]:
    """What every supervision record prints besides its own rows."""
    return [c["record_no"], cn_date(c["record_date"]), c["supervision_unit"], c["recorder"], c["reviewer"],
            cn_date(c["reviewed_on"])]


SPECIFIC: dict[str, Callable[[dict], list[Any]]] = {
    "rectification_notice": lambda c: [
        c["title"], c["inspected_unit"], cn_date(c["deadline"]), *c["requirements"],
        *_problems(c), "施工单位项目负责人、总监理工程师、建设单位项目负责人"],
    "stop_work_notice": lambda c: [
        "局部停工整改通知书", c["stop_scope"], cn_date(c["stop_time"]), cn_date(c["deadline"]),
        *c["resume_conditions"], *c["requirements"], *_problems(c), "不得擅自恢复施工"],
    "resumption_notice": lambda c: [
        c["stop_notice_number"], c["evidence_summary"], *c["evidence"], c["resumption_scope"],
        cn_date(c["resumption_date"])],
    "urging_notice": lambda c: [
        c["subject"], c["lead_unit"], c["item_category"], c["item_content"],
        *c["assisting_units"], *c["requirements"], cn_date(c["deadline"]), c["reply_method"],
        c["contact"]["name"], c["contact"]["phone"]],
    "supervision_suspend_notice": lambda c: [
        c["applicant"]["unit"], cn_date(c["suspension_date"]), c["reason"],
        c["part_under_construction"], *c["safety_measures"]],
    "supervision_resume_notice": lambda c: [
        c["acceptance_report_ref"], cn_date(c["resumption_date"]), c["suspend_notice_number"]],
    "supervision_terminate_notice": lambda c: [
        c["end_proof_ref"], cn_date(c["termination_date"]), c["hazardous_work"]["name"]],
    "expert_argumentation_report": lambda c: [
        c["hazardous_work"]["name"], c["plan_name"], cn_date(c["argued_at"]),
        "■修改后通过", "□通过", "□不通过", *c["required_changes"],
        *[e[k] for e in c["experts"] for k in ("name", "specialty", "employer", "opinion")]],
    "inspection_record": lambda c: [
        cn_date(c["inspection_date"]), c["handling"], "拒绝签字", *_problems(c),
        *[i[k] for i in c["inspectors"] for k in ("name", "credential_no")],
        *[i["item"] for i in c["check_items"]], *[u["unit"] for u in c["units_present"]]],
    "health_check_report": lambda c: [
        c["month"], "63.7", "48（预警）", *[i["name"] for i in c["indices"]],
        *[d["alarm"]["content"] for d in c["deductions"]], *c["suggestions"]],
    "quality_rectification_notice": lambda c: [
        c["inspected_unit"], c["agency_name"], c["report_no"], c["materials"], *c["sample_codes"],
        *[i[k] for i in c["failed_items"] for k in ("name", "value", "standard")], c["measure"],
        c["affected_scope"], *c["requirements"], cn_date(c["deadline"])],
    "sample_label_sheet": lambda c: [
        *[s[k] for s in c["labels"] for k in ("code", "material", "specification", "batch", "location",
                                              "sampler_name", "sampler_cert", "witness_name")]],
    "supervision_log": lambda c: [*_record(c), *[c[k] for k in (
        "weather", "works", "inspections", "problems", "handling", "instructions")]],
    "side_station_record": lambda c: [*_record(c), *[c[k] for k in (
        "process", "location", "started_at", "ended_at", "works", "problems", "handling")]],
    "parallel_inspection_record": lambda c: [*_record(c), *[c[k] for k in ("item", "location", "findings")],
                                             "检验结论", c["result"]],
}


def test_every_template_has_a_file_and_specific_checks() -> None:
    assert set(SPECIFIC) == set(TEMPLATES)
    for name in TEMPLATES:
        assert (DOCUMENTS_DIR / f"{name}.html").is_file()


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_sample_context_fills_every_required_key(name: str) -> None:
    assert missing_fields(name, sample_context(name)) == []


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_pdf_prints_common_fields(name: str, sample_pdfs: dict, tmp_path: Path) -> None:
    ctx = sample_context(name)
    text = squash(pdf_text(sample_pdfs[name], tmp_path))
    # an urging notice is sent to the urged units, not the project's firms
    parties = [ctx["lead_unit"]] if name == "urging_notice" else [
        ctx["project"]["permit_no"], ctx["project"]["supervision_no"],
        *[a["unit"] for a in ctx["addressees"]], *[a["person"] for a in ctx["addressees"]]]
    expected = [
        ctx["number"], ctx["project"]["name"], ctx["project"]["address"], *parties,
        ctx["issuer"]["org_unit"], "签发人：" + ctx["issuer"]["signatory"],
        cn_date(ctx["issue_date"]), "印章处", "回执", "签收人", "签收单位", "签收日期",
        "沿此虚线剪下", "核验码：" + ctx["verify_code"], ctx["verify_url"],
        TEMPLATES[name].title if name != "stop_work_notice" else "停工整改通知书",
    ]
    assert [s for s in expected if squash(s) not in text] == []
    assert "未填写" not in text


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_pdf_prints_specific_fields(name: str, sample_pdfs: dict, tmp_path: Path) -> None:
    text = squash(pdf_text(sample_pdfs[name], tmp_path))
    expected = [str(s) for s in SPECIFIC[name](sample_context(name))]
    assert [s for s in expected if squash(s) not in text] == []


def _encodes(image: Any, content: str) -> bool:
    """Whether the QR image shows `content`, module by module."""
    qr = image.convert("L")
    matrix = segno.make(content, error="m", micro=False).matrix
    border = 2
    if qr.size != ((len(matrix) + 2 * border) * MODULE_PX,) * 2:
        return False
    return all((qr.getpixel(((x + border) * MODULE_PX + MODULE_PX // 2,
                             (y + border) * MODULE_PX + MODULE_PX // 2)) < 128) == bool(dark)
               for y, row in enumerate(matrix) for x, dark in enumerate(row))


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_qr_image_encodes_the_verify_url(name: str, sample_pdfs: dict) -> None:
    """Compare the embedded QR images module by module with the expected codes: the verify URL,
    and on the label sheet each sample's code."""
    reader = pypdf.PdfReader(io.BytesIO(sample_pdfs[name]))
    # Pages share one resource dictionary, so dedupe by content.
    images = [img.image for img in {img.data: img for page in reader.pages for img in page.images}.values()]
    ctx = sample_context(name)
    expected = [ctx["verify_url"], *[label["code"] for label in ctx.get("labels", [])]]
    assert len(images) == len(expected)
    assert [c for c in expected if not any(_encodes(image, c) for image in images)] == []


def test_rectification_title_variant() -> None:
    ctx = sample_context("rectification_notice") | {"title": "限期整改通知书"}
    assert '<h1 class="title">限期整改通知书</h1>' in render_html("rectification_notice", ctx)


def test_full_stop_title_follows_stop_type() -> None:
    ctx = sample_context("stop_work_notice") | {"stop_type": "全面停工"}
    assert '<h1 class="title">全面停工整改通知书</h1>' in render_html("stop_work_notice", ctx)
