"""What each kind of supervision record holds, and reading a request body into it: required
texts, a qualified/unqualified result, side-station times; field errors collected in one
ValidationError with the field names as keys."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.errors import ValidationError
from app.infra import wallclock

LONG, SHORT = 2000, 200
# kind -> (field, label, max length); the labels print on the PDF and head the Excel columns.
TEXTS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "log": (("weather", "天气情况", SHORT), ("works", "施工情况", LONG), ("inspections", "监理检查情况", LONG),
            ("problems", "发现的问题", LONG), ("handling", "问题处理情况", LONG),
            ("instructions", "监理指令", LONG)),
    "side_station": (("process", "旁站的关键部位、关键工序", SHORT), ("location", "施工部位", SHORT),
                     ("works", "施工情况", LONG), ("problems", "发现的问题", LONG),
                     ("handling", "处理情况", LONG)),
    "parallel_inspection": (("item", "检验项目", SHORT), ("location", "检验部位", SHORT),
                            ("findings", "检验情况", LONG)),
}
MOMENTS = {"side_station": (("started_at", "旁站开始时间"), ("ended_at", "旁站结束时间"))}
RESULTS = {"qualified": "合格", "unqualified": "不合格"}
COMMON_LABELS = {"record_date": "记录日期", "result": "检验结论"}


def labels(kind: str) -> dict[str, str]:
    """Field name -> Chinese label of one kind, in print order."""
    out = {"record_date": COMMON_LABELS["record_date"]}
    out.update({name: label for name, label, _ in TEXTS[kind]})
    out.update(dict(MOMENTS.get(kind, ())))
    if kind == "parallel_inspection":
        out["result"] = COMMON_LABELS["result"]
    return out


class _Reader:
    def __init__(self, data: Any) -> None:
        self.data = data if isinstance(data, dict) else {}
        self.errors: dict[str, list[str]] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def text(self, name: str, length: int) -> str | None:
        value = self.data.get(name)
        if not isinstance(value, str) or not value.strip():
            self.fail(name, "必填。" if value in (None, "") else "应为文本。")
            return None
        if len(value.strip()) > length:
            self.fail(name, f"应为不超过 {length} 个字符的文本。")
            return None
        return value.strip()

    def day(self, name: str) -> date | None:
        value = self.data.get(name)
        try:
            parsed = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
        except ValueError:
            parsed = None
        if parsed is None:
            self.fail(name, "必填。" if value in (None, "") else "应为日期（YYYY-MM-DD）。")
        return parsed

    def moment(self, name: str) -> datetime | None:
        value = self.data.get(name)
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            parsed = None
        if parsed is None or parsed.tzinfo is None:
            self.fail(name, "必填。" if value in (None, "") else "应为带时区的时间（ISO 8601）。")
            return None
        return parsed


def read_record(kind: str, data: Any) -> tuple[date, dict[str, Any]]:
    """(record date, content) of a body for `kind`. Raises ValidationError with every field's
    problem (unknown fields included)."""
    r = _Reader(data)
    record_date = r.day("record_date")
    if record_date and record_date > wallclock.local_today():
        r.fail("record_date", "记录日期不能晚于今天。")
    content: dict[str, Any] = {name: r.text(name, length) for name, _, length in TEXTS[kind]}
    moments = {name: r.moment(name) for name, _ in MOMENTS.get(kind, ())}
    if moments.get("started_at") and moments.get("ended_at") and moments["ended_at"] <= moments["started_at"]:
        r.fail("ended_at", "结束时间应晚于开始时间。")
    content.update({k: v.isoformat() if v else None for k, v in moments.items()})
    if kind == "parallel_inspection":
        content["result"] = r.data.get("result")
        if content["result"] not in RESULTS:
            r.fail("result", "应为 qualified（合格）或 unqualified（不合格）。")
    for name in sorted(set(r.data) - set(labels(kind))):
        r.fail(name, "不是该记录的字段。")
    if r.errors:
        raise ValidationError(fields=r.errors)
    return record_date, content
