"""A bounded property-based fuzz run of the OpenAPI document (schemathesis), in-process on the real
WSGI app with the demo data: as an official and as a contractor, every documented operation gets
a fixed, derandomized set of generated requests; no answer may be a 5xx and every answer must
match the schema the document declares for it (the envelope, the resource schemas).

SQLite only, like the matrix beside it; the database is restored after every write.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from app.api.openapi import build_spec
from app.config import TestConfig
from tests.integration.authz.world import World, build_world

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES = 12


@pytest.fixture(scope="module")
def fuzz_world(sqlite_template, tmp_path_factory) -> World:
    return build_world(sqlite_template, tmp_path_factory.mktemp("fuzz-world"))


@pytest.fixture(scope="module")
def api_schema(fuzz_world):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_world.app)


bounded = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                   phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


def _documented_operations() -> list[str]:
    """'METHOD /path' of every operation of the document, read from the URL map at collection."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():
        paths = build_spec()["paths"]
    return [f"{method.upper()} {path}" for path, operations in sorted(paths.items()) for method in operations]


@pytest.fixture(scope="module")
def operations(api_schema) -> dict[str, object]:
    found = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        found[f"{operation.method.upper()} {operation.path}"] = operation
    return found


@pytest.mark.parametrize("username", ["city_official", "contractor_pm"])
@pytest.mark.parametrize("key", _documented_operations())
def test_documented_api_holds(fuzz_world, operations, key, username):
    """No 5xx, and every answer as documented, for generated requests of one operation."""
    @bounded
    @given(case=operations[key].as_strategy())
    def call(case):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {fuzz_world.tokens[username]}"}
        try:
            case.call_and_validate(app=fuzz_world.app, checks=CHECKS)
        finally:
            if case.method.upper() != "GET":
                fuzz_world.restore()

    call()
