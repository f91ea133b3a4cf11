"""数据交换账号: the exchange accounts of upper platforms (administrators only): create one
(its token shown once), revoke one, see each one's scope and last use."""
from __future__ import annotations

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext

from app.errors import DomainError
from app.services.exchange import accounts
from app.web import bp
from app.web.common import page, web_actor


def _page(status: int = 200, created=None, token: str | None = None, error: str | None = None):
    response = make_response(render_template(
        "admin/exchange_accounts.html", accounts=accounts.list_accounts(web_actor()), created=created,
        token=token, error=error, values=request.form), status)
    response.headers["Cache-Control"] = "no-store"  # the page may carry a token shown once
    return response


@bp.get("/admin/exchange")
@page
def admin_exchange_accounts():
    return _page()


@bp.post("/admin/exchange")
@page
def admin_create_exchange_account():
    accounts.require_admin(web_actor())  # refused before any input is looked at
    try:
        row, token = accounts.create_account(web_actor(), request.form.get("name", ""),
                                             request.form.get("unit_code", ""))
    except DomainError as exc:
        return _page(422, error=exc.message)
    return _page(201, created=row, token=token)


@bp.post("/admin/exchange/<int:account_id>/revoke")
@page
def admin_revoke_exchange_account(account_id: int):
    accounts.require_admin(web_actor())
    try:
        accounts.revoke_account(web_actor(), account_id)
    except DomainError as exc:
        flash(gettext(exc.message), "error")
    else:
        flash(gettext("交换账号已撤销。"), "ok")
    return redirect(url_for("web.admin_exchange_accounts"))
