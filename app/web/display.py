"""The command-centre wall (big-screen mode, 1920×1080, dark): no login, a display token.

`/display?token=…` checks the token once, keeps it in an HttpOnly, SameSite=Strict cookie and
redirects to `/display`, so the token is not left in the address bar, the history or a Referer,
and the page never holds it (its script reads the figures with the cookie)."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from app.services.insight.display import COOKIE, COOKIE_MAX_AGE, display_page
from app.web import bp


@bp.get("/display")
def display():
    if "token" in request.args:
        token = request.args["token"]
        display_page(token)  # AuthenticationError(`display_token_invalid`) → 401, no cookie
        answer = redirect(url_for("web.display"), code=303)
        answer.set_cookie(COOKIE, token, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Strict",
                          secure=request.is_secure, path="/")
        return answer
    return render_template("insight/display.html", **display_page(request.cookies.get(COOKIE)))
