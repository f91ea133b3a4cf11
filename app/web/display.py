"""The command-centre wall (big-screen mode, 1920×1080, dark): no login, a display token in the URL."""
from __future__ import annotations

from flask import render_template, request

from app.services.insight.display import display_page
from app.web import bp


@bp.get("/display")
def display():
    token = request.args.get("token")
    return render_template("insight/display.html", **display_page(token), token=token)
