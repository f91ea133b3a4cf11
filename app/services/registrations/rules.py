"""Rules of the two registration chains that a JSON Schema cannot express.

Each check returns per-field problems ({"participants.0.credit_code": ["…"]}) and never raises:
the submission use case turns them into a 422, the diagrams' check operators into an automatic
return to the submitter (a rule may stop holding between submission and approval).
The `credit-code` format (GB 32100) of the forms is checked by app.formdefs.FORMAT_CHECKER.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from app.domain.credit_code import credit_code_problem
from app.extensions import db
from app.models import ENTERPRISE_TYPES, Enterprise, Project, User

Problems = dict[str, list[str]]

ENTERPRISE_FIELDS = ("enterprise_name", "credit_code", "enterprise_type", "legal_person", "registered_address",
                     "phone", "licence_no", "licence_files", "qualifications", "people")
FIELD_LABELS = {"enterprise_name": "企业名称", "credit_code": "统一社会信用代码", "enterprise_type": "企业类型",
                "legal_person": "法定代表人", "registered_address": "注册所在地", "phone": "单位电话",
                "licence_no": "营业执照编号", "licence_files": "营业执照扫描件", "qualifications": "单位资质",
                "people": "企业人员"}
REQUIRED_PARTIES = ("owner", "contractor", "supervisor")  # seed 000 §3.1.6.2.2 (4)
ACCOUNT_ROLES = {"owner": ("owner_rep",),
                 "contractor": ("contractor_pm", "contractor_tech_lead", "contractor_safety_officer"),
                 "supervisor": ("chief_supervisor", "supervisor")}


def _add(problems: Problems, field: str, message: str) -> None:
    problems.setdefault(field, []).append(message)


def problems_text(problems: Problems) -> str:
    """One line per problem, for the return reason the submitter reads."""
    return "；".join(f"{field}：{message}" for field, messages in problems.items() for message in messages)


def enterprise_by_code(code: str | None) -> Enterprise | None:
    return db.session.scalar(select(Enterprise).where(Enterprise.credit_code == (code or "").upper()))


def enterprise_problems(data: dict[str, Any], enterprise_id: int | None, submitter_id: int | None) -> Problems:
    """A first submission (`enterprise_id` None) or a change of enterprise `enterprise_id`."""
    problems: Problems = {}
    code = str(data.get("credit_code") or "").upper()
    problem = credit_code_problem(code)
    if problem:
        _add(problems, "credit_code", problem)
    holder = enterprise_by_code(code) if not problem else None
    if holder is not None and holder.id != enterprise_id:
        _add(problems, "credit_code", "该统一社会信用代码已由其他企业登记。")
    if data.get("enterprise_type") not in ENTERPRISE_TYPES:
        _add(problems, "enterprise_type", "企业类型无效。")
    submitter = db.session.get(User, submitter_id) if submitter_id else None
    if submitter is None or not submitter.is_active:
        _add(problems, "_form", "申报人账号不存在或已停用。")
    elif enterprise_id is None and submitter.enterprise_id is not None:
        _add(problems, "_form", "申报人已属于一家企业，请办理企业信息变更。")
    return problems


def change_summary(before: dict[str, Any] | None, after: dict[str, Any]) -> str:
    """What a submission changes, field by field ("企业名称：旧 → 新")."""
    if before is None:
        return "首次申报"
    lines = []
    for name in ENTERPRISE_FIELDS:
        old, new = before.get(name), after.get(name)
        if old != new and (old or new):
            shown = (f"{old or '（空）'} → {new or '（空）'}" if not isinstance(new, list)
                     else f"{len(old or [])} 条 → {len(new or [])} 条")
            lines.append(f"{FIELD_LABELS[name]}：{shown}")
    return "\n".join(lines) or "无变化"


def project_problems(data: dict[str, Any], district_id: int, submitter_id: int | None) -> Problems:
    """A start registration in district `district_id`, submitted by user `submitter_id`."""
    problems: Problems = {}
    project = db.session.scalar(select(Project).where(Project.code == data.get("project_code")))
    if project is not None and not (project.status == "registered" and project.district_id == district_id):
        _add(problems, "project_code", "工程编号已被使用。")
    contract = data.get("contract") or {}
    if contract.get("start_date") and contract.get("end_date") and \
            date.fromisoformat(contract["end_date"]) < date.fromisoformat(contract["start_date"]):
        _add(problems, "contract.end_date", "合同竣工日期不能早于开工日期。")
    parties = _participant_problems(data.get("participants") or [], problems)
    submitter = db.session.get(User, submitter_id) if submitter_id else None
    owner = parties.get("owner")
    if submitter is not None and submitter.enterprise_id and owner is not None and owner.id != submitter.enterprise_id:
        _add(problems, "participants", "建设单位应为申报人所在单位。")
    _account_problems(data.get("accounts") or [], parties, problems)
    return problems


def _participant_problems(participants: list[dict[str, Any]], problems: Problems) -> dict[str, Enterprise]:
    """Check each participant; returns the enterprise of each party type (first one wins)."""
    parties: dict[str, Enterprise] = {}
    seen: set[tuple[str, str]] = set()
    for i, p in enumerate(participants):
        code, party = str(p.get("credit_code") or "").upper(), p.get("party_type")
        if (party, code) in seen:
            _add(problems, f"participants.{i}", "参建单位重复。")
        seen.add((party, code))
        enterprise = enterprise_by_code(code) if credit_code_problem(code) is None else None
        if enterprise is None:
            _add(problems, f"participants.{i}.credit_code", "该企业尚未登记，请先办理企业信息审核。")
        elif enterprise.type != party:
            _add(problems, f"participants.{i}.party_type",
                 f"该企业类型为{ENTERPRISE_TYPES.get(enterprise.type, enterprise.type)}，与参建类型不符。")
        else:
            parties.setdefault(party, enterprise)
    missing = [ENTERPRISE_TYPES[t] for t in REQUIRED_PARTIES if t not in {p.get("party_type") for p in participants}]
    if missing:
        _add(problems, "participants", f"参建单位必须包括{'、'.join(missing)}。")
    return parties


def _account_problems(accounts: list[dict[str, Any]], parties: dict[str, Enterprise], problems: Problems) -> None:
    names: set[str] = set()
    for i, account in enumerate(accounts):
        party, role, username = account.get("party_type"), account.get("role"), account.get("username")
        if role not in ACCOUNT_ROLES.get(party, ()):
            _add(problems, f"accounts.{i}.role", "该角色不属于所选参建单位。")
        if username in names:
            _add(problems, f"accounts.{i}.username", "用户名重复。")
        names.add(username)
        user = db.session.scalar(select(User).where(User.username == username))
        enterprise = parties.get(party)
        if enterprise is None:
            _add(problems, f"accounts.{i}.party_type", "参建单位中没有该类型的单位。")
        elif user is not None and user.enterprise_id != enterprise.id:
            _add(problems, f"accounts.{i}.username", "用户名已被占用。")
