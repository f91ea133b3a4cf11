"""GET /api/v1/openapi.json: the spec built from the URL map and the schemas each view declares.

Views declare their shapes with `@doc(body=…, query=…, response=…)`; the view's docstring first
line is the summary. Every API route appears, documented or not, so nothing hides.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, jsonify
from marshmallow import Schema

from app.api import bp

_PATH_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
# Row ids: what werkzeug's int converter matches (digits only), within the databases' 64-bit keys.
_INT_ID = {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**63 - 1}


def doc(*, body: type[Schema] | None = None, query: type[Schema] | None = None,
        response: type[Schema] | None = None, many: bool = False, public: bool = False,
        status: int | tuple[int, ...] = 200, upload: tuple[str, ...] = (), file: str | None = None) -> Callable:
    """Attach OpenAPI shapes to a view function.

    `status`: the success status(es) it answers with; `upload`: names of the multipart file
    fields it reads (instead of a JSON body); `file`: the media type of a file it answers with
    (instead of the JSON envelope; "*/*" for stored files of any type).
    """
    def mark(fn: Callable) -> Callable:
        fn._openapi = {"body": body, "query": query, "response": response, "many": many, "public": public,
                       "status": status if isinstance(status, tuple) else (status,), "upload": upload,
                       "file": file}
        return fn
    return mark


def _envelope(schema_name: str | None, many: bool) -> dict:
    data = {"$ref": f"#/components/schemas/{schema_name}"} if schema_name else {}
    if many and schema_name:
        data = {"type": "array", "items": data}
    return {"type": "object", "required": ["data", "meta"],
            "properties": {"data": data, "meta": {"type": "object"}}}


def _success(spec: APISpec, meta: dict) -> dict:
    if meta.get("file"):
        return {"description": "OK", "content": {meta["file"]: {"schema": {"type": "string", "format": "binary"}}}}
    name = None
    if meta.get("response"):
        name = meta["response"].__name__.removesuffix("Schema")
        if name not in spec.components.schemas:
            spec.components.schema(name, schema=meta["response"])
    return {"description": "OK", "content": {"application/json": {
        "schema": _envelope(name, meta.get("many", False))}}}


def _operation(spec: APISpec, view: Callable, rule, method: str) -> dict:
    meta = getattr(view, "_openapi", {})
    summary = (view.__doc__ or view.__name__).strip().splitlines()[0]
    params = [{"in": "path", "name": name, "required": True,
               "schema": _INT_ID if conv == "int" else {"type": "string"}}
              for conv, name in _PATH_PARAM.findall(rule.rule)]
    op: dict = {"summary": summary, "operationId": f"{method}_{rule.endpoint.split('.')[-1]}",
                "parameters": params, "responses": {"default": {"$ref": "#/components/responses/Error"}}}
    if meta.get("query"):
        op["parameters"] += [{"in": "query", "schema": meta["query"]}]
    if meta.get("body"):
        op["requestBody"] = {"content": {"application/json": {"schema": meta["body"]}}}
    if meta.get("upload"):
        files = {"type": "object", "properties": {name: {"type": "string", "format": "binary"}
                                                  for name in meta["upload"]}}
        form = {"allOf": [meta["body"], files]} if meta.get("body") else files
        op["requestBody"] = {"content": {"multipart/form-data": {"schema": form}}}
    for status in meta.get("status", (200,)):
        op["responses"][str(status)] = _success(spec, meta)
    if not meta.get("public"):
        op["security"] = [{"bearer": []}]
    return op


def build_spec() -> dict:
    spec = APISpec(title="SiteCase API", version="1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.response("Error", {"description": "错误", "content": {"application/json": {"schema": {
        "type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "message", "fields"], "properties": {
                "code": {"type": "string"}, "message": {"type": "string"}, "fields": {"type": "object"}}}}}}}})
    paths: dict[str, dict] = {}
    for rule in current_app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint == "api.openapi":
            continue
        view = current_app.view_functions[rule.endpoint]
        path = _PATH_PARAM.sub(lambda m: "{" + m.group(2) + "}", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(spec, view, rule, method.lower())
    for path, operations in sorted(paths.items()):
        spec.path(path=path, operations=operations)
    return spec.to_dict()


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3 document of this API."""
    return jsonify(build_spec())
