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

from app.api import bp, exchange_auth
from app.api.xml_answers import EXCHANGED_RECORDS, record_name

_PATH_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
# Row ids: what werkzeug's int converter matches (digits only), within the databases' 64-bit keys.
_INT_ID = {"type": "integer", "format": "int64", "minimum": 0, "maximum": 2**63 - 1}
XML = "application/xml"
_PAGING = ({"in": "query", "name": "limit", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
           {"in": "query", "name": "offset", "schema": {"type": "integer", "minimum": 0}})
_FORMAT = {"in": "query", "name": "format", "description": "xml：以 XML 作答（亦可 Accept: application/xml）",
           "schema": {"type": "string", "enum": ["json", "xml"]}}
# XML answers carry the same tree as the JSON envelope; their XSD: /api/v1/schemas/<record>.xsd.
_XML_ANSWER = {"schema": {"type": "string", "description": "XSD: /api/v1/schemas/<record>.xsd"}}


def doc(*, body: type[Schema] | dict | None = None, query: type[Schema] | None = None,
        response: type[Schema] | None = None, many: bool = False, public: bool = False,
        status: int | tuple[int, ...] = 200, upload: tuple[str, ...] = (), file: str | None = None,
        no_body: bool = False, args: tuple[str, ...] = (), paged: bool = False, body_many: bool = False,
        xml_body: str | None = None, path_enums: dict[str, tuple[str, ...]] | None = None,
        callbacks: dict | None = None, components: tuple[type[Schema], ...] = ()) -> Callable:
    """Attach OpenAPI shapes to a view function.

    `status`: the success status(es) it answers with; `upload`: names of the multipart file
    fields it reads (instead of a JSON body); `file`: the media type of a file it answers with
    (instead of the JSON envelope; "*/*" for stored files of any type); `no_body`: a write that
    reads no body (said in the document, so that a missing body schema is never an oversight);
    `args`: plain text query parameters read without a query schema; `paged`: reads limit/offset;
    `body_many`: the body may also be a list of `body`; `xml_body`: the XSD record of an XML body
    accepted beside the JSON one; `path_enums`: the values a text path parameter may take;
    `callbacks`: the OpenAPI callbacks the operation sets up (webhooks), whose `$ref`s name the
    schemas of `components`.
    """
    def mark(fn: Callable) -> Callable:
        fn._openapi = {"body": body, "query": query, "response": response, "many": many, "public": public,
                       "status": status if isinstance(status, tuple) else (status,), "upload": upload,
                       "file": file, "no_body": no_body, "args": args, "paged": paged,
                       "body_many": body_many, "xml_body": xml_body, "path_enums": path_enums or {},
                       "callbacks": callbacks, "components": components}
        return fn
    return mark


def _envelope(schema_name: str | None, many: bool) -> dict:
    data = {"$ref": f"#/components/schemas/{schema_name}"} if schema_name else {}
    if many and schema_name:
        data = {"type": "array", "items": data}
    return {"type": "object", "required": ["data", "meta"],
            "properties": {"data": data, "meta": {"type": "object"}}}


def _success(spec: APISpec, meta: dict, method: str) -> dict:
    if meta.get("file"):
        return {"description": "OK", "content": {meta["file"]: {"schema": {"type": "string", "format": "binary"}}}}
    name = None
    if meta.get("response"):
        name = meta["response"].__name__.removesuffix("Schema")
        if name not in spec.components.schemas:
            spec.components.schema(name, schema=meta["response"])
    content = {"application/json": {"schema": _envelope(name, meta.get("many", False))}}
    if method == "get":
        record = record_name(name) if name else None
        content[XML] = {"schema": {"type": "string", "description": (
            f"XSD: /api/v1/schemas/{record}.xsd" if record in EXCHANGED_RECORDS else
            f"<response><data>{f'<{record}>…' if record else '…'}</data><meta>…</meta></response>")}}
    return {"description": "OK", "content": content}


def _body(spec: APISpec, meta: dict) -> type[Schema] | dict:
    if not meta.get("body_many"):
        return meta["body"]
    name = meta["body"].__name__.removesuffix("Schema")
    if name not in spec.components.schemas:
        spec.components.schema(name, schema=meta["body"])
    ref = {"$ref": f"#/components/schemas/{name}"}
    return {"oneOf": [ref, {"type": "array", "items": ref, "minItems": 1, "maxItems": 500}]}


def _operation(spec: APISpec, view: Callable, rule, method: str) -> dict:
    meta = getattr(view, "_openapi", {})
    summary = (view.__doc__ or view.__name__).strip().splitlines()[0]
    enums = meta.get("path_enums", {})
    params = [{"in": "path", "name": name, "required": True,
               "schema": _INT_ID if conv == "int" else
               {"type": "string", **({"enum": list(enums[name])} if name in enums else {})}}
              for conv, name in _PATH_PARAM.findall(rule.rule)]
    op: dict = {"summary": summary, "operationId": f"{method}_{rule.endpoint.split('.')[-1]}",
                "parameters": params, "responses": {"default": {"$ref": "#/components/responses/Error"}}}
    if meta.get("query"):
        op["parameters"] += [{"in": "query", "schema": meta["query"]}]
    op["parameters"] += [{"in": "query", "name": name, "schema": {"type": "string"}} for name in meta.get("args", ())]
    if meta.get("paged"):
        op["parameters"] += [dict(p) for p in _PAGING]
    if method == "get" and not meta.get("file"):
        op["parameters"].append(dict(_FORMAT))
    if meta.get("body"):
        op["requestBody"] = {"required": True, "content": {"application/json": {"schema": _body(spec, meta)}}}
    if meta.get("xml_body"):
        op["requestBody"]["content"][XML] = {"schema": {
            "type": "string", "description": f"XSD: /api/v1/schemas/{meta['xml_body']}.xsd"}}
    if meta.get("no_body"):
        op["x-request-body"] = "none"
    if meta.get("upload"):
        files = {"type": "object", "properties": {name: {"type": "string", "format": "binary"}
                                                  for name in meta["upload"]}}
        form = {"allOf": [meta["body"], files]} if meta.get("body") else files
        op["requestBody"] = {"content": {"multipart/form-data": {"schema": form}}}
    for status in meta.get("status", (200,)):
        op["responses"][str(status)] = _success(spec, meta, method)
    for schema in meta.get("components", ()):
        if schema.__name__.removesuffix("Schema") not in spec.components.schemas:
            spec.components.schema(schema.__name__.removesuffix("Schema"), schema=schema)
    if meta.get("callbacks"):
        op["callbacks"] = meta["callbacks"]
    if not meta.get("public"):
        op["security"] = [{"bearer": []}]
        if rule.endpoint in exchange_auth.ALLOWED_ENDPOINTS and method == "get":
            op["security"].append({"exchange": []})
    return op


def build_spec() -> dict:
    spec = APISpec(title="SiteCase API", version="1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.security_scheme("exchange", {
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": "`Exchange <token>`: the exchange account of an upper platform (created by an "
                       "administrator, token shown once). Reads only, within the account's org unit and "
                       "below: the change feed and the GETs of the exchanged records."})
    spec.components.response("Error", {"description": "错误", "content": {"application/json": {"schema": {
        "type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "message", "fields"], "properties": {
                "code": {"type": "string", "description": "stable code: branch on this"},
                "message": {"type": "string", "description": (
                    "the refusal in words: Chinese, or English with `Accept-Language: en` or `?lang=en`")},
                "fields": {"type": "object", "description": "per field, its messages in the same language"}}}}}},
        XML: _XML_ANSWER}})
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
