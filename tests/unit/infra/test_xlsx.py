"""app.infra.xlsx: the workbook written straight as XML reads back as openpyxl writes it."""
from __future__ import annotations

import zipfile
from datetime import date, datetime
from io import BytesIO

import pytest
from openpyxl import load_workbook
from openpyxl.utils.exceptions import IllegalCharacterError

from app.infra import xlsx

COLUMNS = [("name", "名称"), ("count", "数量"), ("rate", "比率"), ("flag", "是否"), ("note", "备注")]
ROWS = [{"name": "工程<甲>&“乙”", "count": 3, "rate": 0.25, "flag": True, "note": None},
        {"name": "  空格  ", "count": -7, "rate": 1e-9, "flag": False, "note": "x"}]


def _read(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(BytesIO(content))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def _parts(content: bytes) -> set[str]:
    return set(zipfile.ZipFile(BytesIO(content)).namelist())


def test_plain_values_are_written_as_xml_and_read_back_equal():
    content = xlsx.workbook([("统计", ROWS, COLUMNS), ("空表", [], COLUMNS[:2])])
    assert "docProps/core.xml" not in _parts(content)  # not openpyxl's
    assert _read(content) == {
        "统计": [("名称", "数量", "比率", "是否", "备注"), ("工程<甲>&“乙”", 3, 0.25, True, None),
               ("  空格  ", -7, 1e-9, False, "x")],
        "空表": [("名称", "数量")]}


@pytest.mark.parametrize(("value", "read"), [(date(2026, 12, 1), datetime(2026, 12, 1)),
                                           (datetime(2026, 12, 1, 8, 30), datetime(2026, 12, 1, 8, 30))])
def test_dates_go_through_openpyxl(value, read):
    content = xlsx.workbook([("日期", [{"at": value}], [("at", "时间")])])
    assert "docProps/core.xml" in _parts(content)
    assert _read(content)["日期"][1] == (read,)


def test_what_xml_cannot_hold_is_refused_as_before():
    with pytest.raises(IllegalCharacterError):
        xlsx.workbook([("表", [{"a": "bell\x07"}], [("a", "甲")])])


@pytest.mark.filterwarnings("ignore:Title is more than 31 characters")
def test_a_title_excel_refuses_goes_through_openpyxl():
    content = xlsx.workbook([("a" * 40, ROWS, COLUMNS)])
    assert "docProps/core.xml" in _parts(content)
