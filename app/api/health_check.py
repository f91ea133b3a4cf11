"""Site health check (工地体检): scoring standards, the monthly ranking, a project's history."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.schemas.health_check import (
    DistrictRankingSchema,
    RankingQuerySchema,
    ScoreHistorySchema,
    StandardSchema,
)
from app.services.health_check import reads, standards


@bp.get("/health-check/standards")
@doc(response=StandardSchema, many=True)
def list_health_standards():
    return ok(StandardSchema(many=True).dump(standards.list_standards(api_actor())))


@bp.post("/health-check/standards")
@doc(body=StandardSchema, response=StandardSchema, status=201)
def create_health_standard():
    # the use case checks who asks first, then validates the body itself
    data = request.get_json(silent=True)
    return ok(StandardSchema().dump(standards.create_version(api_actor(), data if isinstance(data, dict) else {})),
              status=201)


@bp.get("/health-check/ranking")
@doc(query=RankingQuerySchema, response=DistrictRankingSchema, many=True)
def health_ranking():
    query = RankingQuerySchema().load(request.args)
    return ok(DistrictRankingSchema(many=True).dump(
        reads.ranking(api_actor(), query["month"], query.get("district_id"))))


@bp.get("/projects/<code>/health-check")
@doc(response=ScoreHistorySchema)
def project_health_history(code: str):
    return ok(ScoreHistorySchema().dump(reads.project_history(api_actor(), code)))
