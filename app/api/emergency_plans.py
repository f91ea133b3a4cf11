"""Emergency plans (应急预案) of a hazardous work: list, add (multipart with `file`), one plan."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.schemas.answers import CreatedSchema
from app.schemas.emergency_plans import EmergencyPlanInputSchema, EmergencyPlanSchema
from app.services.hazard import emergency_plans


@bp.get("/hazardous-works/<int:work_id>/emergency-plans")
@doc(response=EmergencyPlanSchema, many=True)
def list_emergency_plans(work_id: int):
    """Emergency plans of a hazardous work, newest first."""
    rows = emergency_plans.list_plans(api_actor(), work_id)
    return ok(EmergencyPlanSchema(many=True).dump(rows), {"total": len(rows)})


@bp.post("/hazardous-works/<int:work_id>/emergency-plans")
@doc(body=EmergencyPlanInputSchema, upload=("file",), status=201, response=CreatedSchema)
def add_emergency_plan(work_id: int):
    """Add an emergency plan with its file (multipart/form-data; the project's contractor PM)."""
    data = EmergencyPlanInputSchema().load(request.form.to_dict())
    plan_id = emergency_plans.add_plan(api_actor(), work_id, data, request.files.get("file"))
    return ok({"id": plan_id}, status=201)


@bp.get("/emergency-plans/<int:plan_id>")
@doc(response=EmergencyPlanSchema)
def get_emergency_plan(plan_id: int):
    """One emergency plan."""
    return ok(EmergencyPlanSchema().dump(emergency_plans.get_plan(api_actor(), plan_id)))
