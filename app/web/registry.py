"""Officials' registers: the legal-clause library (法律条款库), clue tracking (线索跟踪) and the
urging statistics per lead unit (督办统计)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.errors import DomainError
from app.http_status import status_of
from app.services.supervision import clauses, clue_tracking, urging_stats
from app.web import bp
from app.web.common import page, web_actor

CLUE_STATUSES = ("待核查", "整改中", "整改完成", "已办结", "已撤销")


def _clause_page(values: dict, errors: dict, status: int = 200):
    actor = web_actor()
    rows = clauses.list_clauses(actor, query=(request.args.get("q") or "").strip() or None)
    return render_template("registry/clauses.html", rows=rows, values=values, errors=errors,
                           can_edit=bool(actor.roles & clauses.MAINTAINERS)), status


@bp.get("/clauses")
@page
def clause_library():
    return _clause_page({}, {})


@bp.post("/clauses")
@page
def create_clause():
    form = request.form
    try:
        clauses.create_clause(web_actor(), form.get("code", "").strip(), form.get("title", ""), form.get("text", ""))
    except DomainError as exc:
        if status_of(exc) in (403, 404):
            raise
        return _clause_page(form, exc.fields or {"_form": [exc.message]}, status_of(exc))
    flash("条款已添加。", "ok")
    return redirect(url_for("web.clause_library"))


@bp.get("/clues")
@page
def clues():
    status = request.args.get("status") or None
    rows = clue_tracking.list_clues(web_actor(), status=status)
    return render_template("registry/clues.html", rows=rows, status=status, statuses=CLUE_STATUSES)


@bp.get("/urging/stats")
@page
def urging_statistics():
    return render_template("registry/urging_stats.html", rows=urging_stats.unit_statistics(web_actor()))
