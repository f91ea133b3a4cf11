"""The statistics page (统计报表): a filter, and charts with their tables drawn from /api/v1/stats."""
from __future__ import annotations

from datetime import date

from flask import render_template, request

from app.services.insight.page import statistics_page
from app.web import bp
from app.web.common import page, web_actor


def _day(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name) or "")
    except ValueError:
        return None


@bp.get("/stats")
@page
def statistics():
    options = statistics_page(web_actor(), _day("start"), _day("end"), request.args.get("alarm_type"),
                              request.args.get("grain"))
    return render_template("stats/index.html", **options, order_type=request.args.get("order_type") or "")
