"""Write computed diagram interchange into a BPMN file, keeping the semantic XML byte for byte.

Only the missing namespace declarations, a collaboration with one participant per process (when
there is none) and the BPMNDiagram are inserted; `flask processes layout` uses it.
"""
from __future__ import annotations

import re
from html import escape

from lxml import etree

from app.services.designer.diagram_layout import BPMN, Box, layout

DI_NAMESPACES = {"bpmndi": "http://www.omg.org/spec/BPMN/20100524/DI",
                 "dc": "http://www.omg.org/spec/DD/20100524/DC",
                 "di": "http://www.omg.org/spec/DD/20100524/DI"}


class DiagramHasDIError(ValueError):
    """The diagram already has diagram interchange (use replace=True to lay it out again)."""


def _fmt(v: float) -> str:
    return str(int(round(v)))


def _bounds(box: Box, indent: str) -> str:
    return f'{indent}<dc:Bounds x="{_fmt(box.x)}" y="{_fmt(box.y)}" width="{_fmt(box.w)}" height="{_fmt(box.h)}"/>\n'


def _label(box: Box | None, indent: str) -> str:
    if box is None:
        return ""
    return f"{indent}<bpmndi:BPMNLabel>\n{_bounds(box, indent + '  ')}{indent}</bpmndi:BPMNLabel>\n"


def diagram_xml(root, name: str) -> str:
    """The BPMNDiagram element (text, indented two spaces) for a parsed definitions root."""
    processes, _ = layout(root)
    collab = root.find(f"{{{BPMN}}}collaboration")
    plane_ref = collab.get("id") if collab is not None else f"Collab_{name}"
    out = [f'  <bpmndi:BPMNDiagram id="Diagram_{name}">\n',
           f'    <bpmndi:BPMNPlane id="Plane_{name}" bpmnElement="{plane_ref}">\n']
    i6, i8 = " " * 6, " " * 8
    for _, pid, drawing, lane_boxes, pbox in processes:
        out.append(f'{i6}<bpmndi:BPMNShape id="{pid}_di" bpmnElement="{pid}" isHorizontal="true">\n'
                   f"{_bounds(pbox, i8)}{i6}</bpmndi:BPMNShape>\n")
        for lid, box in lane_boxes.items():
            out.append(f'{i6}<bpmndi:BPMNShape id="{lid}_di" bpmnElement="{lid}" isHorizontal="true">\n'
                       f"{_bounds(box, i8)}{i6}</bpmndi:BPMNShape>\n")
        for sid, box in drawing.shapes.items():
            expanded = ' isExpanded="true"' if sid in drawing.expanded else ""
            out.append(f'{i6}<bpmndi:BPMNShape id="{sid}_di" bpmnElement="{sid}"{expanded}>\n'
                       f"{_bounds(box, i8)}{_label(drawing.labels.get(sid), i8)}{i6}</bpmndi:BPMNShape>\n")
        for eid, points in drawing.edges.items():
            wps = "".join(f'{i8}<di:waypoint x="{_fmt(x)}" y="{_fmt(y)}"/>\n' for x, y in points)
            out.append(f'{i6}<bpmndi:BPMNEdge id="{eid}_di" bpmnElement="{eid}">\n'
                       f"{wps}{_label(drawing.labels.get(eid), i8)}{i6}</bpmndi:BPMNEdge>\n")
    out.append("    </bpmndi:BPMNPlane>\n  </bpmndi:BPMNDiagram>\n")
    return "".join(out)


def add_layout(xml: bytes, name: str, replace: bool = False) -> bytes:
    """The diagram with a computed DI; semantic text unchanged except the inserted collaboration.

    Raises DiagramHasDIError when it already has a BPMNDiagram and `replace` is False.
    """
    text = xml.decode("utf-8")
    if "BPMNDiagram" in text:
        if not replace:
            raise DiagramHasDIError(name)
        text = re.sub(r"[ \t]*<(\w+:)?BPMNDiagram\b.*?</(\w+:)?BPMNDiagram>\s*\n?", "", text, flags=re.S)
    root = etree.fromstring(text.encode("utf-8"))
    prefix = f"{root.prefix}:" if root.prefix else ""
    start = re.search(rf"<{prefix}definitions\b[^>]*>", text)
    head = start.group(0)
    indent = " " * (len(f"<{prefix}definitions") + 1)
    missing = "".join(f'\n{indent}xmlns:{p}="{uri}"' for p, uri in DI_NAMESPACES.items()
                      if f"xmlns:{p}=" not in head)
    new_head = re.sub(r'(xmlns:?\w*="[^"]*")', lambda m: m.group(1) + missing, head, count=1) if missing else head
    text = text[:start.start()] + new_head + text[start.end():]
    if root.find(f"{{{BPMN}}}collaboration") is None:
        parts = "".join(f'    <{prefix}participant id="Participant_{p.get("id")}" name="{escape(p.get("name") or "")}" '
                        f'processRef="{p.get("id")}"/>\n' for p in root.iter(f"{{{BPMN}}}process"))
        collab = f'  <{prefix}collaboration id="Collab_{name}">\n{parts}  </{prefix}collaboration>\n'
        at = re.search(rf"^[ \t]*<{prefix}process\b", text, flags=re.M).start()
        text = text[:at] + collab + text[at:]
    root = etree.fromstring(text.encode("utf-8"))
    end = text.rindex(f"</{prefix}definitions>")
    return (text[:end] + diagram_xml(root, name) + text[end:]).encode("utf-8")
