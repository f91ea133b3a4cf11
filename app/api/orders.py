"""Clause library (法律条款库), clue tracking list (线索跟踪), urging statistics (督办统计) and the
rectification orders (整改单) as exchanged records."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok, paging
from app.api.openapi import doc
from app.schemas.answers import AcknowledgedSchema, CreatedSchema
from app.schemas.orders import (
    ClauseSchema,
    ClauseUpdateSchema,
    ClueRowSchema,
    OrderSchema,
    UnitUrgingStatsSchema,
)
from app.services.supervision import clauses, clue_tracking, order_reads, urging_stats


@bp.get("/clauses")
@doc(response=ClauseSchema, many=True, args=("active", "q"))
def list_clauses():
    active = {"true": True, "false": False}.get((request.args.get("active") or "").lower())
    rows = clauses.list_clauses(api_actor(), active=active, query=request.args.get("q"))
    return ok(ClauseSchema(many=True).dump(rows))


@bp.post("/clauses")
@doc(body=ClauseSchema, status=201, response=CreatedSchema)
def create_clause():
    data = ClauseSchema().load(request.get_json(silent=True) or {})
    return ok({"id": clauses.create_clause(api_actor(), data["code"], data["title"], data["text"])},
              status=201)


@bp.patch("/clauses/<int:clause_id>")
@doc(body=ClauseUpdateSchema, response=AcknowledgedSchema)
def update_clause(clause_id: int):
    data = ClauseUpdateSchema().load(request.get_json(silent=True) or {})
    clauses.update_clause(api_actor(), clause_id, **data)
    return ok({"id": clause_id})


@bp.get("/clues")
@doc(response=ClueRowSchema, many=True, args=("status",))
def list_clues():
    rows = clue_tracking.list_clues(api_actor(), status=request.args.get("status"))
    return ok(ClueRowSchema(many=True).dump(rows), {"total": len(rows)})


@bp.get("/urging/stats")
@doc(response=UnitUrgingStatsSchema, many=True)
def urging_statistics():
    return ok(UnitUrgingStatsSchema(many=True).dump(urging_stats.unit_statistics(api_actor())))


@bp.get("/orders")
@doc(response=OrderSchema, many=True, args=("project", "status"), paged=True)
def list_orders():
    """Rectification orders of the projects the caller may see, newest first."""
    limit, offset = paging()
    page = order_reads.list_orders(api_actor(), project_code=request.args.get("project"),
                                   status=request.args.get("status"), limit=limit, offset=offset)
    return ok(OrderSchema(many=True).dump(page.items), {"total": page.total})


@bp.get("/orders/<int:instance_id>")
@doc(response=OrderSchema)
def get_order(instance_id: int):
    """The rectification order of one case."""
    return ok(OrderSchema().dump(order_reads.get_order(api_actor(), instance_id)))
