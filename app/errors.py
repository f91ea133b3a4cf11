"""Domain errors with stable codes. The only place that maps them to HTTP is app/api/errors.py."""
from __future__ import annotations


class DomainError(Exception):
    """A refusal the user can understand: a stable `code`, a message, optional field errors."""

    code = "domain_error"
    status = 400

    def __init__(self, message: str = "", *, code: str | None = None,
                 fields: dict[str, list[str]] | None = None, status: int | None = None):
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()
        if code:
            self.code = code
        if status:
            self.status = status
        self.fields = fields or {}


class NotFoundError(DomainError):
    """没有找到该记录。"""
    code = "not_found"
    status = 404


class ValidationError(DomainError):
    """提交的数据不符合要求。"""
    code = "validation_failed"
    status = 422


class PermissionDeniedError(DomainError):
    """没有执行该操作的权限。"""
    code = "permission_denied"
    status = 403


class AuthenticationError(DomainError):
    """需要登录。"""
    code = "authentication_required"
    status = 401


class ConflictError(DomainError):
    """操作与当前状态冲突。"""
    code = "conflict"
    status = 409
