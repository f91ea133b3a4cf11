"""Device data over HTTP, alarm lists, latest readings, threshold overrides, rejected messages."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok, paging
from app.api.openapi import doc
from app.extensions import csrf
from app.schemas.answers import ThresholdsSchema
from app.schemas.telemetry import (
    AlarmQuerySchema,
    AlarmSchema,
    DeviceDataOutcomeSchema,
    DeviceMessageSchema,
    ReadingSchema,
    RejectionQuerySchema,
    RejectionSchema,
    ThresholdPatchSchema,
)
from app.services.ingestion import http_upload, rejections
from app.services.monitoring import alarm_queries, thresholds


@bp.post("/device-data")
@csrf.exempt
@doc(body=DeviceMessageSchema, body_many=True, xml_body="device_data", response=DeviceDataOutcomeSchema,
     many=True, public=True, status=202)
def device_data():
    """Telemetry or an alarm from a device that speaks HTTP (Authorization: Device <token>)."""
    result = http_upload.ingest_http(request.headers.get("Authorization"), request.get_data(), request.mimetype)
    meta = {k: getattr(result, k) for k in ("received", "stored", "duplicates", "rejected",
                                            "alarms_opened", "alarms_repeated", "cases_started")}
    return ok(DeviceDataOutcomeSchema(many=True).dump(result.messages), meta, status=202)


@bp.get("/alarms")
@doc(query=AlarmQuerySchema, response=AlarmSchema, many=True)
def list_alarms():
    """Device alarms the caller may see, newest activity first; next page: cursor=meta.next_cursor.

    `meta.next_cursor` is null on the last page; `meta.total` counts the matches up to 10,000
    (`meta.total_exact` false: there are more)."""
    args = AlarmQuerySchema().load(request.args)
    limit, offset = paging()
    page = alarm_queries.list_alarms(api_actor(), alarm_queries.AlarmFilter(
        project_code=args.get("project"), device_type=args.get("device_type"),
        level=args.get("level"), status=args.get("status"), since=args.get("since"),
        until=args.get("until")), limit=limit, offset=offset, cursor=args.get("cursor"))
    return ok(AlarmSchema(many=True).dump(page.items),
              {"total": page.total, "total_exact": page.total_exact, "next_cursor": page.next_cursor})


@bp.get("/devices/<int:device_id>/readings")
@doc(response=ReadingSchema, many=True, paged=True)
def device_readings(device_id: int):
    """The readings of one device, newest first (page back with offset)."""
    limit, offset = paging()
    rows, total = alarm_queries.latest_readings(api_actor(), device_id, limit=limit, offset=offset)
    return ok(ReadingSchema(many=True).dump(rows), {"total": total})


@bp.patch("/devices/<int:device_id>/thresholds")
@doc(body=ThresholdPatchSchema, response=ThresholdsSchema)
def patch_device_thresholds(device_id: int):
    """Change a device's threshold overrides (officials in jurisdiction or the project's PM)."""
    body = ThresholdPatchSchema().load(request.get_json(silent=True) or {})
    return ok(thresholds.set_device_thresholds(api_actor(), device_id, body["overrides"]))


@bp.patch("/projects/<code>/thresholds/<device_type>")
@doc(body=ThresholdPatchSchema, response=ThresholdsSchema)
def patch_project_thresholds(code: str, device_type: str):
    """Change a project's threshold overrides for one device type."""
    body = ThresholdPatchSchema().load(request.get_json(silent=True) or {})
    return ok(thresholds.set_project_thresholds(api_actor(), code, device_type,
                                                       body["overrides"]))


@bp.get("/device-rejections")
@doc(query=RejectionQuerySchema, response=RejectionSchema, many=True)
def list_device_rejections():
    """Rejected device messages, newest first (officials in jurisdiction, the project's PM)."""
    args = RejectionQuerySchema().load(request.args)
    limit, offset = paging()
    page = rejections.list_rejections(api_actor(), rejections.RejectionFilter(
        project_code=args.get("project"), reason=args.get("reason"), since=args.get("since"),
        until=args.get("until")), limit=limit, offset=offset)
    return ok(RejectionSchema(many=True).dump(page.items), {"total": page.total})
