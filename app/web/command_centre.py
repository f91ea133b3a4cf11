"""The command centre page (工地大脑 指挥中心): charts and tables drawn from /api/v1/command-centre."""
from __future__ import annotations

from flask import render_template, request

from app.services.insight.command_centre import page_options
from app.web import bp
from app.web.common import page, web_actor


@bp.get("/command-centre")
@page
def command_centre():
    return render_template("insight/command_centre.html",
                           **page_options(web_actor(), request.args.get("district") or None))
