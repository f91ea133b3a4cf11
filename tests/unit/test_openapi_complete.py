"""The OpenAPI document is complete: valid, every write says its body (or that it takes none),
every answer its shape, every query parameter a view reads is listed, and GETs offer XML."""
from __future__ import annotations

import inspect
import re

import pytest
from flask import Flask
from openapi_spec_validator import validate

from app import create_app
from app.api.openapi import build_spec
from app.config import TestConfig

WRITES = ("post", "put", "patch", "delete")
_ARG = re.compile(r"request\.args\.get\(\s*\"(\w+)\"")
_QUERY = re.compile(r"(\w+Schema)\(\)\.load\(request\.args")


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")


@pytest.fixture(scope="module")
def spec(app) -> dict:
    with app.app_context():
        return build_spec()


def _operations(spec: dict):
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            yield path, method, op


def test_the_document_is_valid_openapi(spec):
    validate(spec)


def test_every_write_documents_its_body_or_that_it_takes_none(spec):
    missing = [(m, p) for p, m, op in _operations(spec)
               if m in WRITES and "requestBody" not in op and op.get("x-request-body") != "none"]
    assert missing == []


def test_every_answer_documents_its_shape(spec):
    missing = []
    for path, method, op in _operations(spec):
        for status, response in op["responses"].items():
            envelope = response.get("content", {}).get("application/json", {}).get("schema")
            if status != "default" and envelope is not None and not envelope["properties"]["data"]:
                missing.append((method, path, status))
    assert missing == []


def test_every_query_parameter_a_view_reads_is_documented(app, spec):
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.openapi":
            continue
        source = inspect.getsource(app.view_functions[rule.endpoint])
        read = set(_ARG.findall(source)) | ({"limit", "offset"} if "= paging()" in source else set())
        read -= {"offset"} if "limit, _ = paging()" in source else set()
        path = re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}:
            params = spec["paths"][path][method.lower()]["parameters"]
            named = {p["name"] for p in params}
            missing += [(method, path, name) for name in sorted(read - named)]
        declared = getattr(app.view_functions[rule.endpoint], "_openapi", {}).get("query")
        missing += [(rule.rule, schema) for schema in _QUERY.findall(source)
                    if declared is None or declared.__name__ != schema]
    assert missing == []


def test_gets_offer_xml_and_nullable_fields_say_so(spec):
    projects = spec["paths"]["/api/v1/projects"]["get"]
    xml = projects["responses"]["200"]["content"]["application/xml"]["schema"]
    assert xml["description"] == "XSD: /api/v1/schemas/project.xsd"
    assert any(p.get("name") == "format" for p in projects["parameters"])
    assert spec["components"]["schemas"]["Case"]["properties"]["ended_at"]["nullable"] is True
    upload = spec["paths"]["/api/v1/device-data"]["post"]["requestBody"]["content"]
    assert set(upload) == {"application/json", "application/xml"}
    assert "device_data.xsd" in upload["application/xml"]["schema"]["description"]
