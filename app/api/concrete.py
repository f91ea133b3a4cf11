"""Concrete supervision (混凝土监管): the producer registry, a project's deliveries with their
weighbridge record, the strength tests of each delivery batch, the xlsx export."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.http_downloads import XLSX, xlsx_file
from app.schemas.concrete import (
    DeliveryBodySchema,
    DeliveryNumberSchema,
    DeliveryQuerySchema,
    DeliverySchema,
    ProducerBodySchema,
    ProducerSchema,
    StrengthTestBodySchema,
    StrengthTestSchema,
)
from app.schemas.quality import CreatedSchema
from app.services.quality import concrete, concrete_export, producers


def _body():
    return request.get_json(silent=True)


@bp.get("/concrete/producers")
@doc(response=ProducerSchema, many=True)
def list_concrete_producers():
    return ok(ProducerSchema(many=True).dump(producers.list_producers(api_actor())))


@bp.post("/concrete/producers")
@doc(body=ProducerBodySchema, response=CreatedSchema, status=201)
def create_concrete_producer():
    return ok({"id": producers.create_producer(api_actor(), _body())}, status=201)


@bp.get("/concrete/deliveries")
@doc(query=DeliveryQuerySchema, response=DeliverySchema, many=True)
def list_concrete_deliveries():
    query = DeliveryQuerySchema().load(request.args)
    actor, project = api_actor(), query.get("project")
    rows = concrete.list_deliveries(actor, project, limit=query["limit"], offset=query["offset"])
    return ok(DeliverySchema(many=True).dump(rows), {"total": concrete.count_deliveries(actor, project)})


@bp.get("/concrete/deliveries/export")
@doc(query=DeliveryQuerySchema, file=XLSX)
def export_concrete_deliveries():
    """The visible deliveries (or one project's) and their strength tests as an xlsx workbook."""
    project = DeliveryQuerySchema().load(request.args).get("project")
    return xlsx_file(concrete_export.concrete_workbook(api_actor(), project), f"concrete-{project or 'all'}.xlsx")


@bp.post("/projects/<code>/concrete-deliveries")
@doc(body=DeliveryBodySchema, response=DeliveryNumberSchema, status=201)
def record_concrete_delivery(code: str):
    return ok(DeliveryNumberSchema().dump(concrete.record_delivery(api_actor(), code, _body())), status=201)


@bp.get("/concrete/deliveries/<int:delivery_id>")
@doc(response=DeliverySchema)
def get_concrete_delivery(delivery_id: int):
    return ok(DeliverySchema().dump(concrete.get_delivery(api_actor(), delivery_id)))


@bp.post("/concrete/deliveries/<int:delivery_id>/strength-tests")
@doc(body=StrengthTestBodySchema, response=StrengthTestSchema, status=201)
def add_concrete_strength_test(delivery_id: int):
    """A batch failing its grade starts the quality handling chain (`handling_instance_id`)."""
    return ok(StrengthTestSchema().dump(concrete.add_strength_test(api_actor(), delivery_id, _body())), status=201)
