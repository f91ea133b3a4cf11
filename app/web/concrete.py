"""混凝土监管: the producer registry (the quality stations keep it), the deliveries of the visible
projects and of one project with their weighbridge record, one delivery with its strength tests,
the Excel export."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext

from app.domain.concrete_strength import GRADES
from app.errors import ConflictError, ValidationError
from app.http_downloads import xlsx_file
from app.services.quality import concrete, concrete_export, producers, registries
from app.web import bp
from app.web.common import flash_field_errors, flash_said, page, paging_args, web_actor

FIELD_LABELS = {"name": "名称", "credit_code": "统一社会信用代码", "certificate_no": "资质证书编号",
                "plant_address": "搅拌站地址", "valid_until": "有效期至", "producer_id": "生产企业",
                "grade": "强度等级", "volume_m3": "方量", "location": "浇筑部位", "delivered_at": "进场时间",
                "vehicle_plate": "车牌号", "weighbridge_no": "过磅单号", "gross_kg": "毛重", "tare_kg": "皮重",
                "agency_id": "检测机构", "report_no": "报告编号", "age_days": "龄期", "tested_on": "检测日期",
                "groups": "试件强度"}


def _form() -> dict[str, object]:
    data: dict[str, object] = {k: v for k, v in request.form.items() if k != "csrf_token" and v != ""}
    for name in ("producer_id", "agency_id"):
        if isinstance(data.get(name), str) and data[name].isdigit():
            data[name] = int(data[name])
    if isinstance(data.get("delivered_at"), str) and len(data["delivered_at"]) == 16:
        data["delivered_at"] = f"{data['delivered_at']}:00+08:00"  # datetime-local is China time
    return data


def _refused(exc: ValidationError | ConflictError) -> None:
    if isinstance(exc, ValidationError) and exc.fields:
        flash_field_errors(exc, FIELD_LABELS)
    else:
        flash_said(exc.message, "error")


def _groups(text: str) -> list[list[float | str]]:
    """'31.2 32.0 30.8; 29.5 …' — a group per line or semicolon, values split by spaces or commas."""
    rows = [r for r in text.replace("；", ";").replace("\n", ";").split(";") if r.strip()]
    out = []
    for row in rows:
        values = row.replace("，", " ").replace(",", " ").split()
        out.append([float(v) if v.replace(".", "", 1).isdigit() else v for v in values])
    return out


@bp.get("/concrete")
@page
def concrete_supervision():
    actor = web_actor()
    paging = paging_args(exported=True).counted(concrete.count_deliveries(actor))
    return render_template("concrete/index.html", producers=producers.list_producers(actor), paging=paging,
                           deliveries=concrete.list_deliveries(actor, limit=paging.size, offset=paging.offset),
                           can_keep=bool(actor.is_admin or actor.roles & set(registries.KEEPERS)))


@bp.post("/concrete/producers")
@page
def create_concrete_producer():
    try:
        producers.create_producer(web_actor(), _form())
        flash(gettext("生产企业已登记。"), "ok")
    except (ValidationError, ConflictError) as exc:
        _refused(exc)
    return redirect(url_for("web.concrete_supervision"))


@bp.get("/concrete/export")
@page
def export_concrete():
    project = request.args.get("project") or None
    return xlsx_file(concrete_export.concrete_workbook(web_actor(), project), f"concrete-{project or 'all'}.xlsx")


@bp.get("/projects/<code>/concrete")
@page
def project_concrete(code: str):
    actor = web_actor()
    rows = concrete.list_deliveries(actor, code)
    may_record = concrete.may_record(actor, code)
    return render_template("concrete/project.html", code=code, deliveries=rows, may_record=may_record,
                           producers=producers.list_producers(actor) if may_record else [], grades=GRADES)


@bp.post("/projects/<code>/concrete")
@page
def record_concrete_delivery(code: str):
    try:
        made = concrete.record_delivery(web_actor(), code, _form())
    except (ValidationError, ConflictError) as exc:
        _refused(exc)
        return redirect(url_for("web.project_concrete", code=code))
    flash(gettext("供货记录 %(number)s 已登记。", number=made["number"]), "ok")
    return redirect(url_for("web.concrete_delivery", delivery_id=made["id"]))


@bp.get("/concrete/deliveries/<int:delivery_id>")
@page
def concrete_delivery(delivery_id: int):
    actor = web_actor()
    row = concrete.get_delivery(actor, delivery_id)
    return render_template("concrete/delivery.html", d=row,
                           agencies=registries.list_agencies(actor) if row["may_test"] else [])


@bp.post("/concrete/deliveries/<int:delivery_id>/strength-tests")
@page
def add_concrete_strength_test(delivery_id: int):
    data = _form()
    data["groups"] = _groups(request.form.get("groups", ""))
    try:
        test = concrete.add_strength_test(web_actor(), delivery_id, data)
    except (ValidationError, ConflictError) as exc:
        _refused(exc)
        return redirect(url_for("web.concrete_delivery", delivery_id=delivery_id))
    if test["conclusion"] == "unqualified":
        flash(gettext("强度不合格，已启动检测不合格处理。"), "error")
    else:
        flash(gettext("强度检测已录入，结论合格。"), "ok")
    return redirect(url_for("web.concrete_delivery", delivery_id=delivery_id))
