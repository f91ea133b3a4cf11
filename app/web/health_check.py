"""工地体检: the monthly ranking per district, a project's score history with its deductions,
and the scoring standards (officials of the stations add a version applying from a month)."""
from __future__ import annotations

from flask import redirect, render_template, request, url_for

from app.errors import DomainError, ValidationError
from app.formdefs.messages import Said
from app.infra.months import MONTH, previous_month
from app.services.health_check import reads, standards
from app.services.health_check.measures import MEASURES
from app.services.health_check.scoring import PASS_MARK
from app.web import bp
from app.web.common import flash_said, page, web_actor


def _month() -> str:
    month = request.args.get("month") or previous_month()
    return month if MONTH.match(month) else previous_month()


def _render(month: str, errors=None, values=None, status: int = 200):
    actor = web_actor()
    return render_template("health_check/index.html", month=month, districts=reads.ranking(actor, month),
                           standards=standards.list_standards(actor), pass_mark=PASS_MARK,
                           can_maintain=standards.may_maintain(actor), measures=MEASURES,
                           errors=errors or {}, values=values or {}), status


@bp.get("/health-check")
@page
def health_check():
    return _render(_month())


@bp.post("/health-check/standards")
@page
def create_health_standard():
    form = request.form
    rows = [{"code": code, "name": form.get(f"name_{code}", ""), "points": _number(form.get(f"points_{code}")),
             "cap": _number(form.get(f"cap_{code}"))}
            for code in MEASURES if form.get(f"use_{code}")]
    data = {"effective_month": form.get("effective_month", ""), "name": form.get("name", ""), "indicators": rows}
    try:
        created = standards.create_version(web_actor(), data)
    except ValidationError as exc:
        return _render(_month(), errors={"standard": str(exc)}, values=form, status=422)
    except DomainError as exc:
        if exc.code != "health_standard_month_taken":
            raise
        return _render(_month(), errors={"standard": str(exc)}, values=form, status=409)
    flash_said(Said(f"体检标准第 {created['version']} 版已保存，自 {created['effective_month']} 起适用。",
                    f"Version {created['version']} of the health-check standard is saved; it applies from "
                    f"{created['effective_month']}."), "ok")
    return redirect(url_for("web.health_check"))


def _number(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


@bp.get("/health-check/projects/<code>")
@page
def project_health_check(code: str):
    history = reads.with_sources(reads.project_history(web_actor(), code))
    return render_template("health_check/project.html", history=history, pass_mark=PASS_MARK)
