"""Login, logout and the role-fitting home page."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.errors import DomainError
from app.roles import ROLES
from app.services import auth, projects
from app.web import bp


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
        return render_template("login.html", error=exc.message, username=username), exc.status
    login_user(auth.load_user(str(actor.user_id)))
    return redirect(_next_url())


@bp.post("/logout")
def logout():
    logout_user()
    return redirect(url_for("web.login"))


@bp.get("/")
@login_required
def home():
    actor = auth.actor_for_user_id(current_user.id, request.remote_addr)
    page = projects.list_projects(actor, limit=20)
    roles = [ROLES[r].label for r in sorted(actor.roles) if r in ROLES]
    return render_template("home.html", actor=actor, roles=roles, projects=page.items, total=page.total)
