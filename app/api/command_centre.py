"""The command centre (工地大脑): every figure of the dashboard of the caller's scope, city or district,
and of a display token's jurisdiction for the wall (big-screen mode)."""
from __future__ import annotations

from flask import request

from app.api import bp
from app.api.auth import api_actor
from app.api.envelope import ok
from app.api.openapi import doc
from app.schemas.command_centre import CommandCentreQuerySchema, CommandCentreSchema, DisplayFiguresSchema
from app.services.insight.command_centre import command_centre
from app.services.insight.display import COOKIE as DISPLAY_COOKIE
from app.services.insight.display import display_figures


@bp.get("/command-centre")
@doc(query=CommandCentreQuerySchema, response=CommandCentreSchema)
def command_centre_figures():
    """Projects, monitoring, enforcement, hazardous works, dust and noise rankings and the district grid."""
    args = CommandCentreQuerySchema().load(request.args)
    return ok(CommandCentreSchema().dump(command_centre(api_actor(), args.get("district"))))


@bp.get("/display/command-centre")
@doc(response=DisplayFiguresSchema, public=True)
def display_figures_route():
    """The command-centre wall: the figures of a display token's jurisdiction (`Authorization:
    Display <token>`, or the wall's cookie set by `/display?token=`)."""
    header = request.headers.get("Authorization", "")
    token = header[8:].strip() if header.startswith("Display ") else request.cookies.get(DISPLAY_COOKIE)
    return ok(DisplayFiguresSchema().dump(display_figures(token)))
