"""Domain errors with stable codes. Their HTTP statuses live in one table, app/http_status.py."""
from __future__ import annotations


class DomainError(Exception):
    """A refusal the user can understand: a stable `code`, a message, optional field errors."""

    code = "domain_error"

    def __init__(self, message: str = "", *, code: str | None = None,
                 fields: dict[str, list[str]] | None = None):
        super().__init__(message or self.__class__.__doc__ or self.code)
        self.message = message or (self.__class__.__doc__ or self.code).strip()
        if code:
            self.code = code
        self.fields = fields or {}


class NotFoundError(DomainError):
    """没有找到该记录。"""
    code = "not_found"


class ValidationError(DomainError):
    """提交的数据不符合要求。"""
    code = "validation_failed"


class PermissionDeniedError(DomainError):
    """没有执行该操作的权限。"""
    code = "permission_denied"


class AuthenticationError(DomainError):
    """需要登录。"""
    code = "authentication_required"


class ConflictError(DomainError):
    """操作与当前状态冲突。"""
    code = "conflict"
