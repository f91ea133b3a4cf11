"""The served app keeps answering other users while a designer's hostile timer expression is
evaluated by validation (real server, real HTTP, two requests at the same moment)."""
from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import requests
from waitress.server import create_server

from tests.support.factories import PASSWORD, gen_district, gen_project, gen_user
from tests.unit.engine.hostile_corpus import CORPUS, hostile_bundle

from ..workflow.conftest import FIXTURES

HOSTILE = {entry.id: entry.source for entry in CORPUS}
ANSWERED = 60  # seconds a request may take before the test calls it unanswered


@pytest.fixture
def served(app) -> Iterator[str]:
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(ANSWERED)


def _token(base: str, username: str) -> str:
    r = requests.post(f"{base}/api/v1/auth/token", json={"username": username, "password": PASSWORD},
                      timeout=ANSWERED)
    assert r.status_code == 201, r.text
    return r.json()["data"]["token"]


@pytest.mark.parametrize(("entry", "stopped_by"), [("endless_generator", "time_budget_exceeded"),
                                                   ("power_tower", "script_unsafe")])
def test_other_users_are_answered_while_a_hostile_timer_is_validated(app, served, entry,
                                                                    stopped_by):
    designer = gen_user("process_designer").username
    project = gen_project(gen_district())
    pm = gen_user("contractor_pm", project=project).username
    tokens = {name: _token(served, name) for name in (designer, pm)}
    upload = [("files", (name, body)) for name, body in hostile_bundle("timer", HOSTILE[entry]).items()]
    upload.append(("files", ("alarm_handle.json",
                             (FIXTURES / "forms" / "alarm_handle.json").read_bytes())))
    barrier, answers = threading.Barrier(2), {}

    def validate() -> None:
        barrier.wait()
        answers["validate"] = requests.post(
            f"{served}/api/v1/process-definitions/validate", files=upload, timeout=ANSWERED,
            headers={"Authorization": f"Bearer {tokens[designer]}"})

    def read_projects() -> None:
        barrier.wait()
        answers["projects"] = requests.get(
            f"{served}/api/v1/projects", timeout=ANSWERED,
            headers={"Authorization": f"Bearer {tokens[pm]}"})

    threads = [threading.Thread(target=validate), threading.Thread(target=read_projects)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(ANSWERED * 2)

    assert answers["projects"].status_code == 200
    assert [p["code"] for p in answers["projects"].json()["data"]] == [project.code]
    assert answers["validate"].status_code == 200
    [problem] = answers["validate"].json()["data"]
    assert (problem["element_id"], problem["code"]) == ("timer_probe", "timer_invalid")
    assert stopped_by in problem["message"]
