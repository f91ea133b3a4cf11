"""The Jinja2 environment for notices: placeholders for missing data, Chinese dates.

Why: notices are issued from workflow data that is sometimes incomplete. A
missing or empty field must print as a visible placeholder — never as an empty
gap an inspector could overlook, and never as an exception that blocks issuing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import ChainableUndefined, Environment, FileSystemLoader, Undefined
from markupsafe import Markup

from app.infra.wallclock import LOCAL_TZ
from app.rendering.qr import qr_data_uri

DOCUMENTS_DIR = Path(__file__).resolve().parents[2] / "documents"
PLACEHOLDER_TEXT = "（未填写）"
PLACEHOLDER = Markup('<span class="placeholder">%s</span>') % PLACEHOLDER_TEXT
BLANK = Markup('<span class="blank"></span>')


class PlaceholderUndefined(ChainableUndefined):
    """Undefined that chains (``a.b.c``) and prints the placeholder."""

    __slots__ = ()

    def __str__(self) -> str:
        return PLACEHOLDER_TEXT

    def __html__(self) -> str:
        return str(PLACEHOLDER)


def is_missing(value: Any) -> bool:
    """True for undefined, None and blank strings (the values a form leaves empty)."""
    if isinstance(value, Undefined) or value is None:
        return True
    return isinstance(value, str) and not value.strip()


def _finalize(value: Any) -> Any:
    return PLACEHOLDER if is_missing(value) else value


def as_list(value: Any) -> list:
    """Make any value safe to loop over: missing → [], scalar or mapping → [value]."""
    if is_missing(value):
        return []
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return [value]
    return list(value)


def cn_date(value: Any, with_time: bool = False) -> Any:
    """Format a date as ``2026年3月5日`` (``14时30分`` appended for datetimes)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return value  # already human text such as "2026年3月"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:  # a moment prints in China time, like every page
            value = value.astimezone(LOCAL_TZ)
        text = f"{value.year}年{value.month}月{value.day}日"
        if with_time or (value.hour, value.minute) != (0, 0):
            text += f"{value.hour}时{value.minute:02d}分"
        return text
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return value


def or_blank(value: Any) -> Any:
    """For fill-in-by-hand fields (receipt): an empty line instead of the placeholder."""
    return BLANK if is_missing(value) else value


def as_number(value: Any) -> float | None:
    """Parse a score or weight; None when it is missing or not a number."""
    if is_missing(value):
        return None  # float(Undefined) would raise UndefinedError
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def number(value: Any, digits: int = 1) -> Any:
    """Print a number without a needless trailing ``.0``."""
    parsed = as_number(value)
    if parsed is None:
        return value
    return f"{parsed:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{parsed:.0f}"


_ROW = re.compile(r"<tr\b.*?</tr>", re.S)
_LABEL = re.compile(r"<th[^>]*>(.*?)</th>", re.S)
_TAGS = re.compile(r"<[^>]+>")


def blank_labels(html: str) -> list[str]:
    """The labels of the table rows of a rendered notice that print the placeholder (the row's
    header cells, or the first cell of a listed item), in order: what a refusal names."""
    labels: list[str] = []
    for row in _ROW.findall(html):
        if PLACEHOLDER_TEXT not in row:
            continue
        heads = [_TAGS.sub("", h).strip() for h in _LABEL.findall(row)]
        before = _TAGS.sub(" ", row[:row.index(PLACEHOLDER_TEXT)]).split()
        label = (heads[-1] if heads else "") or (before[0] if before else "")
        if label and label not in labels:
            labels.append(label)
    return labels


def build_environment() -> Environment:
    """Create the environment; one per process is enough (templates are cached)."""
    env = Environment(
        loader=FileSystemLoader(DOCUMENTS_DIR),
        autoescape=True,
        undefined=PlaceholderUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )
    env.filters.update(
        as_list=as_list, cn_date=cn_date, or_blank=or_blank, number=number,
        qr=qr_data_uri)
    env.tests["missing"] = is_missing
    env.globals.update(as_number=as_number, PLACEHOLDER=PLACEHOLDER)
    return env
