"""The one table from error codes to HTTP statuses, read by the API error handler and the pages.

A domain error's status follows its class: the nearest class in its hierarchy whose default code
is listed here. The code a raise passes (`NotFoundError(code="task_not_found")`) names the
refusal for the client; it does not change the status, so a new refusal needs no entry of its own.
"""
from __future__ import annotations

from app.errors import DomainError

STATUS_BY_CODE: dict[str, int] = {
    # The categories: default codes of the base classes in app/errors.py.
    "domain_error": 400,
    "authentication_required": 401,
    "permission_denied": 403,
    "not_found": 404,
    "conflict": 409,
    "validation_failed": 422,
    # Error classes whose status differs from their base class's.
    "account_locked": 423,
    "work_status_invalid": 409,
    "work_missing": 409,
    "experts_insufficient": 409,
    "case_start_failed": 500,
    "form_missing": 500,
    "engine_error": 500,
    "xml_doctype_refused": 422,
    "secret_unreadable": 500,  # a stored secret no configured key opens: the server's configuration
    # Refusals of the error handlers themselves (app/api/errors.py).
    "csrf_failed": 400,
    "reference_not_found": 422,
    "constraint_violated": 422,
    "value_out_of_range": 422,
    "input_too_deep": 422,
    "internal_error": 500,
}


def status_of_class(cls: type[DomainError]) -> int:
    """The status every error of `cls` answers with."""
    for klass in cls.__mro__:
        code = klass.__dict__.get("code")
        if code in STATUS_BY_CODE:
            return STATUS_BY_CODE[code]
    raise LookupError(f"{cls.__name__} derives from no class of app/errors.py")


def status_of(error: DomainError) -> int:
    """The HTTP status of a domain error (see the module docstring)."""
    return status_of_class(type(error))
