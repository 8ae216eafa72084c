"""Types of every request and result of xero-link with a published JSON Schema; GENERATED, do not edit.

Made by tools/gen_types.py from the repository's schemas/ directory; tests/test_types.py fails when this
file is stale. Operations without a published schema (version, configure, set_log_level, authorize_url, authenticate, connections, set_tenant, status, disconnect, export_state, import_state, debug_panic) take and give plain JSON objects.
"""

from __future__ import annotations

import sys
from typing import Any, Literal, TypedDict

if sys.version_info >= (3, 11):
    from typing import NotRequired
else:  # Python 3.10
    from typing_extensions import NotRequired

__all__ = [
    "AccountInfo",
    "AccountsResponse",
    "AmountsAre",
    "ContactRole",
    "DocumentKind",
    "DocumentQuery",
    "DocumentState",
    "DocumentStatus",
    "DocumentTotals",
    "DocumentType",
    "ErpAddress",
    "ErpAllocation",
    "ErpContact",
    "ErpCreditNote",
    "ErpInvoice",
    "ErpItem",
    "ErpLine",
    "ErpPayment",
    "ErrorCode",
    "GetDocumentsArguments",
    "GetDocumentsRequest",
    "GetDocumentsResponse",
    "LookupArguments",
    "LookupRequest",
    "Outcome",
    "PushContactsArguments",
    "PushContactsRequest",
    "PushCreditNotesArguments",
    "PushCreditNotesRequest",
    "PushInvoiceArguments",
    "PushInvoiceRequest",
    "PushInvoicesArguments",
    "PushInvoicesRequest",
    "PushItemsArguments",
    "PushItemsRequest",
    "PushPaymentsArguments",
    "PushPaymentsRequest",
    "PushResponse",
    "RecordError",
    "RecordResult",
    "Summary",
    "TaxRateInfo",
    "TaxRatesResponse",
    "TrackingCategoriesResponse",
    "TrackingCategoryInfo",
    "TrackingOptionInfo",
]


ErpAddress = TypedDict(
    "ErpAddress",
    {
        "attention_to": NotRequired[str | None],
        "city": NotRequired[str | None],
        "country": NotRequired[str | None],
        # Up to 4 lines of ≤ 500 characters.
        "lines": NotRequired[list[str]],
        "postal_code": NotRequired[str | None],
        "region": NotRequired[str | None],
    },
)

ContactRole = Literal["debtor", "creditor"]

# A debtor (customer) or creditor (supplier), keyed by its ERP code (Xero `ContactNumber`).
ErpContact = TypedDict(
    "ErpContact",
    {
        # Xero `AccountNumber` (≤ 50).
        "account_number": NotRequired[str | None],
        # Postal address (Xero `POBOX` address).
        "address": NotRequired[ErpAddress | None],
        # The ERP's debtor or creditor code: Xero `ContactNumber` (1–50 characters). Debtors and creditors share one
        # code space in Xero: a code names one contact.
        "code": str,
        # Company registration number (≤ 50).
        "company_number": NotRequired[str | None],
        # Default currency, ISO 4217 (e.g. `NZD`).
        "currency": NotRequired[str | None],
        "email": NotRequired[str | None],
        "fax": NotRequired[str | None],
        "first_name": NotRequired[str | None],
        "last_name": NotRequired[str | None],
        "mobile": NotRequired[str | None],
        # Xero `Name` (1–255), unique among Xero's active contacts.
        "name": str,
        "phone": NotRequired[str | None],
        # `debtor` (needs the `debtors` function) or `creditor` (needs `creditors`).
        "role": ContactRole,
        # Street address (Xero `STREET` address).
        "street_address": NotRequired[ErpAddress | None],
        # ABN / GST / VAT / tax id number (≤ 50).
        "tax_number": NotRequired[str | None],
        "xero": NotRequired[dict[str, Any] | None],
    },
)

# `push_contacts`: debtors and creditors.
PushContactsRequest = TypedDict(
    "PushContactsRequest",
    {
        "connection": str,
        "contacts": list[ErpContact],
        "deadline_ms": NotRequired[int | None],
        # Check and report what would happen; write nothing.
        "dry_run": NotRequired[bool],
        # Any JSON value; echoed as the answer's `request_id`.
        "request_id": NotRequired[Any],
    },
)

