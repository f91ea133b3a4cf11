"""Tables as one xlsx workbook: a sheet per table, the headers people read, no codes."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from io import BytesIO
from typing import Any

from openpyxl import Workbook

Columns = Sequence[tuple[str, str]]  # (row key, header)


def workbook(sheets: Iterable[tuple[str, Iterable[dict[str, Any]], Columns]]) -> bytes:
    """xlsx bytes with one sheet per (title, rows, columns). Written row by row (openpyxl's
    write-only mode): a long export does not keep a cell object per value."""
    book = Workbook(write_only=True)
    for title, rows, columns in sheets:
        sheet = book.create_sheet(title)
        sheet.append([header for _, header in columns])
        for row in rows:
            sheet.append([row.get(key) for key, _ in columns])
    out = BytesIO()
    book.save(out)
    return out.getvalue()
