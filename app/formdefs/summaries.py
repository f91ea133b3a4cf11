"""The summary of a case's subject, as each process declares it in `processes/<key>.summary.json`.

A summary is data deployed with the diagram (it is part of the definition's sources and its
content hash), not Python per page:

```json
{"title": "{work_name}（{project_name}）",
 "facts": [{"label": "危大工程", "text": "{work_code} {work_name}"},
           {"label": "首次报警", "value": "alarm.occurred_at", "as": "datetime"},
           {"label": "重复次数", "value": "case.alarm.count"},
           {"label": "问题", "list": "problems", "item": "{location}：{description}"},
           {"label": "方案文件", "files": "plan_file", "history_of": "compile_plan"}],
 "tasks": {"give_opinion": [{"label": "论证会", "text": "{argumentation_date} {argumentation_venue}"}]},
 "return_reason": "fail_reason"}
```

- `title` names the subject in inbox rows (`InboxTask.subject_title`);
- `return_reason` / `returned_by` name the data holding why and by whom a form was sent back
  (default `return_reason` / `returned_by`), shown on top of the form when it comes back;
- `facts` are shown on every task of the process, `tasks.<user task id>` after them on that task;
- a path reads the task's data when it became ready (`a.b.c`), the case's live data summary
  (`case.…`, e.g. an alarm's repeat count) or the case's project (`project.name`, `project.code`);
- a coded value (a choice of one of the process's forms: `retest`, `deadline`…) is shown as the
  label its form offered, matched by the last part of the path (`decision.kind` → field `kind`);
- a fact whose value is unknown is left out (a summary never shows a blank); `as` formats a
  `value` (`datetime` / `date` in China time, `yesno`); `files` lists the case's attachments of
  that field, the ones the data names marked current and, with `history_of`, the files of
  earlier submissions of that task listed as superseded.

Reading a summary never runs the engine: case_sync keeps the data roots a summary names on the
inbox row (`form_values`) and `render` reads them there.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")
SUFFIX = ".summary.json"
KINDS = ("text", "value", "list", "files")
FORMATS = ("text", "date", "datetime", "yesno")
LIVE_ROOTS = ("case", "project")
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][\w.]*)\}")


def file_name(key: str) -> str:
    return f"{key}{SUFFIX}"


def is_summary_file(name: str) -> bool:
    return name.endswith(SUFFIX)


def key_of(name: str) -> str:
    return name[:-len(SUFFIX)]


def parse(raw: str | bytes | None) -> dict[str, Any] | None:
    return json.loads(raw) if raw else None


def problems(spec: Any, user_tasks: set[str]) -> list[str]:
    """What is wrong with a summary (empty when it can be deployed)."""
    if not isinstance(spec, dict):
        return ["摘要必须是一个 JSON 对象。"]
    found = []
    for name in ("title", "return_reason", "returned_by"):
        if not isinstance(spec.get(name, ""), str):
            found.append(f"{name} 必须是文本。")
    if not isinstance(spec.get("facts"), list) or not spec["facts"]:
        found.append("facts 必须是非空列表。")
    tasks = spec.get("tasks") or {}
    if not isinstance(tasks, dict):
        return [*found, "tasks 必须是以用户任务 id 为键的对象。"]
    found += [f"tasks.{name}：流程中没有这个用户任务。" for name in tasks if name not in user_tasks]
    for where, facts in [("facts", spec.get("facts") or []), *((f"tasks.{n}", f) for n, f in tasks.items())]:
        if not isinstance(facts, list):
            found.append(f"{where} 必须是列表。")
            continue
        for i, fact in enumerate(facts):
            found += [f"{where}.{i}：{p}" for p in _fact_problems(fact)]
    return found


def _fact_problems(fact: Any) -> list[str]:
    if not isinstance(fact, dict) or not isinstance(fact.get("label"), str) or not fact["label"]:
        return ["每一项都要有 label。"]
    kinds = [k for k in KINDS if k in fact]
    if len(kinds) != 1:
        return [f"须且只能有 {'/'.join(KINDS)} 之一。"]
    if fact.get("as", "text") not in FORMATS:
        return [f"as 只能是 {'/'.join(FORMATS)}。"]
    if "list" in fact and not isinstance(fact.get("item", "{}"), str):
        return ["item 必须是文本模板。"]
    return []


def _paths(spec: dict[str, Any], task_name: str | None) -> list[str]:
    facts = [*(spec.get("facts") or []), *((spec.get("tasks") or {}).get(task_name) or [])]
    found = _PLACEHOLDER.findall(spec.get("title") or "")
    for fact in facts:
        if "text" in fact:
            found += _PLACEHOLDER.findall(fact["text"])
        for kind in ("value", "list", "files"):
            if kind in fact:
                found.append(fact[kind])
    return found


def data_roots(spec: dict[str, Any] | None, task_name: str | None) -> set[str]:
    """The top-level data names the summary of this task reads (kept on the inbox row)."""
    if not spec:
        return set()
    paths = [*_paths(spec, task_name), spec.get("return_reason") or "return_reason",
             spec.get("returned_by") or "returned_by"]
    return {p.split(".")[0] for p in paths if p.split(".")[0] not in LIVE_ROOTS}


def lookup(sources: dict[str, Any], path: str) -> Any:
    value: Any = sources
    for part in path.split("."):
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


Choices = dict[str, dict[str, str]]  # {field: {stored value: label}} of the process's forms


def worded(value: Any, path: str, choices: Choices | None) -> Any:
    """The label the forms give a coded value of the field `path` ends in, else the value."""
    if not choices or _blank(value) or isinstance(value, dict | list):
        return value
    return choices.get(path.rsplit(".", 1)[-1], {}).get(str(value), value)


def fill(template: str, sources: dict[str, Any], choices: Choices | None = None) -> str | None:
    """The template with its placeholders replaced; None when one of them is unknown."""
    values = {}
    for path in _PLACEHOLDER.findall(template):
        value = lookup(sources, path)
        if _blank(value) or isinstance(value, dict | list):
            return None
        values[path] = _plain(worded(value, path, choices))
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template).strip() or None


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def formatted(value: Any, how: str) -> str | None:
    if _blank(value) or isinstance(value, dict | list):
        return None
    if how == "yesno":
        return "是" if value in (True, "true", "yes", 1) else "否"
    if how in ("date", "datetime") and isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
        if moment.tzinfo is not None:
            moment = moment.astimezone(CHINA)
        if how == "date" or (len(value) == 10 and isinstance(moment, date)):
            return moment.strftime("%Y-%m-%d")
        return moment.strftime("%Y-%m-%d %H:%M")
    return _plain(value)


def title(spec: dict[str, Any] | None, data: dict[str, Any], choices: Choices | None = None) -> str | None:
    """The subject's name for inbox rows, or None when the summary has none or it is unknown."""
    if not spec or not spec.get("title"):
        return None
    text = fill(spec["title"], data, choices)
    return text[:200] if text else None


