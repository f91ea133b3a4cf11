"""Shared helpers for the engine tests: fixture bundles, a fake clock and an operator host."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.engine import OperatorRegistry, compile_process

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "bpmn"
ROLES = {"contractor_pm", "contractor_tech_lead", "chief_supervisor", "expert",
         "district_safety_officer"}
T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)  # a Friday, 16:00 in China


def bundle(*names: str) -> dict[str, bytes]:
    return {name: (FIXTURES / name).read_bytes() for name in names}


def compiled(key: str, *extra_files: str):
    return compile_process(key, bundle(f"{key}.bpmn", *extra_files))


def probe_bundle(script: str) -> dict[str, bytes]:
    """The script_probe diagram with `script` in its script task (escaped for XML)."""
    from xml.sax.saxutils import escape
    template = (FIXTURES / "script_probe.bpmn.template").read_text()
    return {"script_probe.bpmn": template.replace("{script}", escape(script)).encode()}


def form_exists(name: str) -> bool:
    return (FIXTURES / "forms" / name).is_file()


class FakeClock:
    def __init__(self, start: datetime = T0):
        self.now = start

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def host() -> OperatorRegistry:
    return OperatorRegistry({
        "set_work_status": lambda params, data: {"work_status": params["status"]},
        "draw_experts": lambda params, data: {
            "experts": [f"expert_{i}" for i in range(params["count"])]},
        "notify": lambda params, data: {"notified": params["role"]},
    })
