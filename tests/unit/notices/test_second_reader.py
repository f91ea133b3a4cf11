"""Every notice read by a second, independent PDF engine: MuPDF (mutool), besides poppler.

The notices embed CJK fonts through our own subsetting (app/notices/fonts.py, around a private
WeasyPrint method). A subset that only poppler tolerates would print blank or boxed characters in
other viewers; MuPDF is the engine of many of them. Here it must load every font without a
warning, draw every page, and extract the same text poppler does.
"""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from app.rendering import TEMPLATES, sample_context

from .conftest import page_count, squash

# Messages of MuPDF about this build, not about the document.
BUILD_NOTES = ("ICC support is not available",)


def mutool(*args: str) -> subprocess.CompletedProcess:
    binary = shutil.which("mutool")
    assert binary, "mutool is missing: install Debian's mupdf-tools (.ci/run does)"
    return subprocess.run([binary, *args], capture_output=True, text=True, check=False)


def document_warnings(stderr: str) -> list[str]:
    """MuPDF's warnings and errors (its stderr also lists each page it drew)."""
    return [line for line in stderr.splitlines() if line.startswith(("warning:", "error:"))
            and not any(note in line for note in BUILD_NOTES)]


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_mupdf_draws_and_reads_every_notice(name: str, sample_pdfs: dict, tmp_path: Path) -> None:
    pdf = tmp_path / f"{name}.pdf"
    pdf.write_bytes(sample_pdfs[name])
    drawn = mutool("draw", "-r", "72", "-o", str(tmp_path / "page-%d.png"), str(pdf))
    assert drawn.returncode == 0 and document_warnings(drawn.stderr) == []
    assert len(list(tmp_path.glob("page-*.png"))) == page_count(sample_pdfs[name])
    text = mutool("draw", "-F", "txt", "-o", "-", str(pdf))
    assert text.returncode == 0 and document_warnings(text.stderr) == []
    ctx = sample_context(name)
    expected = [ctx["number"], ctx["project"]["name"], ctx["issuer"]["org_unit"], "回执",
                TEMPLATES[name].title if name != "stop_work_notice" else "停工整改通知书"]
    assert [s for s in expected if squash(s) not in squash(text.stdout)] == []