def render(spec: dict[str, Any] | None, task_name: str | None, sources: dict[str, Any],
           files: dict[int, dict[str, Any]], earlier_files: dict[str, list[int]],
           choices: Choices | None = None) -> list[dict[str, Any]]:
    """The facts of a task's summary, each {label, kind: text|list|files, value}.

    `sources` holds the stored task data, `case` and `project`; `files` the case's attachments
    by id ({id, filename}); `earlier_files` the attachment ids of earlier submissions of a task,
    by task name (for `history_of`); `choices` the labels of the process's coded values.
    """
    if not spec:
        return []
    shown = []
    for fact in [*(spec.get("facts") or []), *((spec.get("tasks") or {}).get(task_name) or [])]:
        entry = _render_fact(fact, sources, files, earlier_files, choices)
        if entry is not None:
            shown.append(entry)
    return shown


def _render_fact(fact: dict[str, Any], sources: dict[str, Any], files: dict[int, dict[str, Any]],
                 earlier_files: dict[str, list[int]], choices: Choices | None) -> dict[str, Any] | None:
    label = fact["label"]
    if "text" in fact:
        text = fill(fact["text"], sources, choices)
        return {"label": label, "kind": "text", "value": text} if text else None
    if "value" in fact:
        path = fact["value"]
        text = formatted(worded(lookup(sources, path), path, choices), fact.get("as", "text"))
        return {"label": label, "kind": "text", "value": text} if text else None
    if "list" in fact:
        items = lookup(sources, fact["list"])
        if not isinstance(items, list):
            return None
        shown = [fill(fact.get("item", "{}"), item, choices) if isinstance(item, dict)
                 else formatted(worded(item, fact["list"], choices), "text") for item in items]
        shown = [s for s in shown if s]
        return {"label": label, "kind": "list", "value": shown} if shown else None
    current = _ids(lookup(sources, fact["files"]))
    older = [i for i in earlier_files.get(fact.get("history_of") or "", []) if i not in current]
    listed = [{**files[i], "current": True} for i in current if i in files]
    listed += [{**files[i], "current": False} for i in dict.fromkeys(older) if i in files]
    return {"label": label, "kind": "files", "value": listed} if listed else None


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]
