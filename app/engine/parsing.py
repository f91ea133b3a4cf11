"""Parse a bundle of BPMN/DMN bytes and compile one process into a storable spec."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.specs.mixins.multiinstance_task import MultiInstanceTask
from SpiffWorkflow.bpmn.specs.mixins.user_task import UserTask
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from .errors import EngineError
from .serialization import dump_spec
from .specs import upgrade_spec

FORM_PROPERTY = "formJsonSchemaFilename"
UI_FORM_PROPERTY = "formUiSchemaFilename"
# Names a task-data variable holding the id of the one user the task is bound to.
CANDIDATE_USER_PROPERTY = "candidateUserVariable"
# Separation of duties: the id of the user task whose completer(s) must not work this one
# (documented in processes/EXTENSIONS.md).
REVIEWS_PROPERTY = "reviews"


@dataclass(frozen=True)
class CompiledProcess:
    """What the caller stores per deployed version (spec_json once) and indexes (the lists)."""

    key: str
    spec_json: str
    content_hash: str
    user_tasks: list[dict[str, Any]] = field(default_factory=list)
    lanes: list[str] = field(default_factory=list)
    message_starts: list[str] = field(default_factory=list)
    called_processes: list[str] = field(default_factory=list)


def content_hash(files: dict[str, bytes], extra: dict[str, bytes] | None = None) -> str:
    """sha256 over the sorted files; `extra` lets the caller add the form files it resolved."""
    digest = hashlib.sha256()
    for name, data in sorted({**files, **(extra or {})}.items()):
        digest.update(name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return digest.hexdigest()


class DoctypeRefusedError(EngineError):
    """A diagram with a document type declaration: refused before its entities could expand
    without bound or reach local files and the network (XXE)."""

    code = "xml_doctype_refused"

    def __init__(self) -> None:
        super().__init__("xml_doctype_refused", "BPMN/DMN 文件不得包含 DOCTYPE 声明。"
                         " BPMN/DMN files may not contain a DOCTYPE declaration.")


def parse_xml(data: bytes) -> Any:
    """lxml root of one file; keeps `sourceline` for error reporting.

    Raises DoctypeRefusedError for any DOCTYPE (checked on the bytes before parsing, and on the
    parsed tree for encodings the byte check cannot see), etree.XMLSyntaxError for bad XML.
    """
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise DoctypeRefusedError()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    root = etree.fromstring(data, parser=parser)
    if root.getroottree().docinfo.doctype or root.getroottree().docinfo.internalDTD is not None:
        raise DoctypeRefusedError()
    return root


def build_parser(files: dict[str, bytes], *, validate_xsd: bool = True) -> SpiffBpmnParser:
    """Feed every .bpmn and .dmn file of the bundle to one parser (call activities cross files)."""
    parser = SpiffBpmnParser(validator=VALIDATOR if validate_xsd else None)
    for name in sorted(files):
        suffix = PurePosixPath(name).suffix.lower()
        if suffix == ".bpmn":
            parser.add_bpmn_xml(parse_xml(files[name]), filename=name)
        elif suffix == ".dmn":
            parser.add_dmn_xml(parse_xml(files[name]), filename=name)
    return parser


def _properties(task_spec: Any) -> dict[str, str]:
    return (getattr(task_spec, "extensions", None) or {}).get("properties", {})


def _seat_variables(spec: Any) -> dict[str, list[str]]:
    """Per multi-instance user task: the variables holding its seats (collection and item)."""
    seats: dict[str, list[str]] = {}
    for task_spec in spec.task_specs.values():
        if isinstance(task_spec, MultiInstanceTask):
            names = [getattr(task_spec, attr).bpmn_id for attr in ("data_input", "input_item")
                     if getattr(task_spec, attr, None) is not None]
            seats[task_spec.bpmn_id] = names
    return seats


def describe_specs(specs: list[Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """User tasks (with form names, the variables binding their candidates and the task they
    review) and lane roles of the given specs."""
    user_tasks: dict[str, dict[str, Any]] = {}
    lanes: set[str] = set()
    for spec in specs:
        seats = _seat_variables(spec)
        for task_spec in spec.task_specs.values():
            if getattr(task_spec, "lane", None):
                lanes.add(task_spec.lane)
            if isinstance(task_spec, UserTask) and task_spec.bpmn_id not in user_tasks:
                props = _properties(task_spec)
                binds = seats.get(task_spec.bpmn_id, []) + [props.get(CANDIDATE_USER_PROPERTY)]
                user_tasks[task_spec.bpmn_id] = {
                    "process_id": spec.name, "element_id": task_spec.bpmn_id,
                    "title": task_spec.bpmn_name, "lane": task_spec.lane,
                    "form": props.get(FORM_PROPERTY), "ui_form": props.get(UI_FORM_PROPERTY),
                    "binds": sorted({b for b in binds if b}), "reviews": props.get(REVIEWS_PROPERTY),
                }
    return sorted(user_tasks.values(), key=lambda t: t["element_id"]), sorted(lanes)


def message_start_names(spec: Any) -> list[str]:
    return sorted(ts.event_definition.name for ts in spec.task_specs.values()
                  if isinstance(ts, StartEvent)
                  and isinstance(ts.event_definition, MessageEventDefinition))


def compile_process(key: str, files: dict[str, bytes], *,
                    extra_hash_files: dict[str, bytes] | None = None) -> CompiledProcess:
    """Parse the bundle and serialize the spec of process `key` with all processes it calls.

    Raises EngineError(`bundle_invalid`) when the bundle does not parse; run
    `validate_bundle` first for the full list of problems.
    """
    try:
        parser = build_parser(files)
        spec = upgrade_spec(parser.get_spec(key))
        subprocess_specs = {name: upgrade_spec(sp)
                            for name, sp in parser.get_subprocess_specs(key).items()}
    except (ValidationException, etree.XMLSyntaxError) as exc:
        raise EngineError("bundle_invalid", str(exc)) from exc
    user_tasks, lanes = describe_specs([spec, *subprocess_specs.values()])
    return CompiledProcess(
        key=key, spec_json=dump_spec(spec, subprocess_specs),
        content_hash=content_hash(files, extra_hash_files),
        user_tasks=user_tasks, lanes=lanes, message_starts=message_start_names(spec),
        called_processes=sorted(subprocess_specs),
    )


BPMN_NS = {"bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL"}


def start_lanes(bpmn: bytes, key: str) -> list[str]:
    """Lane names (role codes) holding the start events of process `key` that a person starts
    (message starts left out): whose step the first one is."""
    root = parse_xml(bpmn)
    lanes: dict[str, str] = {}
    for process in root.xpath("//bpmn:process[@id=$key]", namespaces=BPMN_NS, key=key):
        for lane in process.xpath(".//bpmn:lane", namespaces=BPMN_NS):
            for ref in lane.xpath("bpmn:flowNodeRef", namespaces=BPMN_NS):
                lanes[(ref.text or "").strip()] = lane.get("name")
        starts = process.xpath("bpmn:startEvent[not(bpmn:messageEventDefinition)]/@id", namespaces=BPMN_NS)
        return sorted({lanes[s] for s in starts if lanes.get(s)})
    return []


SPIFF_NS = {"spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}


def process_properties(bpmn: bytes, key: str) -> dict[str, str]:
    """The `spiffworkflow:property` name → value pairs on `<bpmn:process id=key>` itself (the
    process's own settings, e.g. its start rules), not those of its elements."""
    root = parse_xml(bpmn)
    found: dict[str, str] = {}
    for prop in root.xpath("//bpmn:process[@id=$key]/bpmn:extensionElements/spiffworkflow:properties/"
                           "spiffworkflow:property", namespaces={**BPMN_NS, **SPIFF_NS}, key=key):
        found[prop.get("name") or ""] = prop.get("value") or ""
    return found


def process_property_lines(bpmn: bytes, key: str) -> dict[str, int]:
    """Source line of each `spiffworkflow:property` on `<bpmn:process id=key>` by its name, and of
    the process element itself under "" (where a problem of a missing property points)."""
    root = parse_xml(bpmn)
    lines: dict[str, int] = {}
    for process in root.xpath("//bpmn:process[@id=$key]", namespaces=BPMN_NS, key=key):
        lines[""] = process.sourceline
        for prop in process.xpath("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property",
                                  namespaces={**BPMN_NS, **SPIFF_NS}):
            lines[prop.get("name") or ""] = prop.sourceline
    return lines


def operator_parameter_values(bpmn: bytes, parameter: str) -> list[tuple[str, str, int]]:
    """(service task id, value expression, source line) of every operator parameter named `parameter`."""
    root = parse_xml(bpmn)
    found = []
    for param in root.xpath("//spiffworkflow:serviceTaskOperator/spiffworkflow:parameters/"
                            "spiffworkflow:parameter[@id=$name]", namespaces=SPIFF_NS, name=parameter):
        task = param.getparent().getparent().getparent().getparent()  # parameters/op/extensionElements/task
        found.append((task.get("id") or "", param.get("value") or "", param.sourceline))
    return found


def service_task_operators(bpmn: bytes) -> list[str]:
    """The operator names the service tasks of a diagram call, sorted, each once."""
    root = parse_xml(bpmn)
    return sorted(set(root.xpath("//spiffworkflow:serviceTaskOperator/@id", namespaces=SPIFF_NS)))
