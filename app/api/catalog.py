"""Projects, hazardous works and devices, scoped to the caller."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok, paging
from app.api.openapi import doc
from app.schemas.catalog import DeviceSchema, HazardousWorkSchema, ProjectSchema
from app.services import devices, hazardous_works, projects


@bp.get("/projects")
@doc(response=ProjectSchema, many=True)
def list_projects():
    limit, offset = paging()
    page = projects.list_projects(api_actor(), q=request.args.get("q"), limit=limit, offset=offset)
    return ok(ProjectSchema(many=True).dump(page.items), {"total": page.total})


@bp.post("/projects")
@doc(body=ProjectSchema)
def create_project():
    data = ProjectSchema().load(request.get_json(silent=True) or {})
    project_id = projects.create_project(api_actor(), data)
    return ok({"id": project_id, "code": data["code"]}, status=201)


@bp.get("/projects/<code>")
@doc(response=ProjectSchema)
def get_project(code: str):
    return ok(ProjectSchema().dump(projects.get_project(api_actor(), code)))


@bp.get("/projects/<code>/hazardous-works")
@doc(response=HazardousWorkSchema, many=True)
def list_works(code: str):
    limit, offset = paging()
    page = hazardous_works.list_works(api_actor(), code, limit=limit, offset=offset)
    return ok(HazardousWorkSchema(many=True).dump(page.items), {"total": page.total})


@bp.post("/projects/<code>/hazardous-works")
@doc(body=HazardousWorkSchema)
def register_work(code: str):
    data = HazardousWorkSchema().load(request.get_json(silent=True) or {})
    work_id = hazardous_works.register_work(api_actor(), code, data)
    return ok({"id": work_id}, status=201)


@bp.get("/hazardous-works/<int:work_id>")
@doc(response=HazardousWorkSchema)
def get_work(work_id: int):
    return ok(HazardousWorkSchema().dump(hazardous_works.get_work(api_actor(), work_id)))


@bp.get("/hazardous-works/stats")
def work_stats():
    return ok(hazardous_works.count_by_district(api_actor()))


@bp.get("/devices")
@doc(response=DeviceSchema, many=True)
def list_devices():
    limit, offset = paging()
    page = devices.list_devices(api_actor(), project_code=request.args.get("project"),
                                device_type=request.args.get("type"), limit=limit, offset=offset)
    return ok(DeviceSchema(many=True).dump(page.items), {"total": page.total})


@bp.get("/devices/<int:device_id>")
@doc(response=DeviceSchema)
def get_device(device_id: int):
    return ok(DeviceSchema().dump(devices.get_device(api_actor(), device_id)))


@bp.post("/projects/<code>/devices")
@doc(body=DeviceSchema)
def register_device(code: str):
    data = DeviceSchema().load(request.get_json(silent=True) or {})
    device_id, token = devices.register_device(api_actor(), code, data)
    return ok({"id": device_id, "token": token}, status=201)
