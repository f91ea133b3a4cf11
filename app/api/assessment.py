"""Assessment points (考核督办点): the definitions (city officials keep them) and each month's
results per district and enterprise, scoped to the caller, with their xlsx export."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.http_downloads import XLSX, xlsx_file
from app.infra.months import previous_month
from app.schemas.answers import AcknowledgedSchema
from app.schemas.assessment import AssessmentPointSchema, AssessmentQuerySchema, AssessmentResultSchema
from app.services.assessment import export, points, reads


def _month() -> str:
    return AssessmentQuerySchema().load(request.args).get("month") or previous_month()


@bp.get("/assessment/points")
@doc(response=AssessmentPointSchema, many=True)
def list_assessment_points():
    return ok(AssessmentPointSchema(many=True).dump(points.list_points(api_actor())))


@bp.post("/assessment/points")
@doc(body=AssessmentPointSchema, response=AssessmentPointSchema, status=201)
def create_assessment_point():
    # the use case checks who asks first, then validates the body itself
    return ok(AssessmentPointSchema().dump(points.create_point(api_actor(), request.get_json(silent=True))),
              status=201)


@bp.patch("/assessment/points/<int:point_id>")
@doc(body=AssessmentPointSchema, response=AssessmentPointSchema)
def update_assessment_point(point_id: int):
    return ok(AssessmentPointSchema().dump(points.update_point(api_actor(), point_id, request.get_json(silent=True))))


@bp.delete("/assessment/points/<int:point_id>")
@doc(response=AcknowledgedSchema, no_body=True)
def delete_assessment_point(point_id: int):
    points.delete_point(api_actor(), point_id)
    return ok({"id": point_id, "removed": True})


@bp.get("/stats/assessment/districts")
@doc(query=AssessmentQuerySchema, response=AssessmentResultSchema, many=True)
def district_assessment():
    """The month's scores of the districts (lower-level units) the caller sees, with per-point detail."""
    return ok(AssessmentResultSchema(many=True).dump(reads.ranking(api_actor(), _month(), "district")))


@bp.get("/stats/assessment/enterprises")
@doc(query=AssessmentQuerySchema, response=AssessmentResultSchema, many=True)
def enterprise_assessment():
    """The month's scores of the enterprises the caller sees, with per-point detail."""
    return ok(AssessmentResultSchema(many=True).dump(reads.ranking(api_actor(), _month(), "enterprise")))


@bp.get("/stats/assessment/export")
@doc(query=AssessmentQuerySchema, file=XLSX)
def assessment_export():
    """The month's rankings and per-point detail as one xlsx workbook."""
    month = _month()
    return xlsx_file(export.assessment_workbook(api_actor(), month), f"assessment-{month}.xlsx")
