"""Download answers shared by the API and the pages (a response helper, neither's own)."""
from __future__ import annotations

from io import BytesIO

from flask import Response, send_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_file(content: bytes, name: str) -> Response:
    """An xlsx workbook as a download named `name`."""
    return send_file(BytesIO(content), mimetype=XLSX, as_attachment=True, download_name=name)
