"""XML beside JSON: every GET under /api/v1 answers XML when asked, in one place.

A caller asks with ``?format=xml`` or ``Accept: application/xml`` (or ``text/xml``). The JSON
envelope the view (or the error handler) made is turned into the same tree in XML after the
request, so no route knows about XML. ``format`` is taken off the query string before the view
reads it: the query schemas refuse unknown parameters.

The tree: ``<response><data>…</data><meta>…</meta></response>`` or ``<response><error>…</error>
</response>``. A record is an element named after the view's documented response schema
(``ProjectSchema`` → ``<project>``), a list inside a record repeats ``<item>``, a key that is
not an XML name becomes ``<entry key="…">``, and None is ``xsi:nil="true"``. The XSD of each
record type is served beside the OpenAPI document (app/api/xml_schemas.py).
"""
from __future__ import annotations

import re
from typing import Any

from flask import Flask, Response, current_app, request
from lxml import etree as ET
from werkzeug.datastructures import ImmutableMultiDict

XML = "application/xml"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
# Characters XML 1.0 cannot carry at all (controls, lone surrogates, U+FFFE/U+FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NO_XML = ("/api/v1/openapi.json",)
# The exchanged records (issue 18; seed 001, 6.2.4) whose XSD is published (app/api/xml_schemas.py).
EXCHANGED_RECORDS = ("project", "hazardous_work", "reading", "alarm", "case", "order", "document")


def record_name(schema_name: str) -> str:
    """The element of one record: ``HazardousWorkSchema`` → ``hazardous_work``."""
    stem = schema_name.removesuffix("Schema")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", stem).lower()


def wants_xml() -> bool:
    """Whether this API request asked for XML (``?format=xml`` wins over ``Accept``)."""
    if request.method not in ("GET", "HEAD") or not request.path.startswith("/api/v1/") \
            or request.path in _NO_XML:
        return False
    fmt = getattr(request, "_answer_format", None)
    if fmt is not None:
        return fmt == "xml"
    if "xml" not in request.headers.get("Accept", "").lower():
        return False  # no XML type named: JSON (parsing the header cost more than the rest)
    best = request.accept_mimetypes.best_match(["application/json", XML, "text/xml"])
    return best in (XML, "text/xml")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _NOT_XML.sub("\ufffd", str(value))


def _child(parent: ET._Element, key: str, value: Any) -> None:
    if _NAME.match(key) and not key.lower().startswith("xml"):
        element = ET.SubElement(parent, key)
    else:
        element = ET.SubElement(parent, "entry", key=_text(key))  # any text is a valid attribute value
    _fill(element, value)


def _fill(element: ET._Element, value: Any, item: str = "item") -> None:
    if value is None:
        element.set(f"{{{XSI}}}nil", "true")
    elif isinstance(value, dict):
        for key, inner in value.items():
            _child(element, str(key), inner)
    elif isinstance(value, list):
        for inner in value:
            _fill(ET.SubElement(element, item), inner)
    else:
        element.text = _text(value)


def to_xml(document: dict, record: str | None = None) -> bytes:
    """The XML of a JSON envelope; ``record`` names the elements of ``data``'s records."""
    root = ET.Element("response", nsmap={"xsi": XSI})
    for key, value in document.items():
        element = ET.SubElement(root, key)
        if key == "data" and record and isinstance(value, list):
            _fill(element, value, item=record)
        elif key == "data" and record and isinstance(value, dict):
            _fill(ET.SubElement(element, record), value)
        else:
            _fill(element, value)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _record_of_view() -> str | None:
    if request.url_rule is None:
        return None
    view = current_app.view_functions.get(request.url_rule.endpoint)
    schema = getattr(view, "_openapi", {}).get("response")
    return record_name(schema.__name__) if schema else None


def register(app: Flask) -> None:
    """Take ``format`` off API query strings, and answer XML after the request when asked."""

    @app.before_request
    def _take_format() -> None:
        if request.path.startswith("/api/v1/") and "format" in request.args:
            request._answer_format = request.args.get("format")
            request.args = ImmutableMultiDict(
                [(k, v) for k, v in request.args.items(multi=True) if k != "format"])

    @app.after_request
    def _answer_xml(response: Response) -> Response:
        if not request.path.startswith("/api/v1/") or request.method not in ("GET", "HEAD"):
            return response
        response.vary.add("Accept")
        if response.mimetype != "application/json" or not wants_xml():
            return response
        document = response.get_json(silent=True)
        if not isinstance(document, dict):
            return response
        response.set_data(to_xml(document, _record_of_view() if "data" in document else None))
        response.content_type = f"{XML}; charset=utf-8"
        return response
