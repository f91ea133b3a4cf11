"""A new chain from scratch: a process key, a Chinese name and its English give a minimal valid
diagram (one lane, start, one user task with its own new form, end, with diagram interchange),
that form (titled with the name, its English in `ui:en`) and the process's summary
(`<key>.summary.json`, like every process, with its `en` words), for the modeler and the form
page to open; nothing is stored until the designer deploys it."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from xml.sax.saxutils import quoteattr

from sqlalchemy import select

from app.errors import ValidationError
from app.extensions import db
from app.formdefs import summaries
from app.models import ProcessDefinition
from app.roles import ROLES
from app.services.access.actors import Actor
from app.services.access.permissions import require_any_role
from app.services.definitions import deployments

KEY = re.compile(r"[a-z][a-z0-9_]{2,47}")
RESERVED = frozenset({"new", "incidents", "forms", "validate", "deploy"})
MAX_NAME = 60
DEFAULT_ROLE = "district_safety_officer"


@dataclass(frozen=True)
class NewProcess:
    key: str
    title: str
    bpmn: str
    title_en: str = ""
    forms: dict[str, str] = field(default_factory=dict)  # the form, its layout and the summary
    role: str = DEFAULT_ROLE
    version: None = None


def new_process(actor: Actor, key: str, name: str, role: str = DEFAULT_ROLE, name_en: str = "") -> NewProcess:
    """The diagram and form of a new process `key` named `name` (in English `name_en`), its one
    lane held by `role`.

    Raises ValidationError (`process_key_taken` or `new_process_invalid`, with the field names:
    key, name, name_en, role) before anything is drawn.
    """
    require_any_role(actor, "process_designer")
    key, name, role = (key or "").strip(), " ".join((name or "").split()), (role or "").strip()
    name_en = " ".join((name_en or "").split())
    problems: dict[str, list[str]] = {}
    if not KEY.fullmatch(key) or key in RESERVED:
        problems["key"] = ["流程编码须为 3–48 个小写字母、数字或下划线，以字母开头。"]
    elif _taken(key):
        problems["key"] = ["该流程编码已被使用。"]
    if not name or len(name) > MAX_NAME or any(c in name for c in "<>&\"'"):
        problems["name"] = ["请填写流程名称（不超过 60 字，不含 < > & 引号）。"]
    if not name_en or len(name_en) > MAX_NAME or not name_en.isascii() or any(c in name_en for c in "<>&\"'"):
        problems["name_en"] = ["请填写英文名称（不超过 60 个字符，不含 < > & 引号）。"]
    if role not in ROLES:
        problems["role"] = ["请选择泳道角色。"]
    if problems:
        code = "process_key_taken" if problems.get("key") == ["该流程编码已被使用。"] else "new_process_invalid"
        raise ValidationError("新建流程的信息不符合要求。", code=code, fields=problems)
    form = f"{key}_fill.schema.json"
    return NewProcess(key, name, _diagram(key, name, role, form), name_en,
                      {form: _form(name), f"{key}_fill.ui.json": _form_ui(name, name_en),
                       summaries.file_name(key): _summary()}, role)


def _taken(key: str) -> bool:
    deployed = db.session.scalar(select(ProcessDefinition.id).where(ProcessDefinition.key == key).limit(1))
    return deployed is not None or f"{key}.bpmn" in deployments.bundle_from_dirs().files


def _form(name: str) -> str:
    # Titled with the process's name; every text has its English (a form without it is not deployed).
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object", "title": name,
              "required": ["note"],
              "properties": {"note": {"type": "string", "title": "办理意见", "minLength": 1, "maxLength": 500}}}
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def _form_ui(name: str, name_en: str) -> str:
    return json.dumps({"ui:order": ["note"], "note": {"ui:widget": "textarea"},
                       "ui:en": {name: name_en, "办理意见": "Opinion"}}, ensure_ascii=False, indent=1) + "\n"


def _summary() -> str:
    """The case's subject in the inbox: its project; the step's opinion once given."""
    return json.dumps({"title": "{project.name}",
                       "facts": [{"label": "工程项目", "text": "{project.name}"}, {"label": "办理意见", "value": "note"}],
                       "en": {"工程项目": "Project", "办理意见": "Opinion", "填写": "Fill in"}},
                      ensure_ascii=False, indent=1) + "\n"


def _diagram(key: str, name: str, role: str, form: str) -> str:
    title = quoteattr(name)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
                  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
                  xmlns:di="http://www.omg.org/spec/DD/20100524/DI"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  id="Definitions_{key}" targetNamespace="http://sitecase.example/bpmn">
  <bpmn:collaboration id="Collab_{key}">
    <bpmn:participant id="Participant_{key}" name={title} processRef="{key}"/>
  </bpmn:collaboration>
  <bpmn:process id="{key}" name={title} isExecutable="true">
    <bpmn:laneSet id="LaneSet_{key}">
      <bpmn:lane id="Lane_1" name="{role}">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>fill</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start" name="开始"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="fill" name="填写">
      <bpmn:extensionElements>
        <spiffworkflow:properties>
          <spiffworkflow:property name="formJsonSchemaFilename" value="{form}"/>
        </spiffworkflow:properties>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end" name="结束"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="fill"/>
    <bpmn:sequenceFlow id="f2" sourceRef="fill" targetRef="end"/>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_{key}">
    <bpmndi:BPMNPlane id="Plane_{key}" bpmnElement="Collab_{key}">
      <bpmndi:BPMNShape id="Participant_{key}_di" bpmnElement="Participant_{key}" isHorizontal="true">
        <dc:Bounds x="100" y="80" width="560" height="200"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="Lane_1_di" bpmnElement="Lane_1" isHorizontal="true">
        <dc:Bounds x="130" y="80" width="530" height="200"/>
      </bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="192" y="162" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="fill_di" bpmnElement="fill"><dc:Bounds x="320" y="140" width="100" height="80"/></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="end_di" bpmnElement="end"><dc:Bounds x="532" y="162" width="36" height="36"/></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1"><di:waypoint x="228" y="180"/><di:waypoint x="320" y="180"/></bpmndi:BPMNEdge>
      <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2"><di:waypoint x="420" y="180"/><di:waypoint x="532" y="180"/></bpmndi:BPMNEdge>
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
"""
