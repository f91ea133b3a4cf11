"""Test reports in XML: parsed safely and validated against quality_report.xsd
(`app.infra.safe_xml`), turned into the JSON report of the JSON path, so that every later check,
refusal and modification is the same for both."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from lxml import etree

from app.infra.safe_xml import load_schema, parse_valid

XSD_PATH = Path(__file__).with_name("quality_report.xsd")
MAX_REPORT_BYTES = 256 * 1024
_TEXT = ("report_no", "project_code", "issued_at", "received_at", "conclusion")
_ITEM = ("name", "value", "standard", "result")


def parse_report_xml(body: bytes) -> dict[str, Any]:
    """The JSON report of an XML body. Raises XmlProblemsError (with line numbers)."""
    root = parse_valid(body, load_schema(XSD_PATH), MAX_REPORT_BYTES)
    report: dict[str, Any] = {name: _text(root.find(name)) for name in _TEXT if root.find(name) is not None}
    report["sample_codes"] = [_text(c) for c in root.iterfind("sample_codes/sample_code")]
    report["items"] = [{name: _text(item.find(name)) for name in _ITEM if item.find(name) is not None}
                       for item in root.iterfind("items/item")]
    return report


def _text(element: etree._Element) -> str:
    return (element.text or "").strip()
