"""Helpers for notice tests: render once, read PDFs back with poppler and pypdf.

Why poppler (pdftotext): it reads the PDF like a viewer does, through the
embedded fonts' ToUnicode maps, so a glyph that was clipped or lost is missing
from the text — which is what these tests must catch.
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pypdf
import pytest

from app.rendering import TEMPLATES, render_pdf, sample_context


def pdf_text(pdf: bytes, tmp_path: Path, first: int | None = None,
             last: int | None = None) -> str:
    """Text of the PDF (or a page range) as pdftotext extracts it."""
    path = tmp_path / "notice.pdf"
    path.write_bytes(pdf)
    # -raw keeps content-stream order: a wrapped table cell stays in one piece
    # instead of being interleaved with its neighbours' lines.
    args = ["pdftotext", "-raw", "-enc", "UTF-8"]
    if first is not None:
        args += ["-f", str(first), "-l", str(last or first)]
    return subprocess.run([*args, str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def squash(text: str) -> str:
    """Drop all whitespace: line wrapping must not make a field look missing."""
    return re.sub(r"\s+", "", text)


def page_count(pdf: bytes) -> int:
    return len(pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture(scope="session")
def sample_pdfs() -> dict[str, bytes]:
    """Every template rendered once with its sample context (rendering is slow)."""
    return {name: render_pdf(name, sample_context(name)) for name in TEMPLATES}