# `push_contacts`: debtors and creditors.
PushContactsArguments = TypedDict(
    "PushContactsArguments",
    {
        "contacts": list[ErpContact],
        "deadline_ms": NotRequired[int | None],
        # Check and report what would happen; write nothing.
        "dry_run": NotRequired[bool],
        # Any JSON value; echoed as the answer's `request_id`.
        "request_id": NotRequired[Any],
    },
)

# Stable machine codes. The string forms are the public contract (documented in README.md and the header);
# codes are only ever added, never renamed or reused.
ErrorCode = Literal["bad_json", "bad_request", "unknown_operation", "not_implemented", "not_configured", "function_disabled", "not_authenticated", "reauth_required", "auth_failed", "tenant_not_set", "tenant_not_connected", "validation", "rate_limited", "xero_unavailable", "network", "timeout", "conflict", "not_found", "store", "internal", "xero", "dependency", "uncertain"]

# One problem with a record.
RecordError = TypedDict(
    "RecordError",
    {
        # `validation` (ours), `xero` (Xero's validation message), `conflict` (Xero's state forbids the change),
        # `dependency` (a contact / item / document it needs is not in Xero), `function_disabled`, `uncertain`, or the
        # code of a failed call (`network`, `rate_limited`, `timeout`, ...): one vocabulary with the call's codes.
        "code": ErrorCode,
        "message": str,
        # Request path of the offending field, e.g. `invoices[3].lines[2].quantity`; the record's own path
        # (`invoices[3]`) when the problem names no field (Xero's validation messages, failed calls).
        "path": NotRequired[str | None],
    },
)

# What happened to one record (in a dry run: what would happen).
Outcome = Literal["created", "updated", "failed", "unchanged", "uncertain"]

# Xero's totals of a document, exact, as strings (`"115.00"`).
DocumentTotals = TypedDict(
    "DocumentTotals",
    {
        "amount_due": NotRequired[str | None],
        "sub_total": NotRequired[str | None],
        "total": NotRequired[str | None],
        "total_tax": NotRequired[str | None],
    },
)

# The result of one record, in input order.
RecordResult = TypedDict(
    "RecordResult",
    {
        # Credit notes: one result per allocation, in input order.
        "allocations": NotRequired[list["RecordResult"] | None],
        "errors": list[RecordError],
        # Position in the request's array.
        "index": int,
        # The ERP key: contact or item code, document number, payment id.
        "key": str,
        # Xero's document number.
        "number": NotRequired[str | None],
        "outcome": Outcome,
        "totals": NotRequired[DocumentTotals | None],
        # Xero's warnings on a document it accepted.
        "warnings": list[str],
        "xero_id": NotRequired[str | None],
        # Xero's status of the document (`AUTHORISED`, `PAID`, ...).
        "xero_status": NotRequired[str | None],
    },
)

# Counts per outcome.
Summary = TypedDict(
    "Summary",
    {
        "created": int,
        "failed": int,
        "uncertain": int,
        "unchanged": int,
        "updated": int,
    },
)

# The answer of every push operation.
PushResponse = TypedDict(
    "PushResponse",
    {
        # Results of the request's `contacts`, when it carried any.
        "contacts": NotRequired[list[RecordResult] | None],
        "dry_run": bool,
        # Results of the request's `items`, when it carried any.
        "items": NotRequired[list[RecordResult] | None],
        # One per record of the request's main array, in input order.
        "results": list[RecordResult],
        # Counts of `results` by outcome.
        "summary": Summary,
    },
)

# An inventory item, keyed by its ERP item code (Xero `Code`).
ErpItem = TypedDict(
    "ErpItem",
    {
        # Item code: Xero `Code` (1–30 characters).
        "code": str,
        # Cost-of-sales account code; `defaults.cos_account` when absent.
        "cos_account": NotRequired[str | None],
        # Sales description (≤ 4000).
        "description": NotRequired[str | None],
        # Inventory asset account code, for tracked items.
        "inventory_account": NotRequired[str | None],
        # Xero `Name` (≤ 50); the code when absent.
        "name": NotRequired[str | None],
        # Purchase description (≤ 4000).
        "purchase_description": NotRequired[str | None],
        # Purchase (cost) unit price, up to 4 decimal places.
        "purchase_price": NotRequired[float | str | None],
        "purchase_tax_code": NotRequired[str | None],
        # Sales account code; `defaults.sales_account` when absent.
        "sales_account": NotRequired[str | None],
        # Sales unit price, up to 4 decimal places.
        "sales_price": NotRequired[float | str | None],
        "sales_tax_code": NotRequired[str | None],
        # Tracked as inventory in Xero (needs `inventory_account`, an INVENTORY-type account).
        "tracked": NotRequired[bool],
        "xero": NotRequired[dict[str, Any] | None],
    },
)

