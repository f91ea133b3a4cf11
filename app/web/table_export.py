"""Every list page exports to Excel: `?format=xlsx` on a page answers, instead of the HTML, one
workbook with a sheet per table marked `data-export="<sheet name>"` — the rows and words the
reader sees on that page (same scope, filters and words), through the shared helper
(app/infra/xlsx.py). A paged list exports its whole filtered list, not the page shown: its route
asks `common.paging_args(exported=True)`, which gives one page of at most EXPORT_MAX_ROWS rows
when the workbook is wanted (a longer list is refused with `export_too_large`, not cut short). Columns without a header or marked `data-export-skip` (buttons, forms) are
left out; a nested table stays the text of its cell. Templates link it with `export_url()`."""
from __future__ import annotations

import re
from typing import Any

from flask import Response, request, url_for
from flask_babel import gettext
from lxml import html as lxml_html

from app.http_downloads import xlsx_file
from app.infra import xlsx
from app.web import bp

FORMAT = "xlsx"
_SPACE = re.compile(r"\s+")
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")


def wants_workbook() -> bool:
    """Whether this request asks for the page's tables as a workbook."""
    return request.method == "GET" and request.args.get("format") == FORMAT


@bp.app_template_global("export_url")
def export_url() -> str:
    """This page's URL with its filters, asking for the Excel workbook of its tables."""
    args: dict[str, Any] = {k: v for k, v in request.args.to_dict(flat=False).items() if k != "format"}
    return url_for(request.endpoint, **(request.view_args or {}), **args, format=FORMAT)


@bp.after_request
def _tables_as_workbook(response: Response) -> Response:
    if (not wants_workbook() or response.status_code != 200
            or response.mimetype != "text/html" or response.direct_passthrough):
        return response
    sheets = page_tables(response.get_data(as_text=True))
    if not sheets:
        return response
    title = sheets[0][0] if len(sheets) == 1 else gettext("导出")
    download = xlsx_file(xlsx.workbook(sheets), f"{title}.xlsx")
    download.headers["Cache-Control"] = "private, no-store"
    return download


def _text(cell) -> str:
    return _SPACE.sub(" ", cell.text_content()).strip()


def _rows(table) -> list:
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table")) is table]


def page_tables(page: str) -> list[tuple[str, list[dict[str, str]], list[tuple[str, str]]]]:
    """(sheet name, rows, columns) of every `data-export` table of a rendered page."""
    root, sheets, names = lxml_html.document_fromstring(page), [], set()
    for table in root.iter("table"):
        name = _SHEET_UNSAFE.sub(" ", table.get("data-export") or "").strip()[:31]
        if not name:
            continue
        while name in names:
            name = name[:29] + f"_{len(names)}"
        names.add(name)
        rows = _rows(table)
        head = next((tr for tr in rows if tr.getparent().tag == "thead"), rows[0] if rows else None)
        if head is None:
            continue
        head_cells = [c for c in head if c.tag in ("th", "td")]
        headers = [_text(c) for c in head_cells]
        columns = [(str(i), h) for i, (h, c) in enumerate(zip(headers, head_cells, strict=True))
                   if h and c.get("data-export-skip") is None]
        body = []
        for tr in rows:
            if tr is head:
                continue
            cells = [c for c in tr if c.tag in ("th", "td")]
            if len(cells) != len(headers):  # "nothing yet" rows span the table
                continue
            body.append({str(i): _text(c) for i, c in enumerate(cells)})
        sheets.append((name, body, columns))
    return sheets
