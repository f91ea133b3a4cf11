"""The served app keeps answering other users while hostile designer code runs: a timer
expression evaluated by validation, a script run by a task completion (real server, real HTTP,
two requests at the same moment)."""
from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import requests

from app.extensions import db
from app.models import InboxTask, Incident
from app.services.access.actors import actor_for
from app.services.definitions.deployments import Bundle, deploy
from app.services.workflow import cases
from tests.support.factories import PASSWORD, gen_district, gen_project, gen_user
from tests.support.served import served as serving
from tests.unit.engine.hostile_corpus import CORPUS, hostile_bundle, placed

from ..workflow.conftest import FIXTURES

HOSTILE = {entry.id: entry for entry in CORPUS}
FORM = {"alarm_handle.json": (FIXTURES / "forms" / "alarm_handle.json").read_bytes()}
ANSWERED = 60  # seconds a request may take before the test calls it unanswered


@pytest.fixture
def served(app) -> Iterator[str]:
    with serving(app, stop_within_s=ANSWERED) as base:
        yield base


def _at_once(**calls) -> dict:
    """Send each request from its own thread, released together; their responses by name."""
    barrier, answers = threading.Barrier(len(calls)), {}

    def send(name: str) -> None:
        barrier.wait()
        answers[name] = calls[name]()

    threads = [threading.Thread(target=send, args=(name,)) for name in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(ANSWERED * 2)
    return answers


def _token(base: str, username: str) -> str:
    r = requests.post(f"{base}/api/v1/auth/token", json={"username": username, "password": PASSWORD},
                      timeout=ANSWERED)
    assert r.status_code == 201, r.text
    return r.json()["data"]["token"]


@pytest.mark.parametrize(("entry", "stopped_by"), [("endless_generator", "timer_too_slow"),
                                                   ("power_tower", "timer_unsafe")])
def test_other_users_are_answered_while_a_hostile_timer_is_validated(app, served, entry,
                                                                    stopped_by):
    designer = gen_user("process_designer").username
    project = gen_project(gen_district())
    pm = gen_user("contractor_pm", project=project).username
    tokens = {name: _token(served, name) for name in (designer, pm)}
    files = {**hostile_bundle("timer", HOSTILE[entry].source), **FORM}
    upload = [("files", (name, body)) for name, body in files.items()]
    answers = _at_once(
        hostile=lambda: requests.post(
            f"{served}/api/v1/process-definitions/validate", files=upload, timeout=ANSWERED,
            headers={"Authorization": f"Bearer {tokens[designer]}"}),
        other=lambda: requests.get(
            f"{served}/api/v1/projects", timeout=ANSWERED,
            headers={"Authorization": f"Bearer {tokens[pm]}"}))

    assert answers["other"].status_code == 200
    assert [p["code"] for p in answers["other"].json()["data"]] == [project.code]
    assert answers["hostile"].status_code == 200
    # the probe bundle has no drawing, so diagram_incomplete is reported beside the timer
    [problem] = [p for p in answers["hostile"].json()["data"] if p["element_id"] == "timer_probe"]
    assert (problem["element_id"], problem["code"], problem["reason"]) == ("timer_probe", "timer_invalid", stopped_by)


@pytest.mark.parametrize(("entry", "stopped_by"), [("endless_loop", "time_budget_exceeded"),
                                                   ("power_tower", "script_unsafe")])
def test_other_users_are_answered_while_a_hostile_script_runs(app, served, entry, stopped_by):
    deploy(Bundle(hostile_bundle("script", placed(HOSTILE[entry], "script")), FORM))
    project, other_project = gen_project(gen_district()), gen_project(gen_district())
    pm, other = gen_user("contractor_pm", project=project), \
        gen_user("contractor_pm", project=other_project)
    instance_id = cases.start_case(actor_for(pm), "hostile_probe", project_code=project.code)
    row_id = db.session.query(InboxTask.id).filter_by(instance_id=instance_id).scalar()
    tokens = {user.username: _token(served, user.username) for user in (pm, other)}

    answers = _at_once(
        hostile=lambda: requests.post(
            f"{served}/api/v1/tasks/{row_id}/complete", json={"data": {}}, timeout=ANSWERED,
            headers={"Authorization": f"Bearer {tokens[pm.username]}"}),
        other=lambda: requests.get(
            f"{served}/api/v1/projects", timeout=ANSWERED,
            headers={"Authorization": f"Bearer {tokens[other.username]}"}))

    assert answers["other"].status_code == 200
    assert [p["code"] for p in answers["other"].json()["data"]] == [other_project.code]
    assert answers["hostile"].status_code == 409
    assert answers["hostile"].json()["error"]["code"] == "case_error"
    db.session.expire_all()
    incident = db.session.query(Incident).filter_by(instance_id=instance_id).one()
    assert (incident.code, incident.element_id) == (stopped_by, "probe_script")
