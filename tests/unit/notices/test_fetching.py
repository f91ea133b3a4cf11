"""A notice loads nothing from the network and no file outside documents/ while it is laid out."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from weasyprint import HTML

from app.rendering.environment import DOCUMENTS_DIR
from app.rendering.render import NoticeFetcher, html_to_pdf


@pytest.fixture
def server():
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 — http.server's name
            hits.append(self.path)
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}", hits
    httpd.shutdown()


def _page(base: str) -> str:
    return (f'<html><head><link rel="stylesheet" href="{base}/style.css"></head><body>'
            f'<p>通知</p><img src="{base}/internal.png"><img src="file:///etc/hostname"></body></html>')


def test_a_notice_fetches_nothing_from_the_network(server):
    base, hits = server
    HTML(string=_page(base)).write_pdf()  # WeasyPrint on its own would fetch them
    assert len(hits) == 2
    hits.clear()
    pdf = html_to_pdf(_page(base))
    assert pdf.startswith(b"%PDF") and hits == []


def test_files_only_from_documents():
    fetcher = NoticeFetcher()
    answer = fetcher.fetch((DOCUMENTS_DIR / "notice.css").resolve().as_uri())
    assert b"@page" in answer.read()
    answer.close()
    for url in ("file:///etc/hostname", (DOCUMENTS_DIR / ".." / "setup.cfg").as_uri(), "http://127.0.0.1/", "ftp://x/"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,ok") is not None


def test_photos_as_data_uris_are_drawn():
    import base64
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(png, "PNG")
    uri = "data:image/png;base64," + base64.b64encode(png.getvalue()).decode()
    drawn = html_to_pdf(f'<html><body><p>现场照片</p><img src="{uri}" style="width:20mm"></body></html>')
    plain = html_to_pdf("<html><body><p>现场照片</p></body></html>")
    assert b"/Image" in drawn and b"/Image" not in plain