# `push_items`: inventory.
PushItemsRequest = TypedDict(
    "PushItemsRequest",
    {
        "connection": str,
        "deadline_ms": NotRequired[int | None],
        "dry_run": NotRequired[bool],
        "items": list[ErpItem],
        # Any JSON value; echoed as the answer's `request_id`.
        "request_id": NotRequired[Any],
    },
)

# `push_items`: inventory.
PushItemsArguments = TypedDict(
    "PushItemsArguments",
    {
        "deadline_ms": NotRequired[int | None],
        "dry_run": NotRequired[bool],
        "items": list[ErpItem],
        # Any JSON value; echoed as the answer's `request_id`.
        "request_id": NotRequired[Any],
    },
)

# How line unit prices are to be read.
AmountsAre = Literal["exclusive", "inclusive", "no_tax"]

# One document line.
ErpLine = TypedDict(
    "ErpLine",
    {
        # Account code; `defaults.sales_account` (sales) or `defaults.cos_account` (purchase) when absent.
        "account": NotRequired[str | None],
        # Line description (≤ 4000); required unless `item` is given.
        "description": NotRequired[str | None],
        # Discount in percent (0–100, up to 2 places); sales documents only.
        "discount": NotRequired[float | str | None],
        # Option of the division tracking category; `defaults.division` when absent.
        "division": NotRequired[str | None],
        # Item code (must be in Xero, or carried in the same request's `items`).
        "item": NotRequired[str | None],
        # Up to 4 decimal places.
        "quantity": NotRequired[float | str | None],
        # Option of the sales-rep tracking category; `defaults.sales_rep` when absent (sales documents only).
        "sales_rep": NotRequired[str | None],
        # Xero tax type (e.g. `OUTPUT2`); the account's default when absent.
        "tax_code": NotRequired[str | None],
        # Up to 4 decimal places (sent with `unitdp=4`).
        "unit_price": NotRequired[float | str | None],
        "xero": NotRequired[dict[str, Any] | None],
    },
)

# The Xero status the document is pushed in.
DocumentStatus = Literal["draft", "submitted", "authorised"]

DocumentType = Literal["sales", "purchase"]

# A sales invoice or a purchase invoice (bill).
ErpInvoice = TypedDict(
    "ErpInvoice",
    {
        "amounts": NotRequired[AmountsAre],
        # Creditor code (purchase documents).
        "creditor": NotRequired[str | None],
        # ISO 4217 code; the organisation's base currency when absent.
        "currency": NotRequired[str | None],
        # Units of `currency` per unit of base currency; Xero's day rate when absent.
        "currency_rate": NotRequired[float | str | None],
        # Calendar date `YYYY-MM-DD`, sent as is (no time zone shift).
        "date": str,
        # Debtor code (sales documents).
        "debtor": NotRequired[str | None],
        "due_date": NotRequired[str | None],
        # 1 or more lines, sent whole on every update.
        "lines": list[ErpLine],
        # The ERP document number (1–255): Xero `InvoiceNumber`. Unique per type in the ERP.
        "number": str,
        # Xero `Reference` (≤ 255; sales documents only: for a bill the number is what Xero shows as reference).
        "reference": NotRequired[str | None],
        "status": NotRequired[DocumentStatus],
        "type": DocumentType,
        "xero": NotRequired[dict[str, Any] | None],
    },
)

