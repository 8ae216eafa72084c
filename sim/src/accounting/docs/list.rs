//! Listing documents: GET /Invoices and /CreditNotes with their search term, filters and paging.

use super::render;
use crate::accounting::model::DocKind;
use crate::accounting::query::{self, ListSpec};
use crate::accounting::{ApiResponse, Ctx, Organisation, envelope};
use serde_json::Value;

const INVOICES: ListSpec<'static> = ListSpec {
    fields: &[
        "InvoiceID",
        "InvoiceNumber",
        "Type",
        "Status",
        "Reference",
        "Date",
        "DueDate",
        "Contact",
        "CurrencyCode",
        "CurrencyRate",
        "SubTotal",
        "TotalTax",
        "Total",
        "AmountDue",
        "AmountPaid",
        "AmountCredited",
        "UpdatedDateUTC",
        "SentToContact",
        "FullyPaidOnDate",
        "LineAmountTypes",
        "IsDiscounted",
        "HasAttachments",
    ],
    lists: &[
        ("IDs", "InvoiceID"),
        ("InvoiceNumbers", "InvoiceNumber"),
        ("ContactIDs", "Contact.ContactID"),
        ("Statuses", "Status"),
    ],
    paged: true,
    modified_since: true,
};

const CREDIT_NOTES: ListSpec<'static> = ListSpec {
    fields: &[
        "CreditNoteID",
        "CreditNoteNumber",
        "Type",
        "Status",
        "Reference",
        "Date",
        "DueDate",
        "Contact",
        "CurrencyCode",
        "CurrencyRate",
        "SubTotal",
        "TotalTax",
        "Total",
        "RemainingCredit",
        "UpdatedDateUTC",
        "SentToContact",
        "FullyPaidOnDate",
        "LineAmountTypes",
    ],
    lists: &[
        ("IDs", "CreditNoteID"),
        ("CreditNoteNumbers", "CreditNoteNumber"),
        ("ContactIDs", "Contact.ContactID"),
        ("Statuses", "Status"),
    ],
    paged: true,
    modified_since: true,
};

/// Optimised invoice filters (CData's Xero documentation, see query::check_optimised).
const INVOICE_OPTIMISED: [&str; 10] = [
    "Status",
    "Contact.ContactID",
    "Contact.Name",
    "Contact.ContactNumber",
    "Reference",
    "Date",
    "Type",
    "AmountDue",
    "AmountPaid",
    "DueDate",
];

pub(super) fn list(org: &Organisation, ctx: &Ctx, kind: DocKind) -> ApiResponse {
    // Like Xero, a list without `page` leaves line items out.
    let with_lines = ctx.param("page").is_some();
    let search = ctx.param("searchTerm").map(|s| s.to_lowercase());
    let records: Vec<Value> = org
        .docs
        .iter()
        .filter(|d| d.kind == kind)
        .filter(|d| search.as_ref().is_none_or(|s| matches_search(d, s)))
        .map(|d| render(org, ctx, d, with_lines))
        .collect();
    let spec = match kind {
        DocKind::Invoice => INVOICES,
        DocKind::CreditNote => CREDIT_NOTES,
    };
    if kind == DocKind::Invoice {
        let total = org.docs.iter().filter(|d| d.kind == kind).count();
        if let Err(refused) = query::check_optimised(ctx, "invoices", &spec, &INVOICE_OPTIMISED, total) {
            return refused;
        }
    }
    match query::apply(ctx, &spec, records) {
        Ok((items, p)) => envelope(ctx, kind.collection(), items, p),
        Err(e) => e,
    }
}

/// `searchTerm` (lower-cased) found in the number or the reference.
fn matches_search(d: &crate::accounting::model::Doc, search: &str) -> bool {
    d.number.to_lowercase().contains(search) || d.reference.as_ref().is_some_and(|r| r.to_lowercase().contains(search))
}
