"""The exceptions xero_link raises: XeroLinkError, and one subclass per error code of the library's envelope."""

from __future__ import annotations

from typing import Any

__all__ = [
    "XeroLinkError", "BadJson", "BadRequest", "UnknownOperation", "OperationNotImplemented", "NotConfigured",
    "FunctionDisabled", "NotAuthenticated", "ReauthRequired", "AuthFailed", "TenantNotSet", "TenantNotConnected",
    "ValidationError", "RateLimited", "XeroUnavailable", "NetworkError", "Timeout", "Conflict", "NotFound",
    "StoreError", "InternalError", "XeroError", "DependencyError", "Uncertain", "ERRORS", "error_from",
]


class XeroLinkError(Exception):
    """An operation answered `{"ok": false, "error": {...}}`.

    `code`, `message`, `path` (the offending field, or None), `retryable` (whether the same call may succeed
    later) and the details the library adds where they apply (`http_status`, `xero_correlation_id`,
    `retry_after`, `limit`, `errors`; None when absent). `error` is the whole error object (any other member,
    e.g. `oauth_error`, is there), `request_id` the echoed request id. The library never puts a secret in an error, and neither does this class.
    """

    code: str = "unknown"

    def __init__(self, error: dict[str, Any], request_id: Any = None) -> None:
        self.error: dict[str, Any] = dict(error)
        self.code = str(error.get("code", type(self).code))
        self.message: str = str(error.get("message", ""))
        self.path: str | None = error.get("path")
        self.retryable: bool = bool(error.get("retryable", False))
        self.http_status: int | None = error.get("http_status")
        self.xero_correlation_id: str | None = error.get("xero_correlation_id")
        self.retry_after: float | None = error.get("retry_after")
        self.limit: str | None = error.get("limit")
        self.errors: list[Any] | None = error.get("errors")
        self.request_id: Any = request_id
        where = f" at {self.path}" if self.path else ""
        super().__init__(f"{self.code}{where}: {self.message}")

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, e.g. across a multiprocessing pool
        return (type(self), (self.error, self.request_id))


# The codes of the library's ErrorCode enum (README "Error codes"); tests/test_errors.py checks that every code
# of src/error.rs and of push.response.json has its class here.
class BadJson(XeroLinkError):
    """`bad_json`: not a JSON text."""
    code = "bad_json"


class BadRequest(XeroLinkError):
    """`bad_request`: JSON, but not a valid request (shape, type, unknown or missing member)."""
    code = "bad_request"


class UnknownOperation(XeroLinkError):
    """`unknown_operation`: no operation of that name."""
    code = "unknown_operation"


class OperationNotImplemented(XeroLinkError):
    """`not_implemented`: in the contract, not built yet."""
    code = "not_implemented"


class NotConfigured(XeroLinkError):
    """`not_configured`: the named connection was not configured in this process."""
    code = "not_configured"


class FunctionDisabled(XeroLinkError):
    """`function_disabled`: the link function is not ticked in the connection's `functions`."""
    code = "function_disabled"


class NotAuthenticated(XeroLinkError):
    """`not_authenticated`: nobody has signed in on this connection."""
    code = "not_authenticated"


class ReauthRequired(XeroLinkError):
    """`reauth_required`: Xero refuses the stored grant; an administrator must sign in again."""
    code = "reauth_required"


class AuthFailed(XeroLinkError):
    """`auth_failed`: the sign-in was refused (denied consent, wrong state, bad or reused code)."""
    code = "auth_failed"


class TenantNotSet(XeroLinkError):
    """`tenant_not_set`: no organisation chosen yet."""
    code = "tenant_not_set"


class TenantNotConnected(XeroLinkError):
    """`tenant_not_connected`: the organisation is no longer connected, or a scope is missing."""
    code = "tenant_not_connected"


class ValidationError(XeroLinkError):
    """`validation`: a rule is broken (ours or Xero's); `path` and `errors` say where."""
    code = "validation"


class RateLimited(XeroLinkError):
    """`rate_limited`: a Xero limit would be passed before the deadline; see `retry_after` and `limit`."""
    code = "rate_limited"


class XeroUnavailable(XeroLinkError):
    """`xero_unavailable`: Xero offline for maintenance, or the organisation temporarily unavailable."""
    code = "xero_unavailable"


class NetworkError(XeroLinkError):
    """`network`: connection refused, reset or dropped."""
    code = "network"


class Timeout(XeroLinkError):
    """`timeout`: the deadline or a configured timeout passed."""
    code = "timeout"


class Conflict(XeroLinkError):
    """`conflict`: Xero's state forbids the write."""
    code = "conflict"


class NotFound(XeroLinkError):
    """`not_found`: the thing asked for does not exist."""
    code = "not_found"


class StoreError(XeroLinkError):
    """`store`: durable state could not be read or written."""
    code = "store"


class InternalError(XeroLinkError):
    """`internal`: a bug in xero-link (a caught panic included); please report it."""
    code = "internal"


class XeroError(XeroLinkError):
    """`xero` (per record only): Xero refused the element."""
    code = "xero"


class DependencyError(XeroLinkError):
    """`dependency` (per record only): a contact, item or document the record needs is not in Xero."""
    code = "dependency"


class Uncertain(XeroLinkError):
    """`uncertain` (per record only): sent, no answer came back; pushing again settles it."""
    code = "uncertain"


ERRORS: dict[str, type[XeroLinkError]] = {
    cls.code: cls
    for cls in (
        BadJson, BadRequest, UnknownOperation, OperationNotImplemented, NotConfigured, FunctionDisabled,
        NotAuthenticated, ReauthRequired, AuthFailed, TenantNotSet, TenantNotConnected, ValidationError,
        RateLimited, XeroUnavailable, NetworkError, Timeout, Conflict, NotFound, StoreError, InternalError,
        XeroError, DependencyError, Uncertain,
    )
}


def error_from(error: dict[str, Any], request_id: Any = None) -> XeroLinkError:
    """The exception for an envelope's error object: its code's class, or XeroLinkError for a code added later."""
    return ERRORS.get(str(error.get("code")), XeroLinkError)(error, request_id)
