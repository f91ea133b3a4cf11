"""Shared helpers of the pages: the acting user, dates in Asia/Shanghai, paging (and the whole
filtered list when a paged page is exported), error display."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, current_app, flash, g, request, url_for
from flask_babel import get_locale, gettext
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError

from app.domain import vocabulary
from app.errors import DomainError, ValidationError
from app.services.access import login
from app.services.access.actors import Actor
from app.services.notifications import delivery
from app.web import bp
from app.web.i18n import english, in_language, translate
from app.web.table_export import wants_workbook

PAGE_SIZE = 20


def web_actor() -> Actor:
    """The actor of the logged-in session user (cached per request)."""
    # Cached on the request (not on `g`, which outlives a request when an app context is shared).
    actor = request.environ.get("sitecase.actor")
    if actor is None:
        actor = login.session_actor(current_user._get_current_object(), request.remote_addr)
        if actor is None:
            abort(401)
        request.environ["sitecase.actor"] = actor
    return actor


def flash_said(message: object, category: str = "ok") -> None:
    """A flash in the language of the page that will show it: written in words now, since a
    message's own English (app.formdefs.messages.Said) does not survive the session."""
    flash(in_language(message), category)


def flash_field_errors(exc: DomainError, labels: dict[str, str]) -> None:
    """A refusal with field errors as one flash, each field by its label (`labels`: field → its
    Chinese label, in the catalogue), in the page's language; the refusal's message without them."""
    between, after, joined = ("; ", ": ", " ") if english() else ("；", "：", "")
    said = between.join(f"{translate(labels.get(name.split('.')[0], '其他'))}{after}"
                        f"{joined.join(in_language(m) for m in messages)}" for name, messages in (exc.fields or {}).items())
    flash_said(said or exc.message, "error")


def page(view: Callable) -> Callable:
    """login_required + the actor resolved before the view runs."""
    @login_required
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        web_actor()
        return view(*args, **kwargs)
    return wrapper


def local_time(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A UTC datetime shown in the configured zone (Asia/Shanghai)."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    zone = ZoneInfo(current_app.config.get("TIMEZONE", "Asia/Shanghai"))
    return value.astimezone(zone).strftime(fmt) if value.tzinfo else value.strftime(fmt)


@dataclass(frozen=True)
class Paging:
    page: int
    size: int
    total: int
    param: str = "page"  # the query argument of the page number (a page with several paged lists)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    def counted(self, total: int) -> Paging:
        """This page with the list's total; an export of more rows than it may hold is refused
        (ValidationError `export_too_large`), never cut short."""
        if wants_workbook() and self.size == export_max_rows() and total > self.size:
            raise ValidationError(gettext("共 %(total)s 行，超过导出上限 %(limit)s 行：请缩小筛选范围后再导出。",
                                          total=f"{total:,}", limit=f"{self.size:,}"), code="export_too_large")
        return Paging(self.page, self.size, total, self.param)


def export_max_rows() -> int:
    return int(current_app.config.get("EXPORT_MAX_ROWS", 50_000))


def paging_args(total: int = 0, size: int = PAGE_SIZE, *, exported: bool = False, param: str = "page") -> Paging:
    """The page asked for (`?<param>=n`); on a page whose tables export (`exported`), `?format=xlsx`
    asks for the whole filtered list instead: one page of at most EXPORT_MAX_ROWS rows."""
    if exported and wants_workbook():
        return Paging(1, export_max_rows(), total, param)
    try:
        number = max(1, int(request.args.get(param, 1)))
    except ValueError:
        number = 1
    return Paging(number, size, total, param)


def is_official(actor: Actor) -> bool:
    return actor.is_admin or bool(actor.jurisdiction_paths)


@bp.before_app_request
def _forget_previous_user() -> None:
    """Flask-Login keeps the user on `g`; an app context shared by several requests (tests, CLI)
    must not carry one user's identity into another client's request."""
    g.pop("_login_user", None)


@bp.app_template_filter("dt")
def _dt_filter(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return local_time(value, fmt)


@bp.app_template_filter("role_label")
def _role_label(code: str | None) -> str:
    return vocabulary.word(code, "role", str(get_locale() or "zh"))


@bp.app_template_global("role_words")
def _role_words() -> dict[str, str]:
    """Every role code → its words in the page's language (lanes of a diagram are role codes)."""
    return vocabulary.labels("role", str(get_locale() or "zh"))


_ROW_MARK = 918273645546372819  # an id no table reaches, unmistakable inside a URL


@bp.app_template_global("row_url")
def row_url(endpoint: str, key: str, **values: Any) -> Callable[[int], str]:
    """`url_for(endpoint, key=id, **values)` for the many rows of a list, built once: a row's
    URL is the one built for a marker id with the row's id in its place (the int converter writes
    an id as its digits). `url_for` twice a row was a tenth of the inbox page's CPU."""
    prefix, _marker, suffix = url_for(endpoint, **{key: _ROW_MARK}, **values).partition(str(_ROW_MARK))
    return lambda row_id: f"{prefix}{int(row_id)}{suffix}"


@dataclass(frozen=True)
class MenuFlags:
    """What the main menu shows of an actor (templates/_mainnav.html reads only these)."""

    official: bool
    statistics: bool
    designer: bool
    admin: bool


# (language, script root, flags) → the menu's HTML: the same for every page and every user with
# the same flags, so rendered once per process (its ~20 url_for and _() were a quarter of a
# simple page's CPU). Bounded by 2 languages × 16 flag sets per mount point.
_MENUS: dict[tuple[str, str, MenuFlags], Markup] = {}


@bp.app_template_global("main_nav")
def main_nav(actor: Actor) -> Markup:
    """The main menu of `actor`'s pages."""
    official = is_official(actor)
    flags = MenuFlags(official=official,
                      statistics=bool(actor.is_admin or actor.jurisdiction_paths or actor.project_ids),
                      designer=actor.has_role("process_designer") or official,
                      admin=actor.is_admin or actor.has_role("auditor") or official)
    key = (str(get_locale() or "zh"), request.script_root, flags)
    menu = _MENUS.get(key)
    if menu is None:
        # Only the environment's globals (url_for, _()): nothing of the request or the user.
        menu = Markup(current_app.jinja_env.get_template("_mainnav.html").render(nav=flags).strip())
        if len(_MENUS) < 256 and not current_app.jinja_env.auto_reload:  # templates edited live: no cache
            _MENUS[key] = menu
    return menu


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    base = {"lang": str(get_locale() or "zh"), "nav_actor": None, "is_official": is_official}
    if not current_user.is_authenticated:
        return base
    try:
        actor = web_actor()
    except Exception:  # noqa: BLE001  (a disabled account must still see the error page)
        return base
    return {**base, "nav_actor": actor, "nav_unread": _unread(actor)}


def _unread(actor: Actor) -> int:
    """The bell's unread count: one indexed COUNT, once per request, for logged-in users only."""
    count = request.environ.get("sitecase.unread")
    if count is None:
        try:
            count = delivery.unread_count(actor)
        except SQLAlchemyError:  # an error page after a failed statement still renders, without a count
            return 0
        request.environ["sitecase.unread"] = count
    return count
