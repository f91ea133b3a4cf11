"""The process designer's catalogue and checks: operators a service task may name (with their
parameters) and expressions/scripts compiled by the sandbox as the designer types."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.schemas.designer import OperatorSchema, SourceCheckSchema, SourceResultSchema
from app.services.designer import catalogue


@bp.get("/designer/operators")
@doc(response=OperatorSchema, many=True)
def designer_operators():
    return ok(OperatorSchema(many=True).dump(catalogue.operators(api_actor())))


@bp.post("/designer/expressions/check")
@doc(body=SourceCheckSchema, response=SourceResultSchema, many=True)
def designer_check_expressions():
    body = request.get_json(silent=True)
    items = body.get("items") if isinstance(body, dict) else None
    return ok(SourceResultSchema(many=True).dump(catalogue.check_sources(api_actor(), items)))
