"""检测监管: the agency registry (the quality stations keep it), a project's witness samples with
their change trail and QR label sheet, the reports with their modifications, the warnings, the
quality console (figures per agency and district) and its export."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from app.errors import ValidationError
from app.formdefs.messages import Said
from app.http_downloads import xlsx_file
from app.services.quality import console, labels, registries, reports, samples, warnings
from app.web import bp
from app.web.common import flash_field_errors, flash_said, page, paging_args, web_actor


def _form() -> dict[str, str]:
    return {k: v for k, v in request.form.items() if k != "csrf_token" and v != ""}


FIELD_LABELS = {**samples.FIELD_LABELS, "name": "名称", "credit_code": "统一社会信用代码", "certificate_no": "证书编号",
                "scope": "检测范围", "valid_until": "有效期至", "qualification": "资格", "serial_no": "出厂编号",
                "calibrated_until": "检定有效期至", "sample_codes": "样品", "_body": "提交内容"}


def _invalid(exc: ValidationError) -> None:
    flash_field_errors(exc, FIELD_LABELS)


@bp.get("/quality")
@page
def quality():
    actor = web_actor()
    can_keep = bool(actor.is_admin or actor.roles & set(registries.KEEPERS))
    can_enter = bool(actor.is_admin or actor.roles & set(reports.ENTERERS))
    # three paged lists, each its own page number; an export holds each whole (or refuses)
    warning_page = paging_args(exported=True, param="warnings_page").counted(warnings.count_warnings(actor))
    report_page = paging_args(exported=True, param="reports_page").counted(reports.count_reports(actor))
    rejection_page = paging_args(exported=True, param="rejections_page").counted(
        reports.count_rejections(actor) if can_keep else 0)
    return render_template(
        "quality/index.html", agencies=registries.list_agencies(actor), can_keep=can_keep, can_enter=can_enter,
        warnings=warnings.list_warnings(actor, limit=warning_page.size, offset=warning_page.offset),
        reports=reports.list_reports(actor, limit=report_page.size, offset=report_page.offset),
        rejections=reports.list_rejections(actor, limit=rejection_page.size, offset=rejection_page.offset)
        if can_keep else [], warning_page=warning_page, report_page=report_page, rejection_page=rejection_page)


@bp.get("/quality/console")
@page
def quality_console():
    return render_template("quality/console.html", figures=console.console(web_actor()))


@bp.get("/quality/console/export")
@page
def export_quality_console():
    return xlsx_file(console.console_workbook(web_actor()), "quality-console.xlsx")


@bp.post("/quality/reports")
@page
def enter_report():
    """A report entered by a quality officer (one test item on the page)."""
    form = request.form
    codes = [c.strip() for c in form.get("sample_codes", "").replace("，", ",").split(",") if c.strip()]
    item = {k: form.get(f"item_{k}", "").strip() for k in ("name", "value", "standard", "result")}
    data = {"report_no": form.get("report_no", ""), "project_code": form.get("project_code", ""),
            "issued_at": _moment(form.get("issued_at")), "received_at": _moment(form.get("received_at")),
            "conclusion": form.get("conclusion", ""), "sample_codes": codes,
            "items": [item] if item["name"] else []}
    outcome = reports.enter_report(web_actor(), _int(form.get("agency_id")), data)
    if outcome.status == "rejected":
        flash_said(Said(f"检测报告未被接受：{outcome.detail}（已记录）",
                        f"The test report was not accepted: {outcome.detail} (recorded)."), "error")
    else:
        flash_said(Said(f"检测报告 {outcome.report_no} 已录入。", f"Test report {outcome.report_no} entered."), "ok")
    return redirect(url_for("web.quality"))


def _moment(value: str | None) -> str | None:
    """A datetime-local field is China time."""
    return f"{value}:00+08:00" if value and len(value) == 16 else (value or None)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@bp.post("/quality/agencies")
@page
def create_agency():
    try:
        created = registries.create_agency(web_actor(), _form())
    except ValidationError as exc:
        _invalid(exc)
        return redirect(url_for("web.quality"))
    flash_said(Said(f"检测机构已登记。报告上传令牌（只显示这一次）：{created.token}",
                    f"Testing agency registered. Its report upload token (shown this once): {created.token}"), "ok")
    return redirect(url_for("web.agency", agency_id=created.id))


@bp.get("/quality/agencies/<int:agency_id>")
@page
def agency(agency_id: int):
    actor = web_actor()
    return render_template("quality/agency.html", agency=registries.get_agency(actor, agency_id),
                           can_keep=bool(actor.is_admin or actor.roles & set(registries.KEEPERS)))


@bp.post("/quality/agencies/<int:agency_id>/<kind>")
@page
def add_agency_unit(agency_id: int, kind: str):
    add = {"people": registries.add_person, "equipment": registries.add_equipment}.get(kind)
    if add is None:
        return redirect(url_for("web.agency", agency_id=agency_id))
    try:
        add(web_actor(), agency_id, _form())
        flash("已保存。", "ok")
    except ValidationError as exc:
        _invalid(exc)
    return redirect(url_for("web.agency", agency_id=agency_id))


@bp.get("/projects/<code>/samples")
@page
def project_samples(code: str):
    actor = web_actor()
    rows = samples.list_samples(actor, code)
    return render_template("quality/samples.html", code=code, samples=rows,
                           can_sample=samples.may_sample(actor, code))


@bp.post("/projects/<code>/samples")
@page
def record_sample(code: str):
    try:
        sample_code = samples.record_sample(web_actor(), code, _form())
    except ValidationError as exc:
        _invalid(exc)
        return redirect(url_for("web.project_samples", code=code))
    flash_said(Said(f"样品 {sample_code} 已登记。", f"Sample {sample_code} registered."), "ok")
    return redirect(url_for("web.sample", sample_code=sample_code))


@bp.post("/projects/<code>/sample-labels")
@page
def print_sample_labels(code: str):
    codes = request.form.getlist("sample_codes")
    try:
        issued = labels.issue_label_sheet(web_actor(), code, {"sample_codes": codes} if codes else {})
    except ValidationError as exc:
        _invalid(exc)
        return redirect(url_for("web.project_samples", code=code))
    flash_said(Said(f"样品标识 {issued['number']} 已生成，见项目文书。",
                    f"Sample labels {issued['number']} issued: see the project's notices."), "ok")
    return redirect(url_for("web.project", code=code))


@bp.get("/samples/<sample_code>")
@page
def sample(sample_code: str):
    actor = web_actor()
    row = samples.get_sample(actor, sample_code)
    return render_template("quality/sample.html", sample=row, labels=samples.FIELD_LABELS,
                           can_sample=samples.may_sample(actor, row["project_code"]))


@bp.post("/samples/<sample_code>")
@page
def update_sample(sample_code: str):
    try:
        changed = samples.update_sample(web_actor(), sample_code, _form())
        flash_said(Said(f"已修改 {changed} 项，原值与新值已记入修改记录。",
                        f"{changed} items changed; the old and new values are in the change record."), "ok")
    except ValidationError as exc:
        _invalid(exc)
    return redirect(url_for("web.sample", sample_code=sample_code))
