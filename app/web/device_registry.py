"""Device registry pages: edit a device, reset its token, its thresholds and special operators.

Thin: every rule (who may edit, what is valid) is in app.services.monitoring.registry and
device_thresholds; a 403/404 from them is the error page, a validation error goes to its field.
"""
from __future__ import annotations

from typing import Any

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext

from app.errors import DomainError
from app.models import OPERATOR_TRADES
from app.services.hazard import works as hazardous_works
from app.services.monitoring import registry, thresholds
from app.services.monitoring.alarm_cases import alarm_label
from app.services.monitoring.site_pages import device_thresholds_view
from app.web import bp
from app.web.admin_fields import Errors, Field, domain_errors, filled, options, render_form
from app.web.common import page, web_actor
from app.web.i18n import translate

OPERATOR_FIELDS = [Field("name", "姓名", True, maxlength=50),
                   Field("trade", "工种", True, "select", options(OPERATOR_TRADES.items())),
                   Field("certificate_no", "操作资格证书编号", True, maxlength=64),
                   Field("certificate_valid_until", "证书有效期至", True, "date"),
                   Field("phone", "联系电话", False, "tel", maxlength=20)]


def _back(device_id: int, anchor: str = "") -> str:
    return url_for("web.device", device_id=device_id) + (f"#{anchor}" if anchor else "")


@bp.route("/devices/<int:device_id>/edit", methods=["GET", "POST"])
@page
def device_edit(device_id: int):
    device = registry.editable_device(web_actor(), device_id)
    works = hazardous_works.list_works(web_actor(), device.project.code, limit=None).items
    fields = [Field("name", "设备名称", True, maxlength=100),
              Field("hazardous_work_id", "所属危大工程", False, "select", options((w.id, w.name) for w in works)),
              Field("active", "状态", True, "select", (("1", "在用"), ("0", "停用")))]
    values: Any = request.form if request.method == "POST" else {
        "name": device.name, "hazardous_work_id": device.hazardous_work_id or "", "active": "1" if device.active else "0"}
    errors: Errors = {}
    if request.method == "POST":
        raw = filled(request.form, ("name", "hazardous_work_id", "active"))
        data = {"name": raw.get("name", ""), "active": raw.get("active") != "0",
                "hazardous_work_id": int(raw["hazardous_work_id"]) if raw.get("hazardous_work_id", "").isdigit() else None}
        try:
            registry.update_device(web_actor(), device_id, data)
        except DomainError as exc:
            errors, status = domain_errors(exc)
            return render_form(gettext("编辑设备 %(code)s", code=device.code), fields, values, errors, action=request.path,
                               back=_back(device_id), form_id="device-edit", status=status,
                               note="设备编号和类型登记后不能修改。")
        flash("设备信息已保存。", "ok")
        return redirect(_back(device_id))
    return render_form(gettext("编辑设备 %(code)s", code=device.code), fields, values, errors, action=request.path,
                       back=_back(device_id), form_id="device-edit", note="设备编号和类型登记后不能修改。")


@bp.post("/devices/<int:device_id>/token")
@page
def device_token_reset(device_id: int):
    device = registry.get_device(web_actor(), device_id)
    token = registry.reset_device_token(web_actor(), device_id)
    response = make_response(render_template("admin/device_token.html", project_code=device.project.code,
                                             device_id=device.id, device=device, token=token, reset=True))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/devices/<int:device_id>/thresholds", methods=["GET", "POST"])
@page
def device_thresholds_edit(device_id: int):
    device = registry.editable_device(web_actor(), device_id)
    view = device_thresholds_view(device)
    fields: list[Field] = []
    values: dict[str, Any] = {}
    for metric, limit in view.items():
        unit = limit.get("unit") or ""
        label = translate(alarm_label(metric))
        fields.append(Field(f"h-{metric}", f"{label}（{unit}）" if unit else label, kind="heading",
                            hint=gettext("当前生效：预警 %(warning)s / 报警 %(alarm)s", warning=limit.get("warning"),
                                         alarm=limit.get("alarm"))))
        for level, label in (("warning", "预警值"), ("alarm", "报警值")):
            fields.append(Field(f"{metric}.{level}", label, kind="number", hint="留空则沿用项目或默认阈值"))
            own = (device.threshold_overrides or {}).get(metric, {}).get(level)
            values[f"{metric}.{level}"] = "" if own is None else own
    errors: Errors = {}
    status = 200
    if request.method == "POST":
        values = dict(request.form)
        overrides, errors = _overrides_from(request.form, view)
        if not errors:
            try:
                thresholds.set_device_thresholds(web_actor(), device_id, overrides, replace=True)
            except DomainError as exc:
                errors, status = domain_errors(exc)
            else:
                flash("阈值已保存。", "ok")
                return redirect(_back(device_id, "thresholds"))
        status = status if status != 200 else 422
    return render_form(gettext("设置阈值 %(code)s", code=device.code), fields, values, errors, action=request.path,
                       back=_back(device_id, "thresholds"), form_id="device-thresholds", status=status,
                       note="本设备的阈值优先于项目阈值和系统默认阈值；报警值须比预警值更严。")


def _overrides_from(form, view: dict[str, Any]) -> tuple[dict[str, dict[str, float]], Errors]:
    overrides: dict[str, dict[str, float]] = {}
    errors: Errors = {}
    for metric in view:
        for level in ("warning", "alarm"):
            text = (form.get(f"{metric}.{level}") or "").strip()
            if not text:
                continue
            try:
                overrides.setdefault(metric, {})[level] = float(text)
            except ValueError:
                errors[f"{metric}.{level}"] = ["请填写数字。"]
    return overrides, errors


@bp.route("/devices/<int:device_id>/operators/new", methods=["GET", "POST"])
@page
def device_operator_new(device_id: int):
    device = registry.editable_device(web_actor(), device_id)
    return _operator_form(device, None, gettext("新增特种作业人员（%(device)s）", device=device.name))


@bp.route("/devices/<int:device_id>/operators/<int:operator_id>/edit", methods=["GET", "POST"])
@page
def device_operator_edit(device_id: int, operator_id: int):
    device = registry.editable_device(web_actor(), device_id)
    operator = registry.get_operator(web_actor(), device_id, operator_id)
    return _operator_form(device, operator, gettext("修改特种作业人员（%(device)s）", device=device.name))


def _operator_form(device, operator, title: str):
    names = [f.name for f in OPERATOR_FIELDS]
    values: Any = request.form if request.method == "POST" else (
        {n: getattr(operator, n) or "" for n in names} if operator else {})
    errors: Errors = {}
    status = 200
    if request.method == "POST":
        data: dict[str, Any] = {n: (request.form.get(n) or "").strip() for n in names}
        data["phone"] = data["phone"] or None  # optional; emptied on purpose when editing
        try:
            if operator is None:
                registry.add_operator(web_actor(), device.id, data)
            else:
                registry.update_operator(web_actor(), device.id, operator.id, data)
        except DomainError as exc:
            errors, status = domain_errors(exc)
        else:
            flash("特种作业人员已保存。", "ok")
            return redirect(_back(device.id, "operators"))
    return render_form(title, OPERATOR_FIELDS, values, errors, action=request.path,
                       back=_back(device.id, "operators"), form_id="device-operator", status=status)


@bp.post("/devices/<int:device_id>/operators/<int:operator_id>/delete")
@page
def device_operator_delete(device_id: int, operator_id: int):
    registry.remove_operator(web_actor(), device_id, operator_id)
    flash("特种作业人员已删除。", "ok")
    return redirect(_back(device_id, "operators"))
