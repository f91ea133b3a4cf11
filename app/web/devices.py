"""Devices and their warnings/alarms (officials and enterprises, scoped like the API)."""
from __future__ import annotations

from flask import render_template, request

from app.models import DEVICE_TYPES
from app.services import devices as device_service
from app.services import site_views
from app.web import bp
from app.web.common import Paging, page, paging_args, web_actor


@bp.get("/devices")
@page
def devices():
    actor = web_actor()
    project = request.args.get("project") or None
    status = request.args.get("status") or None
    number = paging_args().page
    alarms = site_views.list_alarms(actor, project_code=project, status=status, limit=20, offset=(number - 1) * 20)
    registry = device_service.list_devices(actor, project_code=project, limit=200)
    return render_template("devices/index.html", alarms=alarms.items, devices=registry.items, types=DEVICE_TYPES,
                           paging=Paging(number, 20, alarms.total), project=project, status=status)


@bp.get("/devices/<int:device_id>")
@page
def device(device_id: int):
    return render_template("devices/show.html", v=site_views.device_page(web_actor(), device_id), types=DEVICE_TYPES)
