"""The OpenAPI document says what the API really answers (the fuzz run in tests/integration/authz
checks the answers against it; these pin the shapes that it found wrong)."""
from __future__ import annotations

import pytest

from app import create_app
from app.api.openapi import build_spec
from app.config import TestConfig


@pytest.fixture(scope="module")
def spec() -> dict:
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():
        return build_spec()


def _ok(spec: dict, method: str, path: str) -> dict:
    responses = spec["paths"][path][method]["responses"]
    return {status: r for status, r in responses.items() if status != "default"}


def test_nullable_columns_are_documented_nullable(spec):
    schemas = spec["components"]["schemas"]
    for schema, field in (("Project", "planned_start"), ("Project", "address"), ("Participant", "responsible_phone"),
                          ("HazardousWork", "unit_works"), ("HazardousWork", "planned_end"),
                          ("Enterprise", "legal_person")):
        assert schemas[schema]["properties"][field].get("nullable") is True, (schema, field)


@pytest.mark.parametrize("method, path, status", [
    ("post", "/api/v1/auth/token", "201"), ("post", "/api/v1/projects", "201"),
    ("post", "/api/v1/tasks/{task_id}/comments", "201"), ("post", "/api/v1/process-instances", "201"),
    ("post", "/api/v1/documents/{document_id}/render", "202"), ("post", "/api/v1/device-data", "202"),
    ("get", "/api/v1/projects", "200"),
])
def test_success_status_is_the_one_answered(spec, method, path, status):
    assert list(_ok(spec, method, path)) == [status]


def test_files_are_documented_as_files_not_envelopes(spec):
    assert list(_ok(spec, "get", "/api/v1/documents/{document_id}/pdf")["200"]["content"]) == ["application/pdf"]
    assert list(_ok(spec, "get", "/api/v1/attachments/{attachment_id}")["200"]["content"]) == ["*/*"]
    upload = spec["paths"]["/api/v1/tasks/{task_id}/attachments"]["post"]["requestBody"]["content"]
    assert upload["multipart/form-data"]["schema"]["properties"]["file"]["format"] == "binary"


def test_every_body_the_api_reads_is_documented(spec):
    for path, method in (("/api/v1/tasks/{task_id}/complete", "post"), ("/api/v1/messages", "post"),
                         ("/api/v1/clauses", "post"), ("/api/v1/process-instances/{instance_id}/cancel", "post")):
        assert "requestBody" in spec["paths"][path][method], (method, path)
    query = [p["name"] for p in spec["paths"]["/api/v1/tasks"]["get"]["parameters"]]
    assert "scope" in query


def test_row_ids_are_64_bit_and_not_negative(spec):
    param = spec["paths"]["/api/v1/tasks/{task_id}"]["get"]["parameters"][0]
    assert param["schema"] == {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**63 - 1}


def test_envelope_and_error_shapes_are_required(spec):
    envelope = _ok(spec, "get", "/api/v1/projects")["200"]["content"]["application/json"]["schema"]
    assert envelope["required"] == ["data", "meta"]
    error = spec["components"]["responses"]["Error"]["content"]["application/json"]["schema"]
    assert error["required"] == ["error"]
    assert error["properties"]["error"]["required"] == ["code", "message", "fields"]


def test_the_alarm_list_documents_its_cursor(spec):
    operation = spec["paths"]["/api/v1/alarms"]["get"]
    assert "meta.next_cursor" in operation["summary"]
    parameters = {p["name"]: p for p in operation["parameters"] if "name" in p}
    assert "next_cursor" in parameters["cursor"]["description"]
