"""Administration (read views on the directory services): users, org units, enterprises, projects,
devices, hazardous-work categories, the expert library, and the audit log (auditor, read-only)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, render_template, request

from app.errors import PermissionDeniedError
from app.services.access import admin_lists, audit_reading, directory, projects
from app.services.access.actors import Actor
from app.services.monitoring import registry
from app.web import bp
from app.web.common import page, paging_args, web_actor

SIZE = 50
# section → (title, columns as (label, dotted attribute), list function(actor, limit, offset)): a
# paged one answers a Page, a short fixed list a plain list
SECTIONS: dict[str, tuple[str, list[tuple[str, str]], Callable[[Actor, int, int], Any]]] = {
    "users": ("用户与角色", [("用户名", "username"), ("姓名", "display_name"), ("单位", "org_unit.name"),
                        ("企业", "enterprise.name"), ("角色", "grants"), ("启用", "is_active")],
              lambda a, n, o: admin_lists.list_users(a, q=request.args.get("q") or None, limit=n, offset=o)),
    "org-units": ("监管单位", [("编码", "code"), ("名称", "name"), ("层级", "level"), ("路径", "path")],
                  lambda a, n, o: directory.list_org_units(a)),
    "enterprises": ("企业", [("名称", "name"), ("统一社会信用代码", "credit_code"), ("类型", "type"),
                           ("法定代表人", "legal_person")],
                    lambda a, n, o: directory.list_enterprises(a, limit=n, offset=o)),
    "projects": ("工程项目", [("编号", "code"), ("名称", "name"), ("区县", "district.name"), ("状态", "status")],
                 lambda a, n, o: projects.list_projects(a, limit=n, offset=o)),
    "devices": ("设备", [("编号", "code"), ("名称", "name"), ("类型", "device_type"), ("项目", "project.code")],
                lambda a, n, o: registry.list_devices(a, limit=n, offset=o)),
    "categories": ("危大工程类别", [("编码", "code"), ("名称", "name_zh"), ("危大条件", "hazardous_rule"),
                               ("超规模条件", "super_scale_rule"), ("启用", "active")],
                   lambda a, n, o: admin_lists.list_categories(a)),
    "experts": ("专家库", [("姓名", "name"), ("身份证号", "id_number_masked"), ("专业", "specialties"),
                        ("职称", "title"), ("单位", "employer_name")],
                lambda a, n, o: admin_lists.list_experts(a)),
    "audit": ("审计日志", [("时间", "at"), ("用户", "username"), ("操作", "action"), ("对象", "entity_type"),
                        ("编号", "entity_id"), ("IP", "ip"), ("成功", "success")],
              lambda a, n, o: audit_reading.list_entries(a, action=request.args.get("action") or None,
                                                  username=request.args.get("username") or None,
                                                  limit=n, offset=o)),
}


def _sections(actor: Actor) -> tuple[frozenset[str], dict[str, Any]]:
    """The lists and the tabs this actor may use; none at all: 403."""
    readable = admin_lists.readable_lists(actor)
    if not readable:
        raise PermissionDeniedError(code="role_required")
    return readable, {key: s for key, s in SECTIONS.items() if key in readable}


@bp.get("/admin")
@page
def admin():
    readable, sections = _sections(web_actor())
    return render_template("admin/index.html", sections=sections, readable=readable)


@bp.get("/admin/<section>")
@page
def admin_section(section: str):
    if section not in SECTIONS:
        abort(404)
    actor = web_actor()
    _readable, sections = _sections(actor)
    if section not in sections:
        raise PermissionDeniedError(code="role_required")
    title, columns, fetch = SECTIONS[section]
    paging = paging_args(size=SIZE, exported=True)
    result = fetch(actor, paging.size, paging.offset)
    rows, total = (result, len(result)) if isinstance(result, list) else (result.items, result.total)
    return render_template("admin/table.html", section=section, title=title, columns=columns, rows=rows,
                           sections=sections, paging=paging.counted(max(total, 0)))


@bp.app_template_filter("cell")
def _cell(row: Any, path: str) -> str:
    """A table cell: dotted attribute, with dates, flags, lists and role grants made readable."""
    from datetime import datetime

    from app.web.common import local_time
    from app.web.words import words

    value = row
    for part in path.split("."):
        value = getattr(value, part, None) if value is not None else None
    if isinstance(value, datetime):
        return local_time(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if path == "grants":
        return "、".join(words(g.role_code, "role") for g in value or [])
    if isinstance(value, list | tuple):
        return "、".join(map(str, value))
    return "" if value is None else str(value)
