"""考核督办点: each month's scores of the districts and enterprises (ranking table and chart), and
the points they are scored on (kept here by city officials)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from app.errors import ConflictError, ValidationError
from app.infra.months import MONTH, previous_month
from app.services.assessment import points, reads
from app.services.assessment.measures import CATEGORIES, MEASURES
from app.web import bp
from app.web.common import page, web_actor


@bp.get("/assessment")
@page
def assessment():
    month = request.args.get("month") or ""
    shown = reads.page(web_actor(), month if MONTH.match(month) else previous_month())
    return render_template("assessment/index.html", **shown, categories=CATEGORIES)


def _render_points(errors: dict | None = None, values=None, editing: int | None = None, status: int = 200):
    actor = web_actor()
    return render_template("assessment/points.html", points=points.list_points(actor), measures=MEASURES,
                           categories=CATEGORIES, can_define=points.may_define(actor), errors=errors or {},
                           values=values or {}, editing=editing), status


@bp.get("/assessment/points")
@page
def assessment_points():
    return _render_points()


def _form() -> dict:
    form = request.form
    return {key: form.get(key, "") for key in ("measure", "name", "weight", "target")}


def _saved(action, point_id: int | None = None):
    try:
        action()
    except ValidationError as exc:
        return _render_points(errors=exc.fields or {"form": [str(exc)]}, values=request.form, editing=point_id,
                              status=422)
    except ConflictError:
        return _render_points(errors={"measure": [gettext("该考核指标已有考核点。")]}, values=request.form,
                              editing=point_id, status=409)
    flash(gettext("考核点已保存。"), "ok")
    return redirect(url_for("web.assessment_points"))


@bp.post("/assessment/points")
@page
def create_assessment_point():
    return _saved(lambda: points.create_point(web_actor(), _form()))


@bp.post("/assessment/points/<int:point_id>")
@page
def update_assessment_point(point_id: int):
    return _saved(lambda: points.update_point(web_actor(), point_id, _form()), point_id)


@bp.post("/assessment/points/<int:point_id>/delete")
@page
def delete_assessment_point(point_id: int):
    points.delete_point(web_actor(), point_id)
    flash(gettext("考核点已删除。"), "ok")
    return redirect(url_for("web.assessment_points"))
