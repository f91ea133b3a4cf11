"""Printed supervision notices (监督文书): context dict → HTML → PDF.

Pure rendering. Numbering, storage, hashing and verification pages belong to the
service layer, which calls these functions.
"""

from app.rendering.catalogue import TEMPLATES, NoticeTemplate, missing_fields
from app.rendering.render import NoticeRenderError, render_html, render_pdf
from app.rendering.samples import sample_context, sample_fields

__all__ = [
    "TEMPLATES",
    "NoticeRenderError",
    "NoticeTemplate",
    "missing_fields",
    "render_html",
    "render_pdf",
    "sample_context",
    "sample_fields",
]
