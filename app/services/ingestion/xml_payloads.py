"""Device data in XML: parsed safely and validated against device_data.xsd (`app.infra.safe_xml`:
bounded, no DTD, entities or external references, line-precise problems), turned into the JSON
documents of the JSON path (so every later check and rejection is the same for both).
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from lxml import etree

from app.infra.safe_xml import XML_TYPES, XmlProblemsError, load_schema, parse_valid

XSD_PATH = Path(__file__).with_name("device_data.xsd")
MAX_XML_BYTES = 2 * 1024 * 1024
_TEXT = ("data_id", "project_code", "device_code", "device_type", "collected_at", "alarm_type",
         "level", "message")
XmlPayloadError = XmlProblemsError  # the name this package's callers know
__all__ = ["MAX_XML_BYTES", "XML_TYPES", "XSD_PATH", "XmlPayloadError", "device_schema", "parse_device_xml"]


def device_schema() -> etree.XMLSchema:
    return load_schema(XSD_PATH)


def parse_device_xml(body: bytes) -> list[dict[str, Any]]:
    """The JSON documents of an XML body. Raises XmlPayloadError (with line numbers)."""
    root = parse_valid(body, device_schema(), MAX_XML_BYTES)
    readings = [root] if root.tag == "reading" else list(root.iterchildren("reading"))
    infinite = [f"line {m.sourceline}: metric {m.get('name')!r} is not a finite number"
                for m in root.iter("metric") if not math.isfinite(float(m.text))]
    if infinite:
        raise XmlPayloadError(infinite[:20])
    return [_document(r) for r in readings]


def _document(reading: etree._Element) -> dict[str, Any]:
    doc: dict[str, Any] = {name: reading.findtext(name) for name in _TEXT if reading.find(name) is not None}
    metrics = reading.find("metrics")
    if metrics is not None:
        doc["metrics"] = {m.get("name"): float(m.text) for m in metrics.iterchildren("metric")}
    return doc
