"""Operators of the device-alarm disposal chain: close the alarm, request a rectification order.

Closing the DeviceAlarm row ends the "repeats update the open case" window: the next
excursion of the same device and alarm type starts a new disposal case.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.errors import NotFoundError
from app.extensions import db
from app.infra import wallclock
from app.models import DeviceAlarm
from app.services.definitions.operator_registry import (
    CHILD_PROCESS,
    OperatorContext,
    Param,
    child_process_param,
    operator,
)
from app.services.workflow import timeline


def alarm_of_case(ctx: OperatorContext, data: dict[str, Any]) -> DeviceAlarm | None:
    """The alarm this case disposes of: by the case id, else by the id the start message carried."""
    alarm = db.session.scalar(select(DeviceAlarm).where(DeviceAlarm.instance_id == ctx.instance.id))
    if alarm is None:
        alarm_id = (data.get("alarm") or {}).get("alarm_id")
        alarm = db.session.get(DeviceAlarm, alarm_id) if isinstance(alarm_id, int) else None
    return alarm


def close_alarm(alarm: DeviceAlarm | None, outcome: str, details: dict[str, Any]) -> None:
    """Mark the alarm closed with its outcome (idempotent: a closed alarm keeps its first outcome)."""
    if alarm is None or alarm.status == "closed":
        return
    alarm.status, alarm.open_key, alarm.closed_at = "closed", None, wallclock.now()
    alarm.outcome, alarm.outcome_data = outcome, details


@operator("close_device_alarm", summary="关闭本案件的设备预警", params=(
    Param("outcome", "str", "处置结果代码，如 'handled'、'false_alarm'", required=True),
    Param("note", "str", "处置说明（可选）"),
))
def close_device_alarm(ctx: OperatorContext, params: dict, data: dict) -> dict:
    """Close the case's device alarm with `params["outcome"]` and an optional `note`."""
    alarm = alarm_of_case(ctx, data)
    close_alarm(alarm, str(params.get("outcome") or "closed"),
                {"note": str(params.get("note") or "")[:1000]})
    return {"alarm_id": alarm.id if alarm else None, "outcome": params.get("outcome")}


@operator("request_device_rectification_order", summary="逾期预警转开整改单", params=(
    Param("order_type", "str", "整改单类型，如 'deadline'、'stop'", required=True),
    Param("problems", "str", "存在的问题", required=True),
    Param("rectify_deadline", "str", "整改期限（ISO 日期）", required=True),
    child_process_param("rectification_order"),
))
def request_device_rectification_order(ctx: OperatorContext, params: dict, data: dict) -> dict:
    """The official decided to issue a rectification order for an overdue alarm.

    Opens a `rectification_order` case through its contract (app.services.supervision.orders.open_order).
    When that process is not deployed, the decision is recorded on the alarm as
    `rectification_order_pending` and on the case timeline, so nothing is lost.
    """
    alarm = alarm_of_case(ctx, data)
    info = data.get("alarm") or {}
    order = {"order_type": params.get("order_type") or "deadline",
             "problems": [{"description": str(params.get("problems") or ""),
                           "location": str(info.get("device_name") or ""), "photos": []}],
             "deadline": params.get("rectify_deadline"), "source_kind": "alarm"}
    instance_id = _open_order(ctx, {**order, CHILD_PROCESS: params.get(CHILD_PROCESS)})
    outcome = "rectification_order" if instance_id else "rectification_order_pending"
    close_alarm(alarm, outcome, {**order, "rectification_order_instance_id": instance_id})
    timeline.note(ctx, "rectification_order_requested",
                  {**order, "rectification_order_instance_id": instance_id})
    return {"status": outcome, "rectification_order_instance_id": instance_id}


def _open_order(ctx: OperatorContext, order: dict[str, Any]) -> int | None:
    from app.services.supervision.orders import open_order  # here: orders → case_runtime → operators → us

    try:
        return open_order(ctx.actor, ctx.instance, order)
    except NotFoundError as exc:
        if exc.code != "process_not_deployed":
            raise
        return None
