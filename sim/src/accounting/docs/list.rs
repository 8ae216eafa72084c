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
    // Filters, order and paging never look at LineItems, so every document is rendered without them and only the
    // page returned is rendered again with them: a lookup among 2,000 invoices renders 100 documents' lines, not all.
    let records: Vec<Value> = org
        .docs
        .iter()
        .filter(|d| d.kind == kind)
        .filter(|d| search.as_ref().is_none_or(|s| matches_search(d, s)))
        .map(|d| render(org, ctx, d, false))
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
        Ok((items, p)) if with_lines => envelope(ctx, kind.collection(), with_line_items(org, ctx, kind, items), p),
        Ok((items, p)) => envelope(ctx, kind.collection(), items, p),
        Err(e) => e,
    }
}

/// The listed documents rendered again, with their LineItems.
fn with_line_items(org: &Organisation, ctx: &Ctx, kind: DocKind, items: Vec<Value>) -> Vec<Value> {
    items
        .into_iter()
        .map(|item| {
            let id = item[kind.id_field()].as_str().and_then(|id| id.parse().ok());
            match id.and_then(|id| org.doc(id)) {
                Some(d) => render(org, ctx, d, true),
                None => item,
            }
        })
        .collect()
}

/// `searchTerm` (lower-cased) found in the number or the reference.
fn matches_search(d: &crate::accounting::model::Doc, search: &str) -> bool {
    d.number.to_lowercase().contains(search) || d.reference.as_ref().is_some_and(|r| r.to_lowercase().contains(search))
}
