"""Reading request bodies of use cases that take plain JSON (quality, safety education): required
texts and dates, field errors collected in one ValidationError (the use cases check who asks before
they call these)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from app.errors import ValidationError


class Fields:
    """Collects the field errors of one body; `done()` raises them together."""

    def __init__(self, data: Any) -> None:
        self.data = data if isinstance(data, dict) else {}
        self.errors: dict[str, list[str]] = {}

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def text(self, name: str, max_length: int, *, required: bool = True) -> str | None:
        value = self.data.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.fail(name, "必填。")
            return None
        if not isinstance(value, str) or len(value.strip()) > max_length:
            self.fail(name, f"应为不超过 {max_length} 个字符的文本。")
            return None
        return value.strip()

    def day(self, name: str, *, required: bool = True) -> date | None:
        value = self.data.get(name)
        if value in (None, ""):
            if required:
                self.fail(name, "必填。")
            return None
        try:
            return date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else _bad()
        except ValueError:
            self.fail(name, "应为日期（YYYY-MM-DD）。")
            return None

    def moment(self, name: str, *, required: bool = True) -> datetime | None:
        value = self.data.get(name)
        if value in (None, ""):
            if required:
                self.fail(name, "必填。")
            return None
        try:
            parsed = datetime.fromisoformat(value) if isinstance(value, str) else _bad()
        except ValueError:
            self.fail(name, "应为带时区的时间（ISO 8601）。")
            return None
        if parsed.tzinfo is None:
            self.fail(name, "应为带时区的时间（ISO 8601）。")
            return None
        return parsed

    def only(self, names: set[str] | frozenset[str] | dict, what: str) -> None:
        """Refuse every field of the body not in `names` ("不是<what>的字段。"): a field the use
        case does not read is a mistake or a probe, never silently dropped."""
        for name in sorted(set(self.data) - set(names)):
            self.fail(name, f"不是{what}的字段。")

    def done(self) -> None:
        if self.errors:
            raise ValidationError(fields=self.errors)


def _bad() -> Any:
    raise ValueError("not an ISO value")
