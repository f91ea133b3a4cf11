"""Login, logout and the home page: officials land on their inbox, enterprise users on the workbench,
those whose roles work no task (designers, administrators, auditors) on their own tool."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import login_user, logout_user

from app.errors import DomainError
from app.http_status import status_of
from app.services.access import login as auth
from app.web import bp
from app.web.common import is_official, page, web_actor


def _next_url() -> str:
    target = request.args.get("next") or ""
    # Only local paths: an open redirect would let a phishing link borrow our login page.
    return target if target.startswith("/") and not target.startswith("//") else url_for("web.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "GET":
        return render_template("login.html")
    username = request.form.get("username", "").strip()
    try:
        actor = auth.authenticate(username, request.form.get("password", ""), request.remote_addr)
    except DomainError as exc:
        return render_template("login.html", error=exc.message, username=username), status_of(exc)
    login_user(auth.session_user(actor.user_id))
    return redirect(_next_url())


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("web.login"))


# Roles that no process lane names, each with its user's own page (first held wins).
TOOL_PAGES = (("process_designer", "web.designer", {}), ("sys_admin", "web.admin", {}),
              ("auditor", "web.admin_section", {"section": "audit"}))


@bp.get("/")
@page
def home():
    actor = web_actor()
    tools = [url_for(endpoint, **args) for role, endpoint, args in TOOL_PAGES if actor.has_role(role)]
    if tools and actor.roles <= {role for role, _, _ in TOOL_PAGES}:
        return redirect(tools[0])
    if is_official(actor) or actor.roles <= {"expert"}:
        return redirect(url_for("web.inbox"))
    return redirect(url_for("web.workbench"))