# `push_invoice`: one document; the answer's `results` has one element.
PushInvoiceRequest = TypedDict(
    "PushInvoiceRequest",
    {
        "connection": str,
        "contacts": NotRequired[list[ErpContact]],
        "deadline_ms": NotRequired[int | None],
        "dry_run": NotRequired[bool],
        "invoice": ErpInvoice,
        "items": NotRequired[list[ErpItem]],
        # Any JSON value; echoed as the answer's `request_id`.
        "request_id": NotRequired[Any],
        # Read back from Xero the documents the ledger finds unchanged (one GET per 100), so one voided or deleted
        # by hand in Xero is reported rather than taken as still there.
        "verify": NotRequired[bool],
    },
)

# `push_invoice`: one document; the answer's `results` has one element.
PushInvoiceArguments = TypedDict(
    "PushInvoiceArguments",
    {
        "contacts": NotRequired[list[ErpContact]],
        "deadline_ms": NotRequired[int | None],
        "dry_run": NotRequired[bool],
        "invoice": ErpInvoice,
        "items": NotRequired[list[ErpItem]],
        # Any JSON value; echoed as the answer's `request_id`.
        "request_id": NotRequired[Any],
        # Read back from Xero the documents the ledger finds unchanged (one GET per 100), so one voided or deleted
        # by hand in Xero is reported rather than taken as still there.
        "verify": NotRequired[bool],
    },
)

# `push_invoices`: sales invoices and bills, with the contacts and items they need pushed first.
PushInvoicesRequest = TypedDict(
    "PushInvoicesRequest",
    {
        "connection": str,
        # Debtors / creditors the invoices name, pushed first (results in `contacts`).
        "contacts": NotRequired[list[ErpContact]],
        "deadline_ms": NotRequired[int | None],
        "dry_run": NotRequired[bool],
        "invoices": list[ErpInvoice],
        # Items the lines name, pushed first (results in `items`).
        "items": NotRequired[list[ErpItem]],
        # Any JSON value; echoed as the answer's `request_id`.
        "request_id": NotRequired[Any],
        # Read back from Xero the documents the ledger finds unchanged (one GET per 100), so one voided or deleted
        # by hand in Xero is reported rather than taken as still there.
        "verify": NotRequired[bool],
    },
)

# `push_invoices`: sales invoices and bills, with the contacts and items they need pushed first.
PushInvoicesArguments = TypedDict(
    "PushInvoicesArguments",
    {
        # Debtors / creditors the invoices name, pushed first (results in `contacts`).
        "contacts": NotRequired[list[ErpContact]],
        "deadline_ms": NotRequired[int | None],
        "dry_run": NotRequired[bool],
        "invoices": list[ErpInvoice],
        # Items the lines name, pushed first (results in `items`).
        "items": NotRequired[list[ErpItem]],
        # Any JSON value; echoed as the answer's `request_id`.
        "request_id": NotRequired[Any],
        # Read back from Xero the documents the ledger finds unchanged (one GET per 100), so one voided or deleted
        # by hand in Xero is reported rather than taken as still there.
        "verify": NotRequired[bool],
    },
)

ErpAllocation = TypedDict(
    "ErpAllocation",
    {
        # Amount applied (> 0, up to 2 places).
        "amount": float | str,
        # The credit note's date when absent.
        "date": NotRequired[str | None],
        # Number of the invoice (same type and contact) the credit is applied to.
        "invoice": str,
    },
)

# A credit note, optionally allocated to invoices of the same contact.
ErpCreditNote = TypedDict(
    "ErpCreditNote",
    {
        # Allocations to invoices (the credit note must be `authorised`). Each is made once; it cannot be changed.
        "allocations": NotRequired[list[ErpAllocation]],
        "amounts": NotRequired[AmountsAre],
        "creditor": NotRequired[str | None],
        "currency": NotRequired[str | None],
        "currency_rate": NotRequired[float | str | None],
        "date": str,
        "debtor": NotRequired[str | None],
        "lines": list[ErpLine],
        # The ERP credit note number (1–255): Xero `CreditNoteNumber`.
        "number": str,
        "reference": NotRequired[str | None],
        "status": NotRequired[DocumentStatus],
        "type": DocumentType,
        "xero": NotRequired[dict[str, Any] | None],
    },
)

