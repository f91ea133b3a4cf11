"""Semantic form of a BPMN file, to tell whether a diagram came back from the modeler unchanged.

Two files are semantically equal when they hold the same elements with the same ids, attributes,
extension elements (spiffworkflow properties, operators and their parameters, message variables),
multi-instance settings, conditions, timers and script texts, in any order and layout: comments,
indentation, namespace prefixes, the order of sibling elements, the modeler's exporter stamp and
the coordinates of the diagram interchange do not count (which elements have a shape or an edge
does)."""
from __future__ import annotations

from collections import Counter
from typing import Any

from lxml import etree

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
IGNORED_ROOT_ATTRIBUTES = {"exporter", "exporterVersion"}
# (tag, sorted attributes, text without outer whitespace, sorted children)
Node = tuple[str, tuple[tuple[str, str], ...], str, tuple[Any, ...]]


def _qname_value(element: etree._Element, value: str) -> str:
    """`bpmn:tFormalExpression` → `{namespace}tFormalExpression` (prefixes may differ)."""
    prefix, sep, local = value.partition(":")
    if sep and prefix in (element.nsmap or {}):
        return f"{{{element.nsmap[prefix]}}}{local}"
    return value


def _node(element: etree._Element, root: bool = False) -> Node:
    attributes = []
    for name, value in element.attrib.items():
        if root and name in IGNORED_ROOT_ATTRIBUTES:
            continue
        if name == "{http://www.w3.org/2001/XMLSchema-instance}type":
            value = _qname_value(element, value)
        attributes.append((name, value))
    text = (element.text or "").strip()
    children = [c for c in element if isinstance(c.tag, str)]
    if not root:
        children_form = tuple(sorted((_node(c) for c in children), key=repr))
    else:
        children_form = tuple(sorted((_node(c) for c in children if c.tag != f"{{{BPMNDI}}}BPMNDiagram"),
                                     key=repr))
    return (element.tag, tuple(sorted(attributes)), text, children_form)


def semantic_form(xml: str | bytes) -> Node:
    """The order-free semantic tree of a BPMN document (diagram interchange left out)."""
    root = etree.fromstring(xml.encode() if isinstance(xml, str) else xml,
                            parser=etree.XMLParser(remove_comments=True, remove_blank_text=True))
    return _node(root, root=True)


def shapes_of(xml: str | bytes) -> Counter[str]:
    """Which element ids have a shape or an edge in the diagram interchange (and how many)."""
    root = etree.fromstring(xml.encode() if isinstance(xml, str) else xml)
    return Counter(e.get("bpmnElement") for e in root.iter(f"{{{BPMNDI}}}BPMNShape", f"{{{BPMNDI}}}BPMNEdge"))


def differences(before: str | bytes, after: str | bytes) -> list[str]:
    """Readable differences of the semantic trees (empty when equal), element paths by id."""
    out: list[str] = []
    _diff(semantic_form(before), semantic_form(after), "", out)
    shapes_before, shapes_after = shapes_of(before), shapes_of(after)
    if shapes_before != shapes_after:
        changed = (shapes_before - shapes_after) + (shapes_after - shapes_before)
        out.append(f"diagram interchange: {sorted(changed.elements())}")
    return out


def _label(node: Node) -> str:
    tag = node[0].split("}")[-1]
    ident = dict(node[1]).get("id") or dict(node[1]).get("name")
    return f"{tag}[{ident}]" if ident else tag


def _diff(a: Node, b: Node, path: str, out: list[str]) -> None:
    here = f"{path}/{_label(a)}"
    if a[0] != b[0] or a[1] != b[1] or a[2] != b[2]:
        out.append(f"{here}: {a[:3]!r} != {b[:3]!r}")
    left, right = Counter(a[3]), Counter(b[3])
    missing, extra = list((left - right).elements()), list((right - left).elements())
    by_label = {_label(n): n for n in extra}
    for node in missing:
        partner = by_label.pop(_label(node), None)
        if partner is None:
            out.append(f"{here}: lost {_label(node)}")
        else:
            _diff(node, partner, here, out)
    out.extend(f"{here}: added {label}" for label in by_label)
