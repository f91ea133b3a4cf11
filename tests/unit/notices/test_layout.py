"""Layout guarantees: one-page size budget, long lists flow over pages, long text wraps."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pypdf

from app.rendering import render_pdf, sample_context
from app.rendering.samples import many_problems
from tests.unit.notices.conftest import page_count, pdf_text, squash

MAX_ONE_PAGE_BYTES = 300 * 1024


def test_one_page_rectification_notice_fits_budget(sample_pdfs: dict, tmp_path: Path) -> None:
    pdf = sample_pdfs["rectification_notice"]
    assert page_count(pdf) == 1
    assert len(pdf) <= MAX_ONE_PAGE_BYTES
    assert "第1页共1页" in squash(pdf_text(pdf, tmp_path))


def test_fonts_are_embedded_as_cjk_subsets(sample_pdfs: dict) -> None:
    reader = pypdf.PdfReader(io.BytesIO(sample_pdfs["rectification_notice"]))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = []
    for ref in fonts.values():
        descendant = ref.get_object()["/DescendantFonts"][0].get_object()
        descriptor = descendant["/FontDescriptor"].get_object()
        assert descriptor["/FontFile3"].get_object()["/Subtype"] == "/CIDFontType0C"
        names.append(str(descendant["/BaseFont"]))
    assert names and all(re.fullmatch(r"/[A-Z]{6}\+Noto-Serif-CJK-SC.*", n) for n in names)


def test_forty_problems_flow_over_pages_without_loss(tmp_path: Path) -> None:
    ctx = sample_context("rectification_notice") | {"problems": many_problems(40)}
    pdf = render_pdf("rectification_notice", ctx)
    pages = page_count(pdf)
    assert pages >= 3
    text = squash(pdf_text(pdf, tmp_path))
    for problem in ctx["problems"]:
        assert squash(problem["description"]) in text
        assert squash(problem["location"]) in text
    for page in range(1, pages + 1):
        page_text = squash(pdf_text(pdf, tmp_path, page))
        assert f"第{page}页共{pages}页" in page_text
    # Rows are never split: each problem's text lies on a single page.
    per_page = [squash(pdf_text(pdf, tmp_path, page)) for page in range(1, pages + 1)]
    for problem in ctx["problems"]:
        assert sum(squash(problem["description"]) in t for t in per_page) == 1
    # The table header repeats on every page the table continues on.
    assert sum("依据（规范及条款）" in t for t in per_page) >= pages - 1


def test_two_thousand_character_field_wraps_inside_the_page(tmp_path: Path) -> None:
    long_text = ("超长地址描述" * 100) + ("A1B2C3D4E5" * 100) + ("/" * 400)
    assert len(long_text) == 2000
    ctx = sample_context("rectification_notice")
    ctx["project"]["address"] = long_text
    ctx["problems"][0]["description"] = long_text
    pdf = render_pdf("rectification_notice", ctx)
    assert squash(long_text) in squash(pdf_text(pdf, tmp_path))
    path = tmp_path / "long.pdf"
    path.write_bytes(pdf)
    bbox = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    page_width = float(re.search(r'<page width="([\d.]+)"', bbox).group(1))
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', bbox)]
    assert right_edges and max(right_edges) <= page_width - 40  # inside the right margin
