"""Context dict → HTML → PDF bytes. Pure: no database, no Flask app.

Why the caches: parsing the stylesheet and loading fontconfig faces costs more
than laying out a one-page notice, and both are identical for every render.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from jinja2 import Environment, TemplateNotFound
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from app.rendering.catalogue import TEMPLATES
from app.rendering.environment import DOCUMENTS_DIR, build_environment
from app.rendering.fonts import bare_cff_finisher, compact_fonts

STYLESHEET = DOCUMENTS_DIR / "notice.css"

# WeasyPrint's FontConfiguration is not documented as thread-safe; a Celery
# worker with threads must not share one mid-render.
_render_lock = threading.Lock()


class NoticeFetcher(URLFetcher):
    """What a notice may load while it is laid out: data URIs (photos, QR codes) and files of
    documents/ (the stylesheet). Nothing from the network and no other file: a URL that reached a
    notice from what people typed must not make the server fetch it (an internal address, a file)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)

    def fetch(self, url, headers=None):
        if url.lower().startswith("file:"):
            path = Path(unquote(urlsplit(url).path)).resolve()
            if not path.is_relative_to(DOCUMENTS_DIR.resolve()):
                raise ValueError(f"notices load no file outside documents/: {url}")
        return super().fetch(url, headers)


class NoticeRenderError(Exception):
    """A notice could not be rendered; ``code`` is stable, the message is the cause."""

    code = "notice_render_failed"

    def __init__(self, template: str, message: str) -> None:
        super().__init__(f"{template}: {message}")
        self.template = template


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return build_environment()


@lru_cache(maxsize=1)
def _pdf_resources() -> tuple[FontConfiguration, CSS]:
    fonts = FontConfiguration()
    return fonts, CSS(filename=str(STYLESHEET), font_config=fonts, url_fetcher=NoticeFetcher())


def render_html(template: str, context: dict) -> str:
    """Render ``documents/<template>.html`` with ``context``.

    Missing or empty fields print as （未填写）. Raises NoticeRenderError for an
    unknown template or any failure inside the template.
    """
    spec = TEMPLATES.get(template)
    if spec is None:
        raise NoticeRenderError(template, "unknown notice template")
    data: dict[str, Any] = dict(context or {})
    data.setdefault("template_title", spec.title)
    data.setdefault("template_name", spec.name)
    try:
        return _environment().get_template(f"{template}.html").render(data)
    except TemplateNotFound as exc:
        raise NoticeRenderError(template, f"template file not found: {exc}") from exc
    except Exception as exc:  # noqa: BLE001 — surfaced to the caller as an incident
        raise NoticeRenderError(template, f"{type(exc).__name__}: {exc}") from exc


def html_to_pdf(html: str, template: str = "notice") -> bytes:
    """Lay out ``html`` on A4 with the notice stylesheet; fonts embedded as subsets."""
    try:
        with _render_lock, compact_fonts():
            fonts, css = _pdf_resources()
            document = HTML(string=html, base_url=str(DOCUMENTS_DIR), url_fetcher=NoticeFetcher())
            return document.write_pdf(
                stylesheets=[css], font_config=fonts, finisher=bare_cff_finisher)
    except Exception as exc:  # noqa: BLE001 — surfaced to the caller as an incident
        raise NoticeRenderError(template, f"PDF: {type(exc).__name__}: {exc}") from exc


def render_pdf(template: str, context: dict) -> bytes:
    """Render a notice to PDF bytes. Raises NoticeRenderError on any failure."""
    return html_to_pdf(render_html(template, context), template)
