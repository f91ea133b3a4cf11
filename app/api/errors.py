"""Errors to answers: JSON for the API, the error page otherwise; statuses from app/http_status.py.
No stack trace ever reaches a client."""
from __future__ import annotations

import logging

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError as SchemaError
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from werkzeug.exceptions import HTTPException

from app.api.envelope import error
from app.errors import DomainError
from app.http_status import STATUS_BY_CODE, status_of
from app.infra import uow
from app.schemas import chinese_messages
from app.web.i18n import english, in_language

log = logging.getLogger(__name__)

HTTP_CODES = {400: "bad_request", 401: "authentication_required", 403: "permission_denied",
              404: "not_found", 405: "method_not_allowed", 409: "conflict",
              413: "payload_too_large", 415: "unsupported_media_type", 429: "too_many_requests"}
HTTP_MESSAGES = {404: "没有找到该资源。", 405: "不支持该请求方法。", 413: "上传内容超过大小限制。",
                 400: "请求格式不正确。", 401: "需要登录。", 403: "没有权限。"}

# The error page's heading: what happened in words (no status number on a page).
HEADINGS = {400: "请求有误", 401: "需要登录", 403: "没有权限", 404: "没有找到", 405: "不支持该操作",
            409: "与当前状态冲突", 413: "上传内容过大", 415: "不支持的内容类型", 422: "提交的数据有误",
            429: "请求过于频繁", 500: "服务器出错", 503: "服务暂不可用"}


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz" or \
        request.accept_mimetypes.best == "application/json"


def _respond(code: str, message: str, status: int, fields: dict | None = None):
    """The refusal in the request's language (?lang=en or Accept-Language: en for English)."""
    if _wants_json():
        return error(code, in_language(message), status, _fields_in_language(fields))
    return render_template("error.html", code=code, message=message, status=status,
                           heading=HEADINGS.get(status, "出错了")), status


def _fields_in_language(fields: dict | None) -> dict | None:
    if not fields:
        return fields
    return {name: _field_in_language(said) for name, said in fields.items()}


def _field_in_language(said):
    if isinstance(said, dict):
        return _fields_in_language(said)
    if isinstance(said, (list, tuple)):
        return [_field_in_language(each) for each in said]
    if not isinstance(said, str):
        return said
    return in_language(said) if english() else chinese_messages.chinese(said)


def _refuse(code: str, message: str, fields: dict | None = None):
    """A refusal of the handlers themselves: its status is its code's in the table."""
    return _respond(code, message, STATUS_BY_CODE[code], fields)


CONSTRAINT_MESSAGES = {"reference_not_found": "引用的记录不存在。", "conflict": "记录已存在或与当前状态冲突。",
                       "constraint_violated": "提交的数据不符合约束。"}


def _constraint(exc: IntegrityError) -> str:
    """An unknown parent id is the caller's mistake (422); a duplicate is a conflict (409)."""
    sqlstate = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    text = str(exc.orig).upper()
    if sqlstate == "23503" or "FOREIGN KEY" in text:
        return "reference_not_found"
    if sqlstate == "23505" or "UNIQUE" in text:
        return "conflict"
    return "constraint_violated"


def _forget_failed_transaction() -> None:
    try:
        uow.abandon_failed_transaction()
    except SQLAlchemyError:
        log.exception("rollback after a database error failed")


def register(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        return _respond(exc.code, exc.message, status_of(exc), exc.fields)

    @app.errorhandler(SchemaError)
    def schema_error(exc: SchemaError):
        messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
        return _refuse("validation_failed", "提交的数据不符合要求。", messages)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return _refuse("csrf_failed", "页面已过期或缺少安全令牌，请刷新后重试。")

    @app.errorhandler(IntegrityError)
    def integrity_error(exc: IntegrityError):
        _forget_failed_transaction()
        code = _constraint(exc)
        return _refuse(code, CONSTRAINT_MESSAGES[code])

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def out_of_range(exc: Exception):
        # A number or text the column cannot hold (an id beyond 64 bits, a string too long).
        _forget_failed_transaction()
        return _refuse("value_out_of_range", "提交的数值或文本超出允许范围。")

    @app.errorhandler(RecursionError)
    def too_deep(exc: RecursionError):
        return _refuse("input_too_deep", "提交的数据嵌套过深。")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        return _respond(HTTP_CODES.get(status, "http_error"),
                        HTTP_MESSAGES.get(status, exc.description or ""), status)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        _forget_failed_transaction()
        return _refuse("internal_error", "服务器内部错误，已记录。")
