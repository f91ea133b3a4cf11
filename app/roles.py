"""Role codes of roles.md. BPMN lane names map to these codes; their words are the vocabulary's."""
from __future__ import annotations

from dataclasses import dataclass

from app.domain.vocabulary import ROLE


@dataclass(frozen=True)
class Role:
    code: str
    label: str
    side: str  # "authority" (held on an org unit), "enterprise" (held per project), "individual"


ROLES: dict[str, Role] = {r.code: r for r in (
    Role("sys_admin", ROLE["sys_admin"].zh, "authority"),
    Role("city_official", ROLE["city_official"].zh, "authority"),
    Role("district_safety_officer", ROLE["district_safety_officer"].zh, "authority"),
    Role("district_quality_officer", ROLE["district_quality_officer"].zh, "authority"),
    Role("district_leader", ROLE["district_leader"].zh, "authority"),
    Role("urging_clerk", ROLE["urging_clerk"].zh, "authority"),
    Role("process_designer", ROLE["process_designer"].zh, "authority"),
    Role("auditor", ROLE["auditor"].zh, "authority"),
    Role("owner_rep", ROLE["owner_rep"].zh, "enterprise"),
    Role("contractor_pm", ROLE["contractor_pm"].zh, "enterprise"),
    Role("contractor_tech_lead", ROLE["contractor_tech_lead"].zh, "enterprise"),
    Role("contractor_safety_officer", ROLE["contractor_safety_officer"].zh, "enterprise"),
    Role("chief_supervisor", ROLE["chief_supervisor"].zh, "enterprise"),
    Role("supervisor", ROLE["supervisor"].zh, "enterprise"),
    Role("expert", ROLE["expert"].zh, "individual"),
)}

AUTHORITY_ROLES = frozenset(c for c, r in ROLES.items() if r.side == "authority")
ENTERPRISE_ROLES = frozenset(c for c, r in ROLES.items() if r.side == "enterprise")
# Authority roles that act on cases in their jurisdiction (cancel, assign, take back a claim,
# manage notices). The auditor only reads; the process designer shapes chains, not cases.
CASE_MANAGER_ROLES = AUTHORITY_ROLES - {"auditor", "process_designer"}
# Who may see and retry a case's technical failures: the case managers and the designers.
INCIDENT_ROLES = CASE_MANAGER_ROLES | {"process_designer"}
