"""类别配置 and 专家库管理 for officials."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok, paging
from app.api.openapi import doc
from app.schemas.answers import AcknowledgedSchema, CreatedSchema
from app.schemas.hazard_admin import (
    ActiveSchema,
    CategorySchema,
    CategoryUpdateSchema,
    ExpertSchema,
    ExpertUpdateSchema,
)
from app.services.hazard import reference_data


@bp.get("/hazardous-categories")
@doc(response=CategorySchema, many=True)
def list_categories():
    return ok(CategorySchema(many=True).dump(reference_data.list_categories(api_actor())))


@bp.post("/hazardous-categories")
@doc(body=CategorySchema, status=201, response=CreatedSchema)
def create_category():
    data = CategorySchema().load(request.get_json(silent=True) or {})
    return ok({"id": reference_data.create_category(api_actor(), data)}, status=201)


@bp.patch("/hazardous-categories/<code>")
@doc(body=CategoryUpdateSchema, response=AcknowledgedSchema)
def update_category(code: str):
    data = CategoryUpdateSchema(partial=True).load(request.get_json(silent=True) or {})
    reference_data.update_category(api_actor(), code, data)
    return ok({"code": code})


@bp.put("/hazardous-categories/<code>/active")
@doc(body=ActiveSchema, response=AcknowledgedSchema)
def set_category_active(code: str):
    data = ActiveSchema().load(request.get_json(silent=True) or {})
    reference_data.set_category_active(api_actor(), code, data["active"])
    return ok({"code": code, "active": data["active"]})


@bp.get("/experts")
@doc(response=ExpertSchema, many=True, args=("q", "specialty", "employer", "active"), paged=True)
def search_experts():
    limit, offset = paging()
    active = request.args.get("active")
    page = reference_data.search_experts(
        api_actor(), q=request.args.get("q"), specialty=request.args.get("specialty"),
        employer=request.args.get("employer"), active=None if active is None else active == "true",
        limit=limit, offset=offset)
    return ok(ExpertSchema(many=True).dump(page.items), {"total": page.total})


@bp.post("/experts")
@doc(body=ExpertSchema, status=201, response=CreatedSchema)
def add_expert():
    data = ExpertSchema().load(request.get_json(silent=True) or {})
    return ok({"id": reference_data.add_expert(api_actor(), data)}, status=201)


@bp.patch("/experts/<int:expert_id>")
@doc(body=ExpertUpdateSchema, response=AcknowledgedSchema)
def update_expert(expert_id: int):
    data = ExpertUpdateSchema(partial=True).load(request.get_json(silent=True) or {})
    reference_data.update_expert(api_actor(), expert_id, data)
    return ok({"id": expert_id})


@bp.put("/experts/<int:expert_id>/active")
@doc(body=ActiveSchema, response=AcknowledgedSchema)
def set_expert_active(expert_id: int):
    data = ActiveSchema().load(request.get_json(silent=True) or {})
    reference_data.set_expert_active(api_actor(), expert_id, data["active"])
    return ok({"id": expert_id, "active": data["active"]})