# `push_credit_notes`.
PushCreditNotesRequest = TypedDict(
    "PushCreditNotesRequest",
    {
        "connection": str,
        "contacts": NotRequired[list[ErpContact]],
        "credit_notes": list[ErpCreditNote],
        "deadline_ms": NotRequired[int | None],
        "dry_run": NotRequired[bool],
        "items": NotRequired[list[ErpItem]],
        # Any JSON value; echoed as the answer's `request_id`.
        "request_id": NotRequired[Any],
        # Read back from Xero the documents the ledger finds unchanged (one GET per 100), so one voided or deleted
        # by hand in Xero is reported rather than taken as still there.
        "verify": NotRequired[bool],
    },
)

# `push_credit_notes`.
PushCreditNotesArguments = TypedDict(
    "PushCreditNotesArguments",
    {
        "contacts": NotRequired[list[ErpContact]],
        "credit_notes": list[ErpCreditNote],
        "deadline_ms": NotRequired[int | None],
        "dry_run": NotRequired[bool],
        "items": NotRequired[list[ErpItem]],
        # Any JSON value; echoed as the answer's `request_id`.
        "request_id": NotRequired[Any],
        # Read back from Xero the documents the ledger finds unchanged (one GET per 100), so one voided or deleted
        # by hand in Xero is reported rather than taken as still there.
        "verify": NotRequired[bool],
    },
)

# A payment received (sales) or made (purchase) against one invoice or credit note.
ErpPayment = TypedDict(
    "ErpPayment",
    {
        # > 0, up to 2 places, in the document's currency.
        "amount": float | str,
        # Code of the Xero bank account (or an account with payments enabled).
        "bank_account": str,
        # Number of the credit note refunded.
        "credit_note": NotRequired[str | None],
        "currency_rate": NotRequired[float | str | None],
        "date": str,
        # The ERP's payment id (1–255), the record's key. A payment is made once; it cannot be changed in Xero.
        "id": str,
        # Number of the invoice paid (exactly one of `invoice`, `credit_note`).
        "invoice": NotRequired[str | None],
        "reference": NotRequired[str | None],
        "type": DocumentType,
        "xero": NotRequired[dict[str, Any] | None],
    },
)

# `push_payments`.
PushPaymentsRequest = TypedDict(
    "PushPaymentsRequest",
    {
        "connection": str,
        "deadline_ms": NotRequired[int | None],
        "dry_run": NotRequired[bool],
        "payments": list[ErpPayment],
        # Any JSON value; echoed as the answer's `request_id`.
        "request_id": NotRequired[Any],
    },
)

# `push_payments`.
PushPaymentsArguments = TypedDict(
    "PushPaymentsArguments",
    {
        "deadline_ms": NotRequired[int | None],
        "dry_run": NotRequired[bool],
        "payments": list[ErpPayment],
        # Any JSON value; echoed as the answer's `request_id`.
        "request_id": NotRequired[Any],
    },
)

# `get_accounts`, `get_tax_rates`, `get_tracking_categories`.
LookupRequest = TypedDict(
    "LookupRequest",
    {
        "connection": str,
        "deadline_ms": NotRequired[int | None],
        # Include archived (and deleted) entries; by default only active ones.
        "include_archived": NotRequired[bool],
        # Any JSON value; echoed as the answer's `request_id`.
        "request_id": NotRequired[Any],
    },
)

# `get_accounts`, `get_tax_rates`, `get_tracking_categories`.
LookupArguments = TypedDict(
    "LookupArguments",
    {
        "deadline_ms": NotRequired[int | None],
        # Include archived (and deleted) entries; by default only active ones.
        "include_archived": NotRequired[bool],
        # Any JSON value; echoed as the answer's `request_id`.
        "request_id": NotRequired[Any],
    },
)

AccountInfo = TypedDict(
    "AccountInfo",
    {
        "class": NotRequired[str | None],
        "code": str,
        "name": str,
        "status": NotRequired[str | None],
        # Payments can be made from it (bank accounts and accounts with payments enabled).
        "takes_payments": bool,
        # Default tax type of lines on this account.
        "tax_type": NotRequired[str | None],
        # Xero account type: `REVENUE`, `EXPENSE`, `DIRECTCOSTS`, `BANK`, `INVENTORY`, ...
        "type": NotRequired[str | None],
        "xero_id": NotRequired[str | None],
    },
)

