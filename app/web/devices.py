"""Devices and their warnings/alarms (officials and enterprises, scoped like the API)."""
from __future__ import annotations

from datetime import date, datetime

from flask import render_template, request

from app.infra import wallclock
from app.models import DEVICE_TYPES, OPERATOR_TRADES
from app.services.ingestion import rejections
from app.services.monitoring import alarm_queries, registry, site_pages
from app.services.monitoring.alarm_cases import LEVEL_LABELS, alarm_label
from app.web import bp
from app.web.common import page, paging_args, web_actor


@bp.get("/devices")
@page
def devices():
    actor = web_actor()
    args = {k: (request.args.get(k) or "").strip() or None
            for k in ("project", "device_type", "level", "status", "since", "until")}
    paging = paging_args(size=20, exported=True)
    flt = alarm_queries.AlarmFilter(project_code=args["project"], device_type=args["device_type"],
                                    level=args["level"], status=args["status"],
                                    since=_local_day(args["since"]), until=_local_day(args["until"], end=True))
    alarms = alarm_queries.list_alarms(actor, flt, limit=paging.size, offset=paging.offset)
    device_rows = paging_args(size=200, exported=True, param="devices_page")  # its own pager; an export all
    listed = registry.list_devices(actor, project_code=args["project"], device_type=args["device_type"],
                                   limit=device_rows.size, offset=device_rows.offset)
    device_rows = device_rows.counted(listed.total)
    counts = registry.operator_counts([d.id for d in listed.items])
    return render_template("devices/index.html", alarms=alarms.items, devices=listed.items, types=DEVICE_TYPES,
                           operator_counts=counts, paging=paging.counted(alarms.total), f=args, device_rows=device_rows,
                           alarms_more=not alarms.total_exact,
                           levels=LEVEL_LABELS, show_rejections=rejections.may_list(actor))


@bp.get("/devices/rejections")
@page
def device_rejections_page():
    args = {k: (request.args.get(k) or "").strip() or None for k in ("project", "reason", "since", "until")}
    paging = paging_args(size=20, exported=True)
    flt = rejections.RejectionFilter(
        project_code=args["project"], reason=args["reason"] if args["reason"] in rejections.REASONS else None,
        since=_local_day(args["since"]), until=_local_day(args["until"], end=True))
    found = rejections.list_rejections(web_actor(), flt, limit=paging.size, offset=paging.offset)
    return render_template("devices/rejections.html", rows=found.items, reasons=rejections.REASONS,
                           paging=paging.counted(found.total), f=args)


@bp.get("/devices/certificates")
@page
def expiring_certificates():
    """特种作业人员证书到期提醒: the workbench's list whole, paged (scoped like the workbench)."""
    paging = paging_args(exported=True)
    today = wallclock.local_today()
    found = registry.expiring_certificates(web_actor(), today, limit=paging.size, offset=paging.offset)
    return render_template("devices/certificates.html", rows=found.items, paging=paging.counted(found.total),
                           today=today, days=registry.EXPIRY_NOTICE_DAYS, trades=OPERATOR_TRADES)


def _local_day(text: str | None, *, end: bool = False) -> datetime | None:
    """A YYYY-MM-DD filter as the start (or end) of that China day; None if it is not a date."""
    try:
        day = date.fromisoformat(text) if text else None
    except ValueError:
        return None
    if day is None:
        return None
    return wallclock.local_day_end(day) if end else wallclock.local_day_start(day)


@bp.get("/devices/<int:device_id>")
@page
def device(device_id: int):
    return render_template("devices/show.html", v=site_pages.device_page(web_actor(), device_id), types=DEVICE_TYPES,
                           trades=OPERATOR_TRADES, metric_label=alarm_label)
