"""Role codes of roles.md. BPMN lane names map to these codes."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    side: str  # "authority" (held on an org unit), "enterprise" (held per project), "individual"


ROLES: dict[str, Role] = {r.code: r for r in (
    Role("sys_admin", "系统管理员", "authority"),
    Role("city_official", "市级监管人员", "authority"),
    Role("district_safety_officer", "安监站监督员", "authority"),
    Role("district_quality_officer", "质监站监督员", "authority"),
    Role("district_leader", "签发领导", "authority"),
    Role("urging_clerk", "考核督办员", "authority"),
    Role("process_designer", "流程设计员", "authority"),
    Role("auditor", "安全审计员", "authority"),
    Role("owner_rep", "建设单位项目负责人", "enterprise"),
    Role("contractor_pm", "施工单位项目经理", "enterprise"),
    Role("contractor_tech_lead", "施工单位技术负责人", "enterprise"),
    Role("contractor_safety_officer", "专职安全员", "enterprise"),
    Role("chief_supervisor", "总监理工程师", "enterprise"),
    Role("supervisor", "监理工程师", "enterprise"),
    Role("expert", "专家", "individual"),
)}

AUTHORITY_ROLES = frozenset(c for c, r in ROLES.items() if r.side == "authority")
ENTERPRISE_ROLES = frozenset(c for c, r in ROLES.items() if r.side == "enterprise")
