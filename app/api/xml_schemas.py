"""The XSD of the records the API exchanges, made from the same marshmallow schemas that dump them.

`GET /api/v1/schemas/<record>.xsd` answers one document per record type: the record's complex
type (and those of its nested records) and the ``response`` element its XML answers have
(app/api/xml_answers.py). Being derived from the dump schemas, it cannot drift from the answers;
the integration tests validate real answers against it. ``error.xsd`` describes error answers.
"""
from __future__ import annotations

from xml.etree import ElementTree as ET

from flask import Response
from marshmallow import Schema, fields

from app.api import bp
from app.api.openapi import doc
from app.api.xml_answers import XML, record_name
from app.errors import NotFoundError
from app.schemas.catalog import HazardousWorkSchema, ProjectSchema
from app.schemas.documents import DocumentSchema
from app.schemas.orders import OrderSchema
from app.schemas.telemetry import AlarmSchema, ReadingSchema
from app.schemas.workflow import CaseSchema
from app.services.ingestion import xml_payloads
from app.services.quality import report_xml

XS = "http://www.w3.org/2001/XMLSchema"
# The exchanged record types (issue 18; seed 001, 6.2.4), by the element their answers use.
EXCHANGED: dict[str, type[Schema]] = {record_name(s.__name__): s for s in (
    ProjectSchema, HazardousWorkSchema, ReadingSchema, AlarmSchema, CaseSchema, OrderSchema, DocumentSchema)}
_SIMPLE = [(fields.Boolean, "xs:boolean"), (fields.Integer, "xs:integer"), (fields.Float, "xs:double"),
           (fields.Decimal, "xs:double"), (fields.NaiveDateTime, "xs:dateTime"),
           (fields.AwareDateTime, "xs:dateTime"), (fields.DateTime, "xs:dateTime"),
           (fields.Date, "xs:date"), (fields.Time, "xs:time"), (fields.String, "xs:string"),
           (fields.UUID, "xs:string")]


_LABELS = {"project": "项目", "hazardous_work": "危大工程", "reading": "设备监测数据", "alarm": "设备告警",
           "case": "案件", "order": "整改单", "document": "文书", "device_data": "设备数据上传",
           "quality_report": "检测报告上传", "error": "错误答复"}
# The XSD of the bodies posted in XML, kept beside the code that parses them.
UPLOADS = {"device_data": xml_payloads.XSD_PATH, "quality_report": report_xml.XSD_PATH}


def published_records() -> list[tuple[str, str]]:
    """(record, Chinese label) of every XSD served, for the integrators' page."""
    return [(record, _LABELS[record]) for record in (*EXCHANGED, *UPLOADS, "error")]


class RecordSchemaNotFound(NotFoundError):
    """没有该数据类型的 XML 架构。"""
    code = "xml_schema_not_found"


def _el(parent: ET.Element, tag: str, **attrs: str) -> ET.Element:
    return ET.SubElement(parent, f"xs:{tag}", {k.rstrip("_"): v for k, v in attrs.items()})


def _anything(parent: ET.Element) -> None:
    """Free content (a dict, a form's data): any elements, attributes and text."""
    complex_ = _el(parent, "complexType", mixed="true")
    _el(_el(complex_, "sequence"), "any", processContents="skip", minOccurs="0", maxOccurs="unbounded")
    _el(complex_, "anyAttribute", processContents="skip")


def _type_name(schema: type[Schema] | Schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return record_name(cls.__name__) + "_type"


def _field(parent: ET.Element, name: str, field: fields.Field, pending: list) -> None:
    element = _el(parent, "element", name=name, minOccurs="0")
    if field.allow_none:
        element.set("nillable", "true")
    if isinstance(field, fields.Nested):
        element.set("type", _type_name(field.schema))
        pending.append(field.schema)
    elif isinstance(field, fields.List):
        item = _el(_el(_el(element, "complexType"), "sequence"), "element", name="item",
                   minOccurs="0", maxOccurs="unbounded")
        item.set("nillable", "true")
        inner = field.inner
        if isinstance(inner, fields.Nested):
            item.set("type", _type_name(inner.schema))
            pending.append(inner.schema)
        else:
            simple = _simple(inner)
            item.set("type", simple) if simple else _anything(item)
    else:
        simple = _simple(field)
        element.set("type", simple) if simple else _anything(element)


def _simple(field: fields.Field) -> str | None:
    return next((xs for cls, xs in _SIMPLE if isinstance(field, cls)), None)


def _complex_type(root: ET.Element, schema: type[Schema] | Schema, pending: list) -> None:
    instance = schema() if isinstance(schema, type) else schema
    all_ = _el(_el(root, "complexType", name=_type_name(schema)), "all")
    for name, field in instance.dump_fields.items():
        _field(all_, field.data_key or name, field, pending)


def record_xsd(record: str) -> bytes:
    """The XSD of the answers about one exchanged record type. Raises RecordSchemaNotFound."""
    if record == "error":
        return _error_xsd()
    if record in UPLOADS:
        return UPLOADS[record].read_bytes()
    schema = EXCHANGED.get(record)
    if schema is None:
        raise RecordSchemaNotFound()
    root = ET.Element("xs:schema", {"xmlns:xs": XS, "elementFormDefault": "qualified"})
    envelope = _el(_el(_el(root, "element", name="response"), "complexType"), "all")
    data = _el(_el(_el(envelope, "element", name="data"), "complexType"), "sequence")
    _el(data, "element", name=record, type=_type_name(schema), minOccurs="0", maxOccurs="unbounded")
    _anything(_el(envelope, "element", name="meta"))
    pending: list = [schema]
    done: set[str] = set()
    while pending:
        current = pending.pop()
        if _type_name(current) not in done:
            done.add(_type_name(current))
            _complex_type(root, current, pending)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _error_xsd() -> bytes:
    root = ET.Element("xs:schema", {"xmlns:xs": XS, "elementFormDefault": "qualified"})
    envelope = _el(_el(_el(root, "element", name="response"), "complexType"), "all")
    error = _el(_el(_el(envelope, "element", name="error"), "complexType"), "all")
    _el(error, "element", name="code", type="xs:string")
    _el(error, "element", name="message", type="xs:string")
    _anything(_el(error, "element", name="fields"))
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


@bp.get("/schemas/<record>.xsd")
@doc(public=True, file=XML, path_enums={"record": tuple(r for r, _ in published_records())})
def record_schema(record: str):
    """The XSD of one exchanged record type's XML answers (project, hazardous_work, reading, alarm, case, order, document, error; device_data for uploads)."""
    return Response(record_xsd(record), content_type=f"{XML}; charset=utf-8")
