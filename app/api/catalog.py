"""Projects, hazardous works and devices, scoped to the caller."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok, paging
from app.api.openapi import doc
from app.schemas.answers import (
    AcknowledgedSchema,
    CreatedProjectSchema,
    CreatedSchema,
    ShownOnceTokenSchema,
    WorksByDistrictSchema,
)
from app.schemas.catalog import (
    DeviceOperatorSchema,
    DeviceSchema,
    DeviceUpdateSchema,
    HazardousWorkSchema,
    ProjectSchema,
)
from app.services.access import projects
from app.services.hazard import works
from app.services.monitoring import registry


@bp.get("/projects")
@doc(response=ProjectSchema, many=True, args=("q",), paged=True)
def list_projects():
    limit, offset = paging()
    page = projects.list_projects(api_actor(), q=request.args.get("q"), limit=limit, offset=offset)
    return ok(ProjectSchema(many=True).dump(page.items), {"total": page.total})


@bp.post("/projects")
@doc(body=ProjectSchema, status=201, response=CreatedProjectSchema)
def create_project():
    data = ProjectSchema().load(request.get_json(silent=True) or {})
    project_id = projects.create_project(api_actor(), data)
    return ok({"id": project_id, "code": data["code"]}, status=201)


@bp.get("/projects/<code>")
@doc(response=ProjectSchema)
def get_project(code: str):
    return ok(ProjectSchema().dump(projects.get_project(api_actor(), code)))


@bp.get("/projects/<code>/hazardous-works")
@doc(response=HazardousWorkSchema, many=True, paged=True)
def list_works(code: str):
    limit, offset = paging()
    page = works.list_works(api_actor(), code, limit=limit, offset=offset)
    return ok(HazardousWorkSchema(many=True).dump(page.items), {"total": page.total})


@bp.post("/projects/<code>/hazardous-works")
@doc(body=HazardousWorkSchema, status=201, response=CreatedSchema)
def register_work(code: str):
    data = HazardousWorkSchema().load(request.get_json(silent=True) or {})
    work_id = works.register_work(api_actor(), code, data)
    return ok({"id": work_id}, status=201)


@bp.get("/hazardous-works/<int:work_id>")
@doc(response=HazardousWorkSchema)
def get_work(work_id: int):
    return ok(HazardousWorkSchema().dump(works.get_work(api_actor(), work_id)))


@bp.get("/hazardous-works/stats")
@doc(response=WorksByDistrictSchema, many=True)
def work_stats():
    return ok(works.count_by_district(api_actor()))


@bp.get("/devices")
@doc(response=DeviceSchema, many=True, args=("project", "type"), paged=True)
def list_devices():
    limit, offset = paging()
    page = registry.list_devices(api_actor(), project_code=request.args.get("project"),
                                device_type=request.args.get("type"), limit=limit, offset=offset)
    return ok(DeviceSchema(many=True).dump(page.items), {"total": page.total})


@bp.get("/devices/<int:device_id>")
@doc(response=DeviceSchema)
def get_device(device_id: int):
    return ok(DeviceSchema().dump(registry.get_device(api_actor(), device_id)))


@bp.post("/projects/<code>/devices")
@doc(body=DeviceSchema, status=201, response=ShownOnceTokenSchema)
def register_device(code: str):
    data = DeviceSchema().load(request.get_json(silent=True) or {})
    device_id, token = registry.register_device(api_actor(), code, data)
    return ok({"id": device_id, "token": token}, status=201)


@bp.patch("/devices/<int:device_id>")
@doc(body=DeviceUpdateSchema, response=DeviceSchema)
def update_device(device_id: int):
    """Rename, link to a hazardous work, deactivate or reactivate a device (PM or officials)."""
    data = DeviceUpdateSchema().load(request.get_json(silent=True) or {})
    return ok(DeviceSchema().dump(registry.update_device(api_actor(), device_id, data)))


@bp.post("/devices/<int:device_id>/token")
@doc(status=201, response=ShownOnceTokenSchema, no_body=True)
def reset_device_token(device_id: int):
    """A new HTTP token for the device; the old one stops working. Shown once."""
    return ok({"id": device_id, "token": registry.reset_device_token(api_actor(), device_id)},
              status=201)


@bp.get("/devices/<int:device_id>/operators")
@doc(response=DeviceOperatorSchema, many=True)
def list_device_operators(device_id: int):
    """特种作业人员 of a device."""
    return ok(DeviceOperatorSchema(many=True).dump(registry.list_operators(api_actor(), device_id)))


@bp.post("/devices/<int:device_id>/operators")
@doc(body=DeviceOperatorSchema, response=DeviceOperatorSchema, status=201)
def add_device_operator(device_id: int):
    data = DeviceOperatorSchema().load(request.get_json(silent=True) or {})
    operator = registry.add_operator(api_actor(), device_id, data)
    return ok(DeviceOperatorSchema().dump(operator), status=201)


@bp.patch("/devices/<int:device_id>/operators/<int:operator_id>")
@doc(body=DeviceOperatorSchema, response=DeviceOperatorSchema)
def update_device_operator(device_id: int, operator_id: int):
    data = DeviceOperatorSchema(partial=True).load(request.get_json(silent=True) or {})
    operator = registry.update_operator(api_actor(), device_id, operator_id, data)
    return ok(DeviceOperatorSchema().dump(operator))


@bp.delete("/devices/<int:device_id>/operators/<int:operator_id>")
@doc(response=AcknowledgedSchema, no_body=True)
def remove_device_operator(device_id: int, operator_id: int):
    registry.remove_operator(api_actor(), device_id, operator_id)
    return ok({"id": operator_id, "removed": True})
