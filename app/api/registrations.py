"""Registrations: enterprise information review and project start registration."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.schemas.answers import StartedCaseSchema
from app.schemas.registrations import (
    EnterpriseChangeQuerySchema,
    EnterpriseChangeSchema,
    EnterpriseReviewStartSchema,
    ProjectRegistrationStartSchema,
    RegistrationResultSchema,
    RegistrationSubmitSchema,
)
from app.services.registrations import applications


@bp.post("/registrations/enterprise")
@doc(body=EnterpriseReviewStartSchema, status=201, response=StartedCaseSchema)
def start_enterprise_review():
    data = EnterpriseReviewStartSchema().load(request.get_json(silent=True) or {})
    return ok({"instance_id": applications.start_enterprise_review(api_actor(), data["org_code"])}, status=201)


@bp.post("/registrations/projects")
@doc(body=ProjectRegistrationStartSchema, status=201, response=StartedCaseSchema)
def start_project_registration():
    data = ProjectRegistrationStartSchema().load(request.get_json(silent=True) or {})
    return ok({"instance_id": applications.start_project_registration(api_actor(), data["district_code"])},
              status=201)


@bp.post("/registrations/tasks/<int:task_id>/complete")
@doc(body=RegistrationSubmitSchema, response=RegistrationResultSchema)
def complete_registration_task(task_id: int):
    data = RegistrationSubmitSchema().load(request.get_json(silent=True) or {})
    result = applications.complete_registration_task(api_actor(), task_id, data["data"])
    return ok(RegistrationResultSchema().dump(result))


@bp.get("/registrations/enterprise-changes")
@doc(query=EnterpriseChangeQuerySchema, response=EnterpriseChangeSchema, many=True)
def list_enterprise_changes():
    query = EnterpriseChangeQuerySchema().load(request.args)
    return ok(EnterpriseChangeSchema(many=True).dump(
        applications.list_enterprise_changes(api_actor(), query["enterprise_id"])))
