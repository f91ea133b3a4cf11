"""Spec and instance state as JSON text, stored apart.

The spec is stored once per deployed version, the state (task tree + data, no spec) once per
instance. Task data may hold `date`, `datetime` and `Decimal` values (form fields, helpers);
the stock registry only knows datetime/timedelta/UUID, so we register the others.
"""
from __future__ import annotations

import json
import threading
from datetime import date
from decimal import Decimal
from typing import Any

from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.serializer.task_spec import ServiceTaskConverter, SpiffMultiInstanceConverter

from .clock import ClockCycleTimer, ClockDurationTimer, ClockTimeDateTimer
from .errors import EngineError
from .specs import OperatorServiceTask, OrderedParallelMultiInstanceTask


def _build_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[OperatorServiceTask] = ServiceTaskConverter
    config[OrderedParallelMultiInstanceTask] = SpiffMultiInstanceConverter
    for timer_class in (ClockTimeDateTimer, ClockDurationTimer, ClockCycleTimer):
        config[timer_class] = TimerConditionalEventDefinitionConverter
    registry = DefaultRegistry()
    registry.register(date, lambda v: {"value": v.isoformat()},
                      lambda v: date.fromisoformat(v["value"]), typename="date")
    registry.register(Decimal, lambda v: {"value": str(v)},
                      lambda v: Decimal(v["value"]), typename="Decimal")
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config, registry))


SERIALIZER = _build_serializer()
# The registry's encoder mode is a shared flag: serialize one workflow at a time per process.
_ENCODER_LOCK = threading.Lock()


def dump_spec(spec: Any, subprocess_specs: dict[str, Any]) -> str:
    """Top spec plus every called/sub-process spec it needs."""
    return json.dumps({
        "spec": SERIALIZER.to_dict(spec),
        "subprocess_specs": {name: SERIALIZER.to_dict(sp) for name, sp in subprocess_specs.items()},
    }, ensure_ascii=False, sort_keys=True)


def load_specs(spec_json: str) -> tuple[Any, dict[str, Any]]:
    dct = json.loads(spec_json)
    return (SERIALIZER.from_dict(dct["spec"]),
            {name: SERIALIZER.from_dict(sp) for name, sp in dct["subprocess_specs"].items()})


def dump_state(workflow: BpmnWorkflow) -> str:
    """The workflow without its specs, as JSON text."""
    registry = SERIALIZER.registry
    with _ENCODER_LOCK:
        return _dump_state_locked(workflow, registry)


def _dump_state_locked(workflow: BpmnWorkflow, registry: Any) -> str:
    registry._encoder_mode = True  # what serialize_json does: data converted by the JSON encoder
    try:
        dct = SERIALIZER.to_dict(workflow)
        dct.pop("spec", None)
        dct.pop("subprocess_specs", None)
        dct[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
        return json.dumps(dct, cls=SERIALIZER._encoder_cls, ensure_ascii=False)
    finally:
        registry._encoder_mode = False


def load_workflow(spec_json: str, state: str) -> BpmnWorkflow:
    """Rebuild a workflow; the caller must set the restricted script engine right after."""
    try:
        dct = json.loads(state)
        dct.update(json.loads(spec_json))
        SERIALIZER.migrate(dct)
        workflow = SERIALIZER.from_dict(dct)
    except (ValueError, KeyError, TypeError) as exc:
        raise EngineError("state_invalid", f"cannot load workflow state: {exc}") from exc
    return workflow

