"""Driving the registration chains as real users do: start, find the task in one's inbox,
submit the real form through the service layer."""
from __future__ import annotations

import copy
from typing import Any

from sqlalchemy import select

from app.domain.credit_code import make_credit_code
from app.extensions import db
from app.models import Enterprise, User
from app.services.access.actors import Actor
from app.services.registrations import applications
from app.services.workflow import inbox_queries
from tests.support import processes
from tests.support.processes import deploy_only, my_task

KEYS = ("enterprise_review", "project_registration")
NEW_CODE = make_credit_code("91410100MA40XJ011")

ENTERPRISE_FORM = {
    "enterprise_name": "郑州新筑建设工程有限公司", "credit_code": NEW_CODE, "enterprise_type": "contractor",
    "legal_person": "钱进", "registered_address": "郑州市金水区文化路88号", "phone": "0371-66001234",
    "licence_no": "91410100MA40XJ011", "qualifications": [
        {"qualification_name": "建筑工程施工总承包", "qualification_level": "二级", "certificate_no": "D241000001",
         "valid_until": "2030-12-31"}],
    "people": [{"person_name": "钱进", "position": "总经理", "person_phone": "13800000001"},
               {"person_name": "孙明", "position": "安全负责人", "certificate": "安全生产考核合格证B类"}],
}


def code_of(key: str) -> str:
    """The credit code of a demo enterprise by its demo key (E1 … E10)."""
    from app.services.demo.data import ENTERPRISES
    return make_credit_code(next(body for k, body, *_ in ENTERPRISES if k == key))


def registration_form(code: str = "JS-2026-101") -> dict[str, Any]:
    return copy.deepcopy({
        "project_code": code, "project_name": "金水区文化路学校改扩建工程", "project_address": "郑州市金水区文化路与农业路交叉口",
        "permit_no": "410105202607010104", "image_progress": "基础施工",
        "contract": {"contract_no": "HT-2026-0701", "amount": 12850.5, "sign_date": "2026-02-20",
                     "start_date": "2026-03-15", "end_date": "2027-09-30"},
        "unit_works": [{"unit_name": "1#教学楼", "structure_type": "框架", "floors_above": 5, "floors_below": 1,
                        "area_m2": 12000, "height_m": 23.5},
                       {"unit_name": "2#体育馆", "structure_type": "钢结构", "floors_above": 2, "area_m2": 4800}],
        "participants": [
            {"party_type": "owner", "credit_code": code_of("E1"), "responsible_person": "王磊", "responsible_phone": "13900000001"},
            {"party_type": "contractor", "credit_code": code_of("E2"), "responsible_person": "刘洋", "responsible_phone": "13900000002"},
            {"party_type": "supervisor", "credit_code": code_of("E3"), "responsible_person": "赵军", "responsible_phone": "13900000003"},
            {"party_type": "designer", "credit_code": code_of("E4"), "responsible_person": "孙丽", "responsible_phone": "13900000004"}],
        "accounts": [
            {"username": "wh_pm", "display_name": "刘洋", "account_phone": "13900000002", "party_type": "contractor", "role": "contractor_pm"},
            {"username": "wh_chief", "display_name": "钱峰", "party_type": "supervisor", "role": "chief_supervisor"},
            {"username": "contractor_pm", "display_name": "张伟", "party_type": "contractor", "role": "contractor_pm"}],
        "safety_supervision": True, "quality_supervision": True,
    })


def deploy_registrations() -> None:
    deploy_only(KEYS)


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def actor(username: str) -> Actor:
    """The user as he is now (a fresh look: the chains create and change accounts)."""
    db.session.expire_all()
    return processes.actor(username)


def sees(username: str, instance_id: int) -> list[str]:
    page = inbox_queries.list_tasks(actor(username), inbox_queries.InboxFilter(limit=500))
    return [r.task_name for r in page.items if r.instance_id == instance_id]


def complete(username: str, instance_id: int, task_name: str, data: dict[str, Any]) -> applications.RegistrationResult:
    row = my_task(username, instance_id, task_name)
    return applications.complete_registration_task(actor(username), row.id, data)


def enterprise(code: str) -> Enterprise | None:
    db.session.expire_all()
    return db.session.scalar(select(Enterprise).where(Enterprise.credit_code == code))
