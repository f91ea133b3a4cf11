"""A process that starts in an official's lane is an act of the authority: a project's enterprise
users may not start it (the authorisation matrix found contractors starting rectification orders)."""
import pytest

from app.errors import PermissionDeniedError
from app.services.workflow import cases
from tests.support.processes import actor

from .support import status

PROJECT = "JS-2026-001"


@pytest.mark.parametrize("key", ["rectification_order", "clue_assignment", "site_check",
                                 "supervision_inspection", "health_check_rectification"])
@pytest.mark.parametrize("username", ["contractor_pm", "owner_rep", "chief_supervisor"])
def test_enterprise_users_cannot_start_an_authority_process(family, key, username):
    with pytest.raises(PermissionDeniedError) as refused:
        cases.start_case(actor(username), key, project_code=PROJECT)
    assert refused.value.code == "case_start_role"


def test_officials_and_contractor_processes_still_start(family):
    order = cases.start_case(actor("district_safety"), "rectification_order", project_code=PROJECT)
    self_check = cases.start_case(actor("contractor_pm"), "hazard_self_check", project_code=PROJECT)
    assert status(order) == status(self_check) == "running"
