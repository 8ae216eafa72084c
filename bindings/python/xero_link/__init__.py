"""xero_link: the Python binding of xero-link (libxero_link's C ABI through ctypes), for hosts such as IRIS.

    import xero_link
    erp = xero_link.Connection("xero-hugeerp")
    erp.configure(client_id="...", client_secret="...", redirect_uri="https://...", state_dir="/var/lib/xero")
    url = erp.authorize_url()["url"]          # the administrator opens it; the redirect page then calls
    erp.authenticate(callback_url=callback)   # with the URL Xero sent the browser back to
    erp.set_tenant(tenant_name="Huge ERP Test Ltd")
    answer = erp.push_invoices(invoices=[...], progress=print)

`call(operation, request)` runs any operation by name and returns its `result`; an error envelope is raised as
the XeroLinkError subclass of its code. Log records go to the `xero_link` logger. Nothing here reimplements the
library: each call is one function of include/xero_link.h.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, cast

from . import _native
from ._native import ABI_VERSION, LIBRARY_ENV, StateStore
from .errors import (
    ERRORS,
    BadJson,
    BadRequest,
    UnknownOperation,
    OperationNotImplemented,
    NotConfigured,
    FunctionDisabled,
    NotAuthenticated,
    ReauthRequired,
    AuthFailed,
    TenantNotSet,
    TenantNotConnected,
    ValidationError,
    RateLimited,
    XeroUnavailable,
    NetworkError,
    Timeout,
    Conflict,
    NotFound,
    StoreError,
    InternalError,
    XeroError,
    DependencyError,
    Uncertain,
    XeroLinkError,
    error_from,
)
from .types import (
    AccountsResponse,
    GetDocumentsArguments,
    GetDocumentsResponse,
    LookupArguments,
    PushContactsArguments,
    PushCreditNotesArguments,
    PushInvoiceArguments,
    PushInvoicesArguments,
    PushItemsArguments,
    PushPaymentsArguments,
    PushResponse,
    TaxRatesResponse,
    TrackingCategoriesResponse,
)

if sys.version_info >= (3, 11):
    from typing import Unpack
else:  # Python 3.10
    from typing_extensions import Unpack

__all__ = [
    "ABI_VERSION", "LIBRARY_ENV", "library_path", "version", "abi_version", "call", "call_envelope",
    "set_log_level", "set_state_store", "StateStore", "Connection", "Progress", "XeroLinkError", "ERRORS",
    "error_from",
    "BadJson",
    "BadRequest",
    "UnknownOperation",
    "OperationNotImplemented",
    "NotConfigured",
    "FunctionDisabled",
    "NotAuthenticated",
    "ReauthRequired",
    "AuthFailed",
    "TenantNotSet",
    "TenantNotConnected",
    "ValidationError",
    "RateLimited",
    "XeroUnavailable",
    "NetworkError",
    "Timeout",
    "Conflict",
    "NotFound",
    "StoreError",
    "InternalError",
    "XeroError",
    "DependencyError",
    "Uncertain",
]

Progress = Callable[[dict[str, Any]], object]
"""A progress callable: gets each event `{"operation","connection","done","total","waiting_seconds"?,"limit"?}`."""

library_path: str = str(_native.LIBRARY_PATH)
"""The path of the loaded libxero_link."""


def version() -> str:
    """The library's version (xero_version)."""
    return bytes(_native.LIB.xero_version()).decode("ascii")


def abi_version() -> int:
    """The library's ABI version (xero_abi_version); equal to ABI_VERSION, or the import would have failed."""
    return int(_native.LIB.xero_abi_version())


