"""Emergency plans (应急预案) on the hazardous-work page: the project's contractor PM uploads one
(category, pre-review date, filing number, remarks, the plan file); refusals come back at the fields."""
from __future__ import annotations

from flask import flash, redirect, request, url_for

from app.errors import DomainError
from app.http_status import status_of
from app.schemas.emergency_plans import EmergencyPlanInputSchema
from app.services.hazard import emergency_plans
from app.web import bp
from app.web.admin_fields import filled, load
from app.web.common import page, web_actor
from app.web.hazard import render_work

PLAN_TEXT = ("category", "pre_review_date", "filing_number", "remarks")


@bp.post("/works/<int:work_id>/plans")
@page
def add_emergency_plan(work_id: int):
    data, errors = load(EmergencyPlanInputSchema, filled(request.form, PLAN_TEXT))
    upload = request.files.get("file")
    if upload is not None and not upload.filename:
        upload = None  # the browser posts an empty part when no file was chosen
    if errors:
        if upload is None:
            errors["file"] = ["必须上传文件。"]
        return render_work(work_id, plan_values=request.form, plan_errors=errors, status=422)
    try:
        emergency_plans.add_plan(web_actor(), work_id, data, upload)
    except DomainError as exc:
        if status_of(exc) in (403, 404):
            raise
        fields = {k: [str(m) for m in v] for k, v in (exc.fields or {}).items()}
        return render_work(work_id, plan_values=request.form, plan_errors={"_form": [exc.message], **fields},
                           status=status_of(exc))
    flash("应急预案已上传。", "ok")
    return redirect(url_for("web.work", work_id=work_id) + "#plans")
