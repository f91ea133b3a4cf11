"""Our task-spec and timer classes, swapped in after parsing.

The library's parsers hard-wire their classes in a dozen parser subclasses; instead of
subclassing all of them we parse with the stock SpiffBpmnParser and then `upgrade_spec` each
spec: the replacement classes only override behaviour, never add attributes, so swapping
`__class__` is safe and the serializer (configured in serialization.py) stores our type names.
"""
from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import (
    CycleTimerEventDefinition,
    DurationTimerEventDefinition,
    TimeDateEventDefinition,
)
from SpiffWorkflow.spiff.specs.defaults import ParallelMultiInstanceTask, ServiceTask

from .errors import EngineError
from .limits import data_units
from .timer_clock import ClockCycleTimer, ClockDurationTimer, ClockTimeDateTimer

MAX_PARALLEL_INSTANCES = 1_000
MAX_COPIED_UNITS = 10_000_000  # instances x (characters + items of the task data)


class OperatorServiceTask(ServiceTask):
    """spiffworkflow:serviceTaskOperator -> host.call_operator(name, params, data).

    Params are sandboxed expressions. The result dict is merged into the task data, or stored
    under `resultVariable` when the diagram names one.
    """

    def _execute(self, task: Any) -> bool:
        engine = task.workflow.script_engine
        params = {name: engine.evaluate(task, param["value"])
                  for name, param in self.operation_params.items()}
        result = engine.call_operator(task, self.operation_name, params)
        if result:
            if self.result_variable.startswith("spiff__"):  # library default: none was named
                task.data.update(result)
            else:
                task.data[self.result_variable] = result
        return True


class OrderedParallelMultiInstanceTask(ParallelMultiInstanceTask):
    """Parallel multi-instance whose list output follows the input order, not completion order.

    All instances are created in one engine step, each with a deep copy of the task data, so
    the line tracer's deadline never sees them: the count, and the count times the size of the
    data, are checked first (a script's `experts = list(range(20000))` took minutes and GBs).
    """

    def create_children(self, my_task: Any) -> None:
        if self.data_input is not None:
            items = self.data_input.get(my_task)
            count = len(items) if hasattr(items, "__len__") else MAX_PARALLEL_INSTANCES + 1
        else:
            count = my_task.workflow.script_engine.evaluate(my_task, self.cardinality)
        if isinstance(count, int) and count > 0 and (
                count > MAX_PARALLEL_INSTANCES
                or count * data_units(my_task.data, MAX_COPIED_UNITS // count) > MAX_COPIED_UNITS):
            raise EngineError("multi_instance_too_large",
                              f"{count} parallel instances of {self.bpmn_id} (at most "
                              f"{MAX_PARALLEL_INSTANCES}, and {MAX_COPIED_UNITS} copied data units)",
                              self.bpmn_id)
        super().create_children(my_task)

    def merge_child(self, workflow: Any, child: Any) -> None:
        super().merge_child(workflow, child)
        my_task = child.parent
        if self.data_output is None or self.output_item is None:
            return
        output = self.data_output.get(my_task)
        data_input = self.data_input.get(my_task) if self.data_input is not None else None
        if not isinstance(output, list) or output is data_input:
            return
        merged = set(my_task.internal_data.get("merged", []))
        done = [c for c in self._instances(my_task) if str(c.id) in merged]
        done.sort(key=lambda c: (c.internal_data.get("key_or_index") is None,
                                 c.internal_data.get("key_or_index") or 0))
        output[:] = [self.output_item.get(c) for c in done]


_TIMER_SWAP = {TimeDateEventDefinition: ClockTimeDateTimer,
               DurationTimerEventDefinition: ClockDurationTimer,
               CycleTimerEventDefinition: ClockCycleTimer}
_TASK_SWAP = {ServiceTask: OperatorServiceTask,
              ParallelMultiInstanceTask: OrderedParallelMultiInstanceTask}


def _upgrade_event(event_definition: Any) -> None:
    if type(event_definition) in _TIMER_SWAP:
        event_definition.__class__ = _TIMER_SWAP[type(event_definition)]
    elif isinstance(event_definition, MultipleEventDefinition):
        for inner in event_definition.event_definitions:
            _upgrade_event(inner)


def upgrade_spec(spec: Any) -> Any:
    """Swap in the clock-driven timers, the operator service task and the ordered MI task."""
    for task_spec in spec.task_specs.values():
        if type(task_spec) in _TASK_SWAP:
            task_spec.__class__ = _TASK_SWAP[type(task_spec)]
        event_definition = getattr(task_spec, "event_definition", None)
        if event_definition is not None:
            _upgrade_event(event_definition)
    return spec