def call_envelope(operation: str, request: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """Runs `operation` and returns the whole envelope, errors included, without raising (e.g. for ObjectScript)."""
    return _native.envelope(operation, request, progress)


def call(operation: str, request: dict[str, Any], progress: Progress | None = None) -> dict[str, Any]:
    """Runs `operation` (any name README lists) on `request` and returns its `result`.

    An error answer raises the XeroLinkError subclass of its code (ValidationError, RateLimited, ...).
    `progress`, when given, receives the progress events of this call, on this thread.
    """
    return cast(dict[str, Any], _native.result(_native.envelope(operation, request, progress)))


def set_log_level(level: str) -> dict[str, Any]:
    """Which records the library sends to the `xero_link` logger: error, warn, info (default), debug, trace."""
    return call("set_log_level", {"level": level})


def set_state_store(store: StateStore | None) -> None:
    """Registers the process's host state store (connections with `"state_store": "host"`); None removes it.

    Exceptions raised by its methods are logged and reported to the library as a store failure (error `store`,
    retryable), never as success. See xero_link.iris for one kept in IRIS globals.
    """
    _native.set_state_store(store)


class Connection:
    """One named connection (`xero-{namespace}`): one method per operation, the request as keyword arguments.

    Every method adds `connection` to the request, runs the operation and returns its result, raising the
    XeroLinkError subclass of the code on an error. The object holds only the name: create as many as you like,
    on any thread or process.
    """

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"Connection({self.name!r})"

    def _call(self, operation: str, fields: dict[str, Any], progress: Progress | None = None) -> Any:
        return _native.result(_native.envelope(operation, {"connection": self.name, **fields}, progress))

    # Setup and sign-in (no published schema: plain JSON objects; README "Configuration" and "Signing in").
    def configure(self, **config: Any) -> dict[str, Any]:
        """Registers or updates the connection: client_id, client_secret, redirect_uri, functions, defaults, ..."""
        return cast(dict[str, Any], self._call("configure", config))

    def authorize_url(self, **fields: Any) -> dict[str, Any]:
        """The Xero consent URL to open: `{url, state, expires_at}`."""
        return cast(dict[str, Any], self._call("authorize_url", fields))

    def authenticate(self, **fields: Any) -> dict[str, Any]:
        """Completes the sign-in: `callback_url=` (or `code=`, `state=`), `loopback={...}`, or nothing."""
        return cast(dict[str, Any], self._call("authenticate", fields))

    def connections(self, **fields: Any) -> dict[str, Any]:
        """The organisations the sign-in may reach: `{connections: [...]}`."""
        return cast(dict[str, Any], self._call("connections", fields))

    def set_tenant(self, **fields: Any) -> dict[str, Any]:
        """Chooses the organisation: `tenant_id=` or `tenant_name=`."""
        return cast(dict[str, Any], self._call("set_tenant", fields))

    def status(self, **fields: Any) -> dict[str, Any]:
        """Signed in?, tenant, scopes, token expiry, limits seen; never a secret."""
        return cast(dict[str, Any], self._call("status", fields))

    def disconnect(self, **fields: Any) -> dict[str, Any]:
        """Removes the organisation's connection at Xero and forgets tokens and tenant."""
        return cast(dict[str, Any], self._call("disconnect", fields))

    def export_state(self, **fields: Any) -> dict[str, Any]:
        """The connection's durable state (`xero-link-auth-state/1`); without an encryption_key, a secret."""
        return cast(dict[str, Any], self._call("export_state", fields))

    def import_state(self, **fields: Any) -> dict[str, Any]:
        """Puts an export back: `state=`, `force=`."""
        return cast(dict[str, Any], self._call("import_state", fields))

    # Pushes (typed from schemas/push_*.request.json and push.response.json).
    def push_contacts(self, *, progress: Progress | None = None, **request: Unpack[PushContactsArguments]) -> PushResponse:
        """Pushes debtors and creditors (`contacts=`)."""
        return cast(PushResponse, self._call("push_contacts", dict(request), progress))

    def push_items(self, *, progress: Progress | None = None, **request: Unpack[PushItemsArguments]) -> PushResponse:
        """Pushes inventory items (`items=`)."""
        return cast(PushResponse, self._call("push_items", dict(request), progress))

    def push_invoice(self, *, progress: Progress | None = None, **request: Unpack[PushInvoiceArguments]) -> PushResponse:
        """Pushes one sales invoice or bill (`invoice=`)."""
        return cast(PushResponse, self._call("push_invoice", dict(request), progress))

    def push_invoices(self, *, progress: Progress | None = None, **request: Unpack[PushInvoicesArguments]) -> PushResponse:
        """Pushes sales invoices and bills (`invoices=`, with the `contacts=` and `items=` they use)."""
        return cast(PushResponse, self._call("push_invoices", dict(request), progress))

    def push_credit_notes(
        self, *, progress: Progress | None = None, **request: Unpack[PushCreditNotesArguments]
    ) -> PushResponse:
        """Pushes credit notes with their allocations (`credit_notes=`)."""
        return cast(PushResponse, self._call("push_credit_notes", dict(request), progress))

    def push_payments(self, *, progress: Progress | None = None, **request: Unpack[PushPaymentsArguments]) -> PushResponse:
        """Pushes payments and refunds (`payments=`)."""
        return cast(PushResponse, self._call("push_payments", dict(request), progress))

    # Lookups for the setup screens and reconciliation (typed from their schemas).
    def get_accounts(self, **request: Unpack[LookupArguments]) -> AccountsResponse:
        """The chart of accounts (for "Xero Sales Acc" and "Xero COS Acc")."""
        return cast(AccountsResponse, self._call("get_accounts", dict(request)))

    def get_tax_rates(self, **request: Unpack[LookupArguments]) -> TaxRatesResponse:
        """The organisation's tax rates."""
        return cast(TaxRatesResponse, self._call("get_tax_rates", dict(request)))

    def get_tracking_categories(self, **request: Unpack[LookupArguments]) -> TrackingCategoriesResponse:
        """Tracking categories and options (for "Xero Division" and "Xero Sales Rep")."""
        return cast(TrackingCategoriesResponse, self._call("get_tracking_categories", dict(request)))

    def get_documents(self, **request: Unpack[GetDocumentsArguments]) -> GetDocumentsResponse:
        """Xero's status, totals and amount due of pushed documents (`documents=`)."""
        return cast(GetDocumentsResponse, self._call("get_documents", dict(request)))
