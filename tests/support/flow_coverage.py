"""Which sequence flows of the shipped diagrams (processes/*.bpmn) the test run walked.

While the suite runs (`SITECASE_FLOW_COVERAGE=<file>`), every step's workflow is read as the engine
returns it: each completed task and the nearest diagram element above it in SpiffWorkflow's task
tree make one walked edge (a task counts once it is reached: waiting, ready or done) (source element → target element) of its process. At the end of the run
the walked edges are written to <file>; `python -m tests.support.flow_coverage <file>` lists the
diagram flows no test walked and fails when there is one that FLOWS_NOT_WALKED does not explain.

A flow into a parallel or inclusive join counts as walked when its source completed: the join's
task sits under one of its branches only in the task tree."""
from __future__ import annotations

import fcntl
import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
JOINS = {f"{BPMN}parallelGateway", f"{BPMN}inclusiveGateway"}
CONTAINERS = {f"{BPMN}process", f"{BPMN}subProcess", f"{BPMN}transaction"}

# Flows no test walks, each with the reason (keep it short; prefer a test).
FLOWS_NOT_WALKED: dict[str, str] = {}


def diagram_flows(folder: Path = ROOT / "processes") -> dict[str, dict]:
    """flow id → {process, source, target, join} for every sequence flow of every shipped diagram."""
    flows: dict[str, dict] = {}
    for path in sorted(folder.glob("*.bpmn")):
        tree = ET.parse(path)
        for container in tree.iter():
            if container.tag not in CONTAINERS:
                continue
            kinds = {el.get("id"): el.tag for el in container}
            for flow in container.findall(f"{BPMN}sequenceFlow"):
                target = flow.get("targetRef")
                flows[f"{path.stem}:{flow.get('id')}"] = {
                    "process": container.get("id"), "source": flow.get("sourceRef"), "target": target,
                    "join": kinds.get(target) in JOINS}
    return flows


def walked_edges(workflow) -> Iterable[tuple[str, str, str]]:
    """(process id, source element, target element) of every reached task of a live workflow."""
    from SpiffWorkflow.util.task import TaskState

    reached = TaskState.WAITING | TaskState.READY | TaskState.STARTED | TaskState.COMPLETED | TaskState.ERROR
    workflows = [workflow, *workflow.subprocesses.values()]
    for each in workflows:
        for task in each.tasks.values():
            target = getattr(task.task_spec, "bpmn_id", None)
            if not task.state & reached or not target:
                continue
            parent = task.parent
            while parent is not None and not getattr(parent.task_spec, "bpmn_id", None):
                parent = parent.parent
            source = parent.task_spec.bpmn_id if parent is not None else ""
            yield task.workflow.spec.name, source, target
            if task.state == TaskState.COMPLETED:
                yield task.workflow.spec.name, target, ""  # completed at all (for joins)


class Recorder:
    """Wraps the engine's result builder for the run; `edges` collects what was walked."""

    def __init__(self) -> None:
        self.edges: set[tuple[str, str, str]] = set()

    def install(self) -> None:
        from app.engine import runtime

        original = runtime._result

        def recording(workflow, *args, **kwargs):
            self.edges.update(walked_edges(workflow))
            return original(workflow, *args, **kwargs)

        runtime._result = recording

    def write(self, path: Path) -> None:
        """Add what this process walked to `path`: the test workers of one run (pytest-xdist) each
        add theirs, one at a time (an exclusive lock on the file)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a+", encoding="utf-8") as file:
            fcntl.flock(file, fcntl.LOCK_EX)
            file.seek(0)
            earlier = file.read()
            edges = self.edges | {tuple(e) for e in json.loads(earlier)} if earlier else self.edges
            file.seek(0)
            file.truncate()
            file.write(json.dumps(sorted(edges)))


def not_walked(edges: Iterable[Iterable[str]], flows: dict[str, dict] | None = None) -> list[str]:
    walked = {tuple(e) for e in edges}
    missing = []
    for flow_id, flow in (flows or diagram_flows()).items():
        process, source, target = flow["process"], flow["source"], flow["target"]
        if (process, source, target) in walked or (flow["join"] and (process, source, "") in walked):
            continue
        missing.append(flow_id)
    return missing


def main(argv: list[str]) -> int:
    edges = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    flows = diagram_flows()
    missing = not_walked(edges, flows)
    unexplained = [f for f in missing if f not in FLOWS_NOT_WALKED]
    stale = sorted(set(FLOWS_NOT_WALKED) - set(missing))
    print(f"sequence flows walked by the tests: {len(flows) - len(missing)} of {len(flows)}")
    for flow_id in missing:
        flow = flows[flow_id]
        why = FLOWS_NOT_WALKED.get(flow_id, "NOT WALKED")
        print(f"  {flow_id}: {flow['source']} → {flow['target']}  ({why})")
    for flow_id in stale:
        print(f"  {flow_id} is walked now: remove it from FLOWS_NOT_WALKED")
    return 1 if unexplained or stale else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
