"""Spec and instance state as JSON text, stored apart.

The spec is stored once per deployed version, the state (task tree + data, no spec) once per
instance. Task data may hold `date`, `datetime` and `Decimal` values (form fields, helpers);
the stock registry only knows datetime/timedelta/UUID, so we register the others.

Deserialised specs are cached per spec text (specs are read-only during runs; see spec_cache.py),
so loading an instance rebuilds only its task tree, and dumping never converts the spec.
"""
from __future__ import annotations

import json
import threading
from datetime import date
from decimal import Decimal
from typing import Any

from SpiffWorkflow.bpmn.serializer.default.event_definition import TimerConditionalEventDefinitionConverter
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.serializer.task_spec import ServiceTaskConverter, SpiffMultiInstanceConverter

from .errors import EngineError
from .spec_cache import SpecCache
from .specs import OperatorServiceTask, OrderedParallelMultiInstanceTask
from .timer_clock import ClockCycleTimer, ClockDurationTimer, ClockTimeDateTimer


class StateWorkflowConverter(BpmnWorkflowConverter):
    """The stock workflow converter without the specs in its output (they are stored apart).

    The stock `to_dict` converts the whole spec on every dump only for us to drop it; the
    output is otherwise identical. `from_dict` is the stock one: it accepts spec objects in
    place of their dicts (restore passes unknown objects through), which is how cached specs
    are handed in.
    """

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct


def _build_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = StateWorkflowConverter
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


def _deserialize_specs(spec_json: str) -> tuple[Any, dict[str, Any]]:
    dct = json.loads(spec_json)
    return (SERIALIZER.from_dict(dct["spec"]),
            {name: SERIALIZER.from_dict(sp) for name, sp in dct["subprocess_specs"].items()})


SPECS = SpecCache(_deserialize_specs)


def load_specs(spec_json: str) -> tuple[Any, dict[str, Any]]:
    """The deserialised top spec and a fresh dict of its sub-process specs (shared, read-only)."""
    spec, subprocess_specs = SPECS.get(spec_json)
    return spec, dict(subprocess_specs)


def dump_state(workflow: BpmnWorkflow) -> str:
    """The workflow without its specs, as JSON text."""
    registry = SERIALIZER.registry
    with _ENCODER_LOCK:
        return _dump_state_locked(workflow, registry)


def _dump_state_locked(workflow: BpmnWorkflow, registry: Any) -> str:
    registry._encoder_mode = True  # what serialize_json does: data converted by the JSON encoder
    try:
        dct = SERIALIZER.to_dict(workflow)  # StateWorkflowConverter: no spec, no subprocess_specs
        dct[SERIALIZER.VERSION_KEY] = SERIALIZER.VERSION
        return json.dumps(dct, cls=SERIALIZER._encoder_cls, ensure_ascii=False)
    finally:
        registry._encoder_mode = False


def load_workflow(spec_json: str, state: str) -> BpmnWorkflow:
    """Rebuild a workflow; the caller must set the restricted script engine right after."""
    try:
        dct = json.loads(state)
        if dct.get(SERIALIZER.VERSION_KEY) == SERIALIZER.VERSION:
            dct.pop(SERIALIZER.VERSION_KEY)
            dct["spec"], dct["subprocess_specs"] = load_specs(spec_json)
        else:  # an older serializer version: its migrations may rewrite the spec dicts too
            dct.update(json.loads(spec_json))
            SERIALIZER.migrate(dct)
        workflow = SERIALIZER.from_dict(dct)
    except (ValueError, KeyError, TypeError) as exc:
        raise EngineError("state_invalid", f"cannot load workflow state: {exc}") from exc
    return workflow

