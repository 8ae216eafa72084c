//! Invoices (ACCREC/ACCPAY) and credit notes (ACCRECCREDIT/ACCPAYCREDIT): they share Xero's rules.
//!
//! Creation: Type, Contact (by ContactID, ContactNumber or Name; a Name that matches no contact creates one),
//! LineItems; Status DRAFT/SUBMITTED/AUTHORISED. Receivable numbers are unique and auto-generated
//! (`INV-0001`, `CN-0001`); payable numbers are free. Money per line, rounded half away from zero.
//!
//! PUT only creates: an existing document's ID in a PUT is ignored (a new document is made, its receivable number
//! checked for uniqueness as usual; XeroAPI/Xero-NetStandard#226).
//!
//! Updates (POST with the document's ID, or a receivable number that exists, or POST /{Kind}/{id}):
//! DRAFT/SUBMITTED → anything but VOIDED; AUTHORISED → edits while nothing is applied, VOIDED while nothing
//! is applied, and only Reference/DueDate/Url/SentToContact/ExpectedPaymentDate/PlannedPaymentDate/
//! BrandingThemeID once payments or credit are applied; PAID/VOIDED/DELETED → nothing. LineItems sent
//! replace all lines (a LineItemID keeps the line's id).

mod build;
mod contact_ref;
mod lines;
mod list;
mod render;
mod write;

use list::list;
pub use render::{render, summary};
use write::process;

use super::model::*;
use super::{ApiResponse, Ctx, Organisation, envelope, errors, parse_elements, run_batch};
use serde_json::{Value, json};
use uuid::Uuid;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Create,
    Upsert,
}

pub fn handle(
    org: &mut Organisation,
    ctx: &Ctx,
    kind: DocKind,
    method: &str,
    rest: &[&str],
    body: Option<&[u8]>,
) -> ApiResponse {
    let key = kind.collection();
    match (method, rest) {
        ("GET", []) => list(org, ctx, kind),
        ("GET", [k]) => match find(org, kind, k) {
            Some(id) => envelope(ctx, key, vec![render(org, ctx, org.doc(id).expect("found"), true)], None),
            None => errors::not_found(),
        },
        ("PUT", []) | ("POST", []) | ("POST", [_]) => {
            let path_id = match rest {
                [k] => match find(org, kind, k) {
                    Some(id) => Some(id),
                    None => return errors::not_found(),
                },
                _ => None,
            };
            let mode = if method == "PUT" { Mode::Create } else { Mode::Upsert };
            let elems = match parse_elements(body, key) {
                Ok(e) => e,
                Err(r) => return r,
            };
            run_batch(
                org,
                ctx,
                key,
                Some("HasErrors"),
                elems,
                |o, c, e| process(o, c, kind, e, mode, path_id),
                |o, c, id| {
                    let d = o.doc(id).expect("stored");
                    let mut v = render(o, c, d, true);
                    if !d.warnings.is_empty() {
                        v["Warnings"] = Value::Array(d.warnings.iter().map(|w| json!({ "Message": w })).collect());
                    }
                    v
                },
            )
        }
        _ => errors::method_not_allowed(),
    }
}

/// A document of `kind` by id, or by number.
pub fn find(org: &Organisation, kind: DocKind, key: &str) -> Option<Uuid> {
    match Uuid::parse_str(key) {
        Ok(u) => org.docs.get(u).filter(|d| d.kind == kind).map(|d| d.id),
        Err(_) => org.docs.with_number(kind, key).next().map(|d| d.id),
    }
}

fn not_found_message(kind: DocKind) -> String {
    format!("An existing {} with the specified {} could not be found", kind.noun(), kind.id_field())
}

fn invalid_status_message(kind: DocKind) -> String {
    format!("{} not of valid status for modification", kind.noun())
}

const APPLIED_MESSAGE: &str = "This document cannot be edited as it has a payment or credit note allocated to it.";

fn receivable(typ: &str) -> bool {
    typ == "ACCREC" || typ == "ACCRECCREDIT"
}
