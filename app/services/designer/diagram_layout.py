"""Compute the geometry of diagram interchange (BPMN DI) for a diagram that has none.

Left-to-right layered layout: layers follow the sequence flows (longest path, loops ignored),
rows are stacked inside each lane, lanes are horizontal bands of one participant per process.
Expanded subprocesses are laid out the same way inside their box; boundary events sit on the
bottom edge of their host. `diagram_writer` turns the geometry into XML.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
ACTIVITIES = {"task", "userTask", "serviceTask", "scriptTask", "manualTask", "businessRuleTask", "sendTask",
              "receiveTask", "callActivity", "subProcess", "transaction", "adHocSubProcess"}
SIZES = {"event": (36, 36), "gateway": (50, 50), "activity": (110, 80)}
COL_GAP, ROW_GAP, LANE_PAD, LANE_HEAD, SUB_PAD = 100, 70, 60, 60, 30
CHAR_W, LABEL_H = 12, 14


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Drawing:
    shapes: dict[str, Box] = field(default_factory=dict)
    expanded: set[str] = field(default_factory=set)
    edges: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    labels: dict[str, Box] = field(default_factory=dict)

    def shift(self, dx: float, dy: float) -> None:
        for b in [*self.shapes.values(), *self.labels.values()]:
            b.x, b.y = b.x + dx, b.y + dy
        for eid, points in self.edges.items():
            self.edges[eid] = [(x + dx, y + dy) for x, y in points]

    def merge(self, other: Drawing) -> None:
        self.shapes.update(other.shapes)
        self.expanded |= other.expanded
        self.edges.update(other.edges)
        self.labels.update(other.labels)


def _local(el) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def _kind(el) -> str | None:
    name = _local(el)
    if name in EVENTS or name == "boundaryEvent":
        return "event"
    if name in GATEWAYS:
        return "gateway"
    return "activity" if name in ACTIVITIES else None


def _label_box(name: str | None, cx: float, top: float) -> Box | None:
    if not name:
        return None
    w = max(40, min(len(name), 8) * CHAR_W)
    lines = -(-len(name) // 8)
    return Box(cx - w / 2, top, w, LABEL_H * lines)


def _layers(nodes: list[str], flows: list[tuple[str, str, str]]) -> tuple[dict[str, int], set[str]]:
    """Longest-path layer of every node and the ids of the flows that close a loop."""
    succ = defaultdict(list)
    for fid, s, t in flows:
        succ[s].append((fid, t))
    has_in = {t for _, _, t in flows}
    state, back = {}, set()
    for root in [n for n in nodes if n not in has_in] + nodes:
        if root in state:
            continue
        stack = [(root, iter(succ[root]))]
        state[root] = "open"
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = "done"
                stack.pop()
            elif state.get(nxt[1]) == "open":
                back.add(nxt[0])
            elif nxt[1] not in state:
                state[nxt[1]] = "open"
                stack.append((nxt[1], iter(succ[nxt[1]])))
    layer = {n: 0 for n in nodes}
    forward = [(s, t) for fid, s, t in flows if fid not in back]
    for _ in nodes:  # relax; the forward graph is acyclic so |nodes| rounds suffice
        changed = False
        for s, t in forward:
            if layer[t] < layer[s] + 1:
                layer[t], changed = layer[s] + 1, True
        if not changed:
            break
    return layer, back


def _layout(container, lanes: list[tuple[str, list[str]]]) -> tuple[Drawing, dict[str, Box], float, float]:
    """Lay out the flow nodes of a process or subprocess; returns drawing, lane boxes, width, height."""
    drawing = Drawing()
    nodes, sizes, names = [], {}, {}
    for el in container:
        kind = _kind(el)
        if kind is None or _local(el) == "boundaryEvent":
            continue
        nid = el.get("id")
        nodes.append(nid)
        names[nid] = el.get("name")
        if _local(el) in ("subProcess", "transaction", "adHocSubProcess") and _kind_children(el):
            inner, _, w, h = _layout(el, [])
            inner.shift(SUB_PAD, SUB_PAD + 10)
            drawing.merge(inner)
            drawing.expanded.add(nid)
            sizes[nid] = (w + 2 * SUB_PAD, h + 2 * SUB_PAD + 10)
        else:
            sizes[nid] = SIZES[kind]
    boundary = [el for el in container if _local(el) == "boundaryEvent"]
    host_of = {b.get("id"): b.get("attachedToRef") for b in boundary}
    flows = [(f.get("id"), f.get("sourceRef"), f.get("targetRef"))
             for f in container if _local(f) == "sequenceFlow"]
    graph = [(fid, host_of.get(s, s), t) for fid, s, t in flows if host_of.get(s, s) in sizes and t in sizes]
    layer, back = _layers(nodes, graph)
    lane_of = {}
    for i, (_, refs) in enumerate(lanes or [("", nodes)]):
        for ref in refs:
            lane_of.setdefault(ref, i)
    lane_count = max(len(lanes), 1)
    lane_of = {n: lane_of.get(n, 0) for n in nodes}

    # Rows: a node prefers the row of its predecessor in the same lane (one below for a boundary exit).
    preds = defaultdict(list)
    for fid, s, t in flows:
        if fid not in back and t in sizes:
            preds[t].append((host_of.get(s, s), s in host_of))
    row, taken = {}, set()
    for n in sorted(nodes, key=lambda n: layer[n]):
        wanted = [row[p] + (1 if via_boundary else 0) for p, via_boundary in preds[n]
                  if p in row and lane_of[p] == lane_of[n]]
        r = min(wanted) if wanted else 0
        while (lane_of[n], layer[n], r) in taken:
            r += 1
        row[n] = r
        taken.add((lane_of[n], layer[n], r))

    col_w = defaultdict(float)
    row_h = defaultdict(float)
    for n in nodes:
        col_w[layer[n]] = max(col_w[layer[n]], sizes[n][0])
        row_h[(lane_of[n], row[n])] = max(row_h[(lane_of[n], row[n])], sizes[n][1])
    col_x, x = {}, (LANE_HEAD if lanes else 0) + (COL_GAP / 2 if lanes else 0)
    for c in range(max(layer.values(), default=0) + 1):
        col_x[c], x = x, x + col_w[c] + COL_GAP
    width = x - COL_GAP + (COL_GAP / 2 if lanes else 0)
    lane_boxes, row_y, y = {}, {}, 0.0
    for li in range(lane_count):
        top = y
        y += LANE_PAD if lanes else 0
        rows = sorted(r for (lj, r) in row_h if lj == li)
        for r in range(max(rows, default=0) + 1):
            row_y[(li, r)], y = y, y + max(row_h.get((li, r), 0), 36) + ROW_GAP
        y = y - ROW_GAP + (LANE_PAD if lanes else 0)
        if lanes:
            lane_boxes[lanes[li][0]] = Box(0, top, 0, y - top)
    height = y
    for n in nodes:
        w, h = sizes[n]
        cx = col_x[layer[n]] + col_w[layer[n]] / 2
        cy = row_y[(lane_of[n], row[n])] + row_h[(lane_of[n], row[n])] / 2
        box = Box(cx - w / 2, cy - h / 2, w, h)
        if n in drawing.expanded:
            _shift_subprocess(drawing, container, n, box.x, box.y)
        drawing.shapes[n] = box
        kind = _kind(container.find(f"*[@id='{n}']"))
        if kind == "event":
            _set_label(drawing, n, _label_box(names[n], cx, box.y + box.h + 6))
        elif kind == "gateway":
            label = _label_box(names[n], cx - 54, 0)
            if label is not None:  # above the gateway, however many lines it takes
                label.y = box.y - label.h - 6
            _set_label(drawing, n, label)
    per_host = defaultdict(int)
    for b in boundary:
        host = drawing.shapes.get(b.get("attachedToRef"))
        if host is None:
            continue
        k = per_host[b.get("attachedToRef")]
        per_host[b.get("attachedToRef")] += 1
        box = Box(host.x + 12 + 60 * k, host.y + host.h - 18, 36, 36)
        drawing.shapes[b.get("id")] = box
        label = _label_box(b.get("name"), 0, box.y + box.h + 4 + 16 * k)
        if label is not None:
            label.x = box.cx + 6
        _set_label(drawing, b.get("id"), label)
    _route(drawing, container, flows, back, {n: col_x[layer[n]] + col_w[layer[n]] for n in nodes})
    return drawing, lane_boxes, width, height


def _kind_children(el) -> bool:
    return any(_kind(c) for c in el)


def _shift_subprocess(drawing: Drawing, container, sub_id: str, dx: float, dy: float) -> None:
    sub = container.find(f"*[@id='{sub_id}']")
    ids = {e.get("id") for e in sub.iter() if isinstance(e.tag, str) and e.get("id")}
    for nid in ids:
        if nid in drawing.shapes:
            b = drawing.shapes[nid]
            b.x, b.y = b.x + dx, b.y + dy
        if nid in drawing.labels:
            b = drawing.labels[nid]
            b.x, b.y = b.x + dx, b.y + dy
        if nid in drawing.edges:
            drawing.edges[nid] = [(x + dx, y + dy) for x, y in drawing.edges[nid]]


def _set_label(drawing: Drawing, eid: str, box: Box | None) -> None:
    if box is not None:
        drawing.labels[eid] = box


def _blocked(drawing: Drawing, points, ends: set[str]) -> bool:
    """Does the path cross a shape other than its own ends?"""
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        lo_x, hi_x, lo_y, hi_y = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
        for sid, b in drawing.shapes.items():
            if sid in ends or sid in drawing.expanded:
                continue
            if lo_x < b.x + b.w and hi_x > b.x and lo_y < b.y + b.h and hi_y > b.y:
                return True
    return False


def _detours(src: Box, tgt: Box, gap: float) -> list[list[tuple[float, float]]]:
    """Other paths for a forward flow whose direct path crosses a shape, in order of preference."""
    top, bottom = min(src.y, tgt.y) - 24, max(src.y + src.h, tgt.y + tgt.h) + 24
    side = tgt.y if tgt.cy > src.cy else tgt.y + tgt.h
    return [[(src.x + src.w, src.cy), (gap, src.cy), (gap, tgt.cy), (tgt.x, tgt.cy)],
            [(src.x + src.w, src.cy), (tgt.cx, src.cy), (tgt.cx, side)],
            [(src.cx, src.y), (src.cx, top), (tgt.cx, top), (tgt.cx, tgt.y)],
            [(src.cx, src.y + src.h), (src.cx, bottom), (tgt.cx, bottom), (tgt.cx, tgt.y + tgt.h)]]


def _route(drawing: Drawing, container, flows, back: set[str], col_right: dict[str, float]) -> None:
    loops = 0
    names = {f.get("id"): f.get("name") for f in container if _local(f) == "sequenceFlow"}
    boundary = {b.get("id"): b.get("attachedToRef") for b in container if _local(b) == "boundaryEvent"}
    for fid, s, t in flows:
        src, tgt = drawing.shapes.get(s), drawing.shapes.get(t)
        if src is None or tgt is None:
            continue
        ends = {s, t, boundary.get(s)}
        if fid in back or tgt.x < src.x:
            loops += 1
            chan = max(src.y + src.h, tgt.y + tgt.h) + 58 + 4 * (loops % 3)
            entry = tgt.cx + (16 if tgt.w >= 100 else 0)  # beside a forward exit from the same bottom
            points = [(src.cx, src.y + src.h), (src.cx, chan), (entry, chan), (entry, tgt.y + tgt.h)]
        elif s in boundary:
            drop = src.y + src.h + 14
            points = ([(src.cx, src.y + src.h), (src.cx, tgt.cy), (tgt.x, tgt.cy)] if tgt.cy > drop else
                      [(src.cx, src.y + src.h), (src.cx, drop), (tgt.x - 30, drop), (tgt.x - 30, tgt.cy),
                       (tgt.x, tgt.cy)])
        elif abs(src.cy - tgt.cy) < 1:
            points = [(src.x + src.w, src.cy), (tgt.x, tgt.cy)]
        elif tgt.cy > src.cy:
            points = [(src.cx, src.y + src.h), (src.cx, tgt.cy), (tgt.x, tgt.cy)]
        else:
            points = [(src.cx, src.y), (src.cx, tgt.cy), (tgt.x, tgt.cy)]
        if s not in boundary and fid not in back and _blocked(drawing, points, ends):
            points = next((p for p in _detours(src, tgt, col_right[s] + COL_GAP / 2) if not _blocked(drawing, p, ends)), points)
        drawing.edges[fid] = points
        name = names.get(fid)
        if name:
            (x0, y0), (_, y1) = points[0], points[1]
            if abs(y0 - y1) < 1:  # leaves sideways: label above the first segment
                below = len(points) > 2 and points[2][1] > y1  # turns down: label under, clear of a sibling's
                drawing.labels[fid] = Box(x0 + 6, y0 + 4 if below else y0 - LABEL_H - 4, len(name) * CHAR_W, LABEL_H)
            else:  # leaves downwards or upwards: label beside the vertical segment
                drawing.labels[fid] = Box(x0 + 6, min(y0, y1) + (4 if y1 > y0 else -LABEL_H - 4),
                                          len(name) * CHAR_W, LABEL_H)


def layout(root) -> tuple[list[tuple[str, str, Drawing, dict[str, Box], Box]], float]:
    """Per process: (process id, participant id, drawing, lane boxes, participant box)."""
    out, y = [], 0.0
    participants = {p.get("processRef"): p.get("id") for p in root.iter(f"{{{BPMN}}}participant")}
    for process in root.iter(f"{{{BPMN}}}process"):
        lanes = [(lane.get("id"), [r.text.strip() for r in lane.findall(f"{{{BPMN}}}flowNodeRef") if r.text])
                 for lane in process.findall(f"{{{BPMN}}}laneSet/{{{BPMN}}}lane")]
        drawing, lane_boxes, w, h = _layout(process, lanes)
        drawing.shift(160, y)
        for box in lane_boxes.values():
            box.x, box.y, box.w = 160, box.y + y, w
        pid = participants.get(process.get("id")) or f"Participant_{process.get('id')}"
        out.append((process.get("id"), pid, drawing, lane_boxes, Box(130, y, w + 30, h)))
        y += h + 60
    return out, y
