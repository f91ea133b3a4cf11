"""The public verification page of printed notices: /verify/<code> (no login).

Anyone holding a paper notice can check it is genuine: the page shows the number, type,
issuing body, issue date and the sha256 of the stored PDF — nothing the paper does not show.
"""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from app.errors import NotFoundError
from app.rendering.environment import cn_date
from app.services.notices import reading
from app.services.notices.numbers import normalize_code
from app.web import bp


@bp.get("/verify")
def verify_form():
    code = normalize_code(request.args.get("code", ""))
    if code:
        return redirect(url_for("web.verify", code=code))
    return render_template("verify/form.html")


@bp.get("/verify/<code>")
def verify(code: str):
    try:
        facts = reading.verification(code)
    except NotFoundError:
        return render_template("verify/unknown.html", code=code[:40]), 404
    return render_template("verify/show.html", doc=facts, issue_date=cn_date(facts["issue_date"]))
