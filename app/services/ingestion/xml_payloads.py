"""Device data in XML: parsed safely, validated against device_data.xsd, turned into the JSON
documents of the JSON path (so every later check and rejection is the same for both).

Safety: the body is bounded (MAX_XML_BYTES); defusedxml refuses any DTD, entity declaration or
external reference before lxml (no network, no entity resolution, no huge trees) parses it
again for validation with line numbers.
"""
from __future__ import annotations

import math
from functools import cache
from pathlib import Path
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from lxml import etree

XSD_PATH = Path(__file__).with_name("device_data.xsd")
MAX_XML_BYTES = 2 * 1024 * 1024
XML_TYPES = frozenset({"application/xml", "text/xml"})
_TEXT = ("data_id", "project_code", "device_code", "device_type", "collected_at", "alarm_type",
         "level", "message")


class XmlPayloadError(Exception):
    """A body that is not safe, well-formed XML valid against device_data.xsd; `problems`
    are "line N: …" texts."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@cache
def device_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD_PATH)))


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                           huge_tree=False, remove_comments=True, remove_pis=True)


def parse_device_xml(body: bytes) -> list[dict[str, Any]]:
    """The JSON documents of an XML body. Raises XmlPayloadError (with line numbers)."""
    if len(body) > MAX_XML_BYTES:
        raise XmlPayloadError([f"body of {len(body)} bytes exceeds {MAX_XML_BYTES}"])
    try:
        SafeET.fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise XmlPayloadError([f"refused: {type(exc).__name__} (no DTD, entities or external references)"]) from None
    except SafeET.ParseError as exc:
        line = exc.position[0] if exc.position else "?"
        raise XmlPayloadError([f"line {line}: not well-formed XML ({exc})"]) from None
    root = etree.fromstring(body, _parser())
    schema = device_schema()
    if not schema.validate(root):
        raise XmlPayloadError([f"line {e.line}: {e.message}" for e in schema.error_log][:20])
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
