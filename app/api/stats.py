"""Statistics (统计报表): alarm and supervision figures of the caller's scope, and their xlsx export."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.http_downloads import XLSX, xlsx_file
from app.schemas.stats import AlarmStatsSchema, StatsQuerySchema, SupervisionStatsSchema, dump_alarm_stats
from app.services.insight import export
from app.services.insight.alarm_stats import alarm_statistics
from app.services.insight.filters import make_filter
from app.services.insight.supervision_stats import supervision_statistics


def _filter():
    args = StatsQuerySchema().load(request.args)
    return make_filter(args.get("start"), args.get("end"), args.get("type"), args.get("grain"))


@bp.get("/stats/alarms")
@doc(query=StatsQuerySchema, response=AlarmStatsSchema)
def alarm_stats():
    """Alarm overview, trend, shares and per district / project / device type tables."""
    return ok(dump_alarm_stats(alarm_statistics(api_actor(), _filter())))


@bp.get("/stats/alarms/export")
@doc(query=StatsQuerySchema, file=XLSX)
def alarm_stats_export():
    """Every alarm statistics table as one xlsx workbook."""
    return xlsx_file(export.alarm_workbook(api_actor(), _filter()), "alarm-statistics.xlsx")


@bp.get("/stats/supervision")
@doc(query=StatsQuerySchema, response=SupervisionStatsSchema)
def supervision_stats():
    """Orders by type, hazardous works by category and status, urging per unit."""
    return ok(SupervisionStatsSchema().dump(supervision_statistics(api_actor(), _filter())))


@bp.get("/stats/supervision/export")
@doc(query=StatsQuerySchema, file=XLSX)
def supervision_stats_export():
    """Every supervision statistics table as one xlsx workbook."""
    return xlsx_file(export.supervision_workbook(api_actor(), _filter()), "supervision-statistics.xlsx")
