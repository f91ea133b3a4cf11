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
 "return_reason": "fail_reason",
 "en": {"危大工程": "Hazardous work", "{work_name}（{project_name}）": "{work_name} ({project_name})",
        "编制专项施工方案": "Compile the special construction plan"}}
```

- `title` names the subject in inbox rows (`InboxTask.subject_title`);
- `return_reason` / `returned_by` name the data holding why and by whom a form was sent back
  (default `return_reason` / `returned_by`), shown on top of the form when it comes back;
- `facts` are shown on every task of the process, `tasks.<user task id>` after them on that task;
- a path reads the task's data when it became ready (`a.b.c`), the case's live data summary
  (`case.…`, e.g. an alarm's repeat count) or the case's project (`project.name`, `project.code`);
- a coded value (a choice of one of the process's forms: `retest`, `deadline`…) is shown as the
  label its form offered, matched by the last part of the path (`decision.kind` → field `kind`);
- `en` maps each Chinese text of the summary (labels, and title, `text` and `item` templates with
  their placeholders) and the name of each user task of the diagram to its English, read by
  pages in English (`in_english`, `english_of`); a text without an entry stays Chinese
  (tests/unit/test_process_summaries.py insists that processes/ has all of them);
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
EN_KEY = "en"
_CHINESE = re.compile(r"[\u3400-\u9fff]")
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
    words = spec.get(EN_KEY, {})
    if not isinstance(words, dict) or not all(isinstance(w, str) and w for w in words.values()):
        found.append(f"{EN_KEY} 必须是以中文文字为键、英文为值的对象。")
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


def texts(spec: dict[str, Any]) -> set[str]:
    """The Chinese texts a summary shows people: labels, and templates with Chinese beside their
    placeholders (what its `en` map must translate, with the diagram's user task names)."""
    found = set()
    facts = [*(spec.get("facts") or []), *(f for fs in (spec.get("tasks") or {}).values() for f in fs)]
    for text in [spec.get("title") or "", *(f.get("label") or "" for f in facts),
                 *(f.get(k) or "" for f in facts for k in ("text", "item"))]:
        if _CHINESE.search(_PLACEHOLDER.sub("", text)):
            found.add(text)
    return found


def english_of(spec: dict[str, Any] | None, text: str) -> str:
    """`text` (a label, a template, a user task's name) in the English of the summary's `en`
    map; the text itself when the map has none."""
    words = (spec or {}).get(EN_KEY)
    english = words.get(text) if isinstance(words, dict) else None
    return english if isinstance(english, str) and english else text


def in_english(spec: dict[str, Any] | None) -> dict[str, Any] | None:
    """The summary with its title, labels and templates in English (`en`), for `render`/`title`."""
    if not spec or not spec.get(EN_KEY):
        return spec

    def fact(f: dict[str, Any]) -> dict[str, Any]:
        return {k: english_of(spec, v) if k in ("label", "text", "item") and isinstance(v, str) else v
                for k, v in f.items()}
    return {**spec, "title": english_of(spec, spec["title"]) if spec.get("title") else spec.get("title"),
            "facts": [fact(f) for f in spec.get("facts") or []],
            "tasks": {name: [fact(f) for f in fs] for name, fs in (spec.get("tasks") or {}).items()}}


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


def fill(template: str, sources: dict[str, Any], choices: Choices | None = None,
         english: bool = False) -> str | None:
    """The template with its placeholders replaced; None when one of them is unknown."""
    values = {}
    for path in _PLACEHOLDER.findall(template):
        value = lookup(sources, path)
        if _blank(value) or isinstance(value, dict | list):
            return None
        values[path] = _plain(worded(value, path, choices), english)
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template).strip() or None


def _yes_no(yes: bool, english: bool) -> str:
    return ("Yes" if yes else "No") if english else ("是" if yes else "否")


def _plain(value: Any, english: bool = False) -> str:
    if isinstance(value, bool):
        return _yes_no(value, english)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def formatted(value: Any, how: str, english: bool = False) -> str | None:
    if _blank(value) or isinstance(value, dict | list):
        return None
    if how == "yesno":
        return _yes_no(value in (True, "true", "yes", 1), english)
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
    return _plain(value, english)


def title(spec: dict[str, Any] | None, data: dict[str, Any], choices: Choices | None = None,
          english: bool = False) -> str | None:
    """The subject's name for inbox rows, or None when the summary has none or it is unknown
    (`english`: a spec `in_english`, yes and no in English)."""
    if not spec or not spec.get("title"):
        return None
    text = fill(spec["title"], data, choices, english)
    return text[:200] if text else None


def render(spec: dict[str, Any] | None, task_name: str | None, sources: dict[str, Any],
           files: dict[int, dict[str, Any]], earlier_files: dict[str, list[int]],
           choices: Choices | None = None, english: bool = False) -> list[dict[str, Any]]:
    """The facts of a task's summary, each {label, kind: text|list|files, value}.

    `sources` holds the stored task data, `case` and `project`; `files` the case's attachments
    by id ({id, filename}); `earlier_files` the attachment ids of earlier submissions of a task,
    by task name (for `history_of`); `choices` the labels of the process's coded values;
    `english`: `spec` is `in_english` and `choices` the forms' English, yes and no in English.
    """
    if not spec:
        return []
    shown = []
    for fact in [*(spec.get("facts") or []), *((spec.get("tasks") or {}).get(task_name) or [])]:
        entry = _render_fact(fact, sources, files, earlier_files, choices, english)
        if entry is not None:
            shown.append(entry)
    return shown


def _render_fact(fact: dict[str, Any], sources: dict[str, Any], files: dict[int, dict[str, Any]],
                 earlier_files: dict[str, list[int]], choices: Choices | None,
                 english: bool) -> dict[str, Any] | None:
    label = fact["label"]
    if "text" in fact:
        text = fill(fact["text"], sources, choices, english)
        return {"label": label, "kind": "text", "value": text} if text else None
    if "value" in fact:
        path = fact["value"]
        text = formatted(worded(lookup(sources, path), path, choices), fact.get("as", "text"), english)
        return {"label": label, "kind": "text", "value": text} if text else None
    if "list" in fact:
        items = lookup(sources, fact["list"])
        if not isinstance(items, list):
            return None
        shown = [fill(fact.get("item", "{}"), item, choices, english) if isinstance(item, dict)
                 else formatted(worded(item, fact["list"], choices), "text", english) for item in items]
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