AccountsResponse = TypedDict(
    "AccountsResponse",
    {
        "accounts": list[AccountInfo],
    },
)

TaxRateInfo = TypedDict(
    "TaxRateInfo",
    {
        "name": NotRequired[str | None],
        # Percent, exact (`"10.0000"`).
        "rate": NotRequired[str | None],
        "status": NotRequired[str | None],
        # What lines name as `tax_code`.
        "tax_type": str,
    },
)

TaxRatesResponse = TypedDict(
    "TaxRatesResponse",
    {
        "tax_rates": list[TaxRateInfo],
    },
)

TrackingOptionInfo = TypedDict(
    "TrackingOptionInfo",
    {
        "name": str,
        "status": NotRequired[str | None],
    },
)

TrackingCategoryInfo = TypedDict(
    "TrackingCategoryInfo",
    {
        # `division` or `sales_rep` when the connection's `tracking_categories` maps this category.
        "maps": NotRequired[str | None],
        "name": str,
        "options": list[TrackingOptionInfo],
        "status": NotRequired[str | None],
    },
)

TrackingCategoriesResponse = TypedDict(
    "TrackingCategoriesResponse",
    {
        "tracking_categories": list[TrackingCategoryInfo],
    },
)

DocumentKind = Literal["invoice", "credit_note"]

DocumentQuery = TypedDict(
    "DocumentQuery",
    {
        # `invoice` (default) or `credit_note`.
        "kind": NotRequired[DocumentKind],
        "number": str,
        # `sales` or `purchase`.
        "type": DocumentType,
    },
)

# `get_documents`: the Xero state of documents pushed (or entered in Xero), by ERP number.
GetDocumentsRequest = TypedDict(
    "GetDocumentsRequest",
    {
        "connection": str,
        "deadline_ms": NotRequired[int | None],
        "documents": list[DocumentQuery],
        # Any JSON value; echoed as the answer's `request_id`.
        "request_id": NotRequired[Any],
    },
)

# `get_documents`: the Xero state of documents pushed (or entered in Xero), by ERP number.
GetDocumentsArguments = TypedDict(
    "GetDocumentsArguments",
    {
        "deadline_ms": NotRequired[int | None],
        "documents": list[DocumentQuery],
        # Any JSON value; echoed as the answer's `request_id`.
        "request_id": NotRequired[Any],
    },
)

DocumentState = TypedDict(
    "DocumentState",
    {
        "amount_credited": NotRequired[str | None],
        "amount_paid": NotRequired[str | None],
        "currency": NotRequired[str | None],
        "error": NotRequired[str | None],
        # False when Xero has no such document.
        "found": bool,
        "index": int,
        "number": str,
        "totals": NotRequired[DocumentTotals | None],
        "xero_id": NotRequired[str | None],
        # `DRAFT`, `SUBMITTED`, `AUTHORISED`, `PAID`, `VOIDED`, `DELETED`.
        "xero_status": NotRequired[str | None],
    },
)

GetDocumentsResponse = TypedDict(
    "GetDocumentsResponse",
    {
        "documents": list[DocumentState],
    },
)

# operation -> (request type, Connection keyword arguments type, result type), by name
OPERATION_TYPES: dict[str, tuple[str, str, str]] = {
    "push_contacts": ("PushContactsRequest", "PushContactsArguments", "PushResponse"),
    "push_items": ("PushItemsRequest", "PushItemsArguments", "PushResponse"),
    "push_invoice": ("PushInvoiceRequest", "PushInvoiceArguments", "PushResponse"),
    "push_invoices": ("PushInvoicesRequest", "PushInvoicesArguments", "PushResponse"),
    "push_credit_notes": ("PushCreditNotesRequest", "PushCreditNotesArguments", "PushResponse"),
    "push_payments": ("PushPaymentsRequest", "PushPaymentsArguments", "PushResponse"),
    "get_accounts": ("LookupRequest", "LookupArguments", "AccountsResponse"),
    "get_tax_rates": ("LookupRequest", "LookupArguments", "TaxRatesResponse"),
    "get_tracking_categories": ("LookupRequest", "LookupArguments", "TrackingCategoriesResponse"),
    "get_documents": ("GetDocumentsRequest", "GetDocumentsArguments", "GetDocumentsResponse"),
}
