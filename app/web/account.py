"""The user's own account (change password), and the admin's page of one account.

Thin: the rules are in app.services.access.account_care. A user whose password was chosen by somebody else
is sent to the change form before any other page.
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from app.errors import DomainError
from app.services.access import account_care, login
from app.web import bp
from app.web.admin_fields import Errors, Field, domain_errors, render_form
from app.web.common import flash_said, page, web_actor

PASSWORD_FIELDS = [Field("current_password", "当前密码", True, "password"),
                   Field("new_password", "新密码", True, "password", hint=account_care.POLICY),
                   Field("confirm_password", "确认新密码", True, "password")]
OPEN_WHILE_CHANGE_REQUIRED = {"web.account_password", "web.logout", "web.login", "web.static"}


@bp.before_request
def _insist_on_own_password():
    if (current_user.is_authenticated and getattr(current_user, "password_change_required", False)
            and request.endpoint not in OPEN_WHILE_CHANGE_REQUIRED):
        flash("您的密码由他人设置，请先修改为只有您知道的密码。", "warn")
        return redirect(url_for("web.account_password"))
    return None


@bp.route("/account/password", methods=["GET", "POST"])
@page
def account_password():
    errors: Errors = {}
    status = 200
    if request.method == "POST":
        new = request.form.get("new_password", "")
        if new != request.form.get("confirm_password", ""):
            errors, status = {"confirm_password": ["两次输入的新密码不一致。"]}, 422
        else:
            try:
                account_care.change_own_password(web_actor(), request.form.get("current_password", ""), new)
            except DomainError as exc:
                errors, status = domain_errors(exc)
            else:
                # Every session of the account ended with the change; this one continues under it.
                login_user(login.session_user(current_user.id))
                flash("密码已修改。", "ok")
                return redirect(url_for("web.home"))
    return render_form("修改密码", PASSWORD_FIELDS, {}, errors, action=url_for("web.account_password"),
                       back=url_for("web.home"), form_id="account-password", status=status)


@bp.get("/admin/users/<int:user_id>")
@page
def admin_user(user_id: int):
    return render_template("admin/user.html", v=account_care.account(web_actor(), user_id))


@bp.post("/admin/users/<int:user_id>/<action>")
@page
def admin_user_action(user_id: int, action: str):
    actor = web_actor()
    back = redirect(url_for("web.admin_user", user_id=user_id))
    if action == "password-reset":
        password = account_care.reset_password(actor, user_id)
        response = make_response(render_template("admin/user_password.html", v=account_care.account(actor, user_id),
                                                 password=password))
        response.headers["Cache-Control"] = "no-store"
        return response
    done: dict[str, Any] = {
        "deactivate": lambda: account_care.set_active(actor, user_id, False),
        "activate": lambda: account_care.set_active(actor, user_id, True),
        "unlock": lambda: account_care.unlock(actor, user_id),
    }
    if action.startswith("revoke-") and action[7:].isdigit():
        account_care.revoke_role(actor, user_id, int(action[7:]))
        flash("角色已撤销。", "ok")
        return back
    if action not in done:
        abort(404)
    try:
        done[action]()
    except DomainError as exc:
        flash_said(exc.message, "error")
        return back
    flash_said({"deactivate": "账号已停用。", "activate": "账号已启用。", "unlock": "账号已解锁。"}[action], "ok")
    return back
