"""A bounded property-based fuzz run of the OpenAPI document (schemathesis), in-process on the real
WSGI app with the demo data: as an official and as a contractor, every documented operation gets
a fixed, derandomized set of generated requests, valid ones and invalid ones; no answer may be a
5xx and every answer must match the schema the document declares for it (the envelope, the
resource schemas).

An answer in XML (the document offers `format=xml` on every GET) must be well-formed, and one
about an exchanged record, or an error, valid against the XSD the API publishes for it.

SQLite only, like the matrix beside it; the database is restored after every write.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from app.api.openapi import build_spec
from app.api.xml_schemas import EXCHANGED, record_xsd
from app.config import TestConfig
from tests.integration.authz.cells import PARAM_KINDS
from tests.integration.authz.world import World, build_world


@schemathesis.check
def xml_answers_are_valid(ctx, response, case) -> None:
    """Well-formed XML; valid against its record's (or the error) XSD when it carries one."""
    kind = next((v[0] if isinstance(v, list) else v for k, v in response.headers.items()
                 if k.lower() == "content-type"), "")
    if not kind.startswith("application/xml") or case.path.endswith(".xsd"):
        return None
    root = etree.fromstring(response.content)
    record = "error" if root.find("error") is not None else next(
        (r for r in EXCHANGED if root.find(f"data/{r}") is not None), None)
    if record is not None:
        schema = etree.XMLSchema(etree.fromstring(record_xsd(record)))
        assert schema.validate(root), f"{case.path}: {schema.error_log}"
    return None


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          xml_answers_are_valid]
EXAMPLES = 12


@pytest.fixture(scope="module")
def fuzz_world(sqlite_template, tmp_path_factory) -> World:
    return build_world(sqlite_template, tmp_path_factory.mktemp("fuzz-world"))


@pytest.fixture(scope="module")
def api_schema(fuzz_world):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", fuzz_world.app)


bounded = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                   phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))


def _documented_operations() -> list[tuple[str, GenerationMode]]:
    """('METHOD /path', mode) of every operation of the document, read from the URL map at
    collection: valid requests, and invalid ones where the operation has inputs to spoil."""
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI="sqlite://")
    with app.app_context():
        paths = build_spec()["paths"]
    found = []
    for path, operations in sorted(paths.items()):
        for method, operation in operations.items():
            found.append((f"{method.upper()} {path}", GenerationMode.POSITIVE))
            if operation.get("parameters") or operation.get("requestBody"):
                found.append((f"{method.upper()} {path}", GenerationMode.NEGATIVE))
    return found


@pytest.fixture(scope="module")
def operations(api_schema) -> dict[str, object]:
    found = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        found[f"{operation.method.upper()} {operation.path}"] = operation
    return found


def _with_known_objects(world: World, cases: st.SearchStrategy) -> st.SearchStrategy:
    """Half of the time a path parameter names a real object of the demo (of either district),
    so that answers about real rows are checked too, not only 404s for random ids."""
    @st.composite
    def build(draw):
        case = draw(cases)
        for name in list(case.path_parameters or {}):
            kind = PARAM_KINDS.get(name)
            known = world.own.get(kind, {}).values() if kind in world.own else world.ids.get(kind, {}).values()
            if known and draw(st.booleans()):
                case.path_parameters[name] = draw(st.sampled_from(sorted(known)))
        return case
    return build()


@pytest.mark.parametrize("username", ["city_official", "contractor_pm"])
@pytest.mark.parametrize("key, mode", _documented_operations(), ids=lambda v: getattr(v, "value", v))
def test_documented_api_holds(fuzz_world, operations, key, mode, username):
    """No 5xx, and every answer as documented, for generated requests of one operation."""
    @bounded
    @given(case=_with_known_objects(fuzz_world, operations[key].as_strategy(generation_mode=mode)))
    def call(case):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {fuzz_world.tokens[username]}"}
        try:
            case.call_and_validate(app=fuzz_world.app, checks=CHECKS)
        finally:
            if case.method.upper() != "GET":
                fuzz_world.restore()

    call()
