//! Documents Xero refused because their contact is archived.
//!
//! Xero refuses new or changed documents for an ARCHIVED contact. A contact archived by hand after the ledger
//! recorded it is not seen by a push that finds it unchanged (no call), so the refusal is where it shows: the
//! contacts of refused documents are read (one GET per 100), the archived ones made ACTIVE again, and their
//! documents sent once more. The ERP posting a document for the contact means it is in use.

use super::api::status_error;
use super::engine::{Ctx, fetch_values, lookup_chunks};
use super::map::member;
use super::schema::RecordError;
use crate::error::Error;
use crate::transport::ApiCall;
use serde_json::{Value, json};

/// What a document Xero refused also reports when its contact could not be read or restored (`e`): Xero may have
/// refused it for a contact archived by hand, which a push made again (`e` being retryable) restores.
pub fn restore_failed(e: &Error, path: Option<String>) -> RecordError {
    let mut message =
        format!("its contact could not be checked for being ARCHIVED in Xero, nor made ACTIVE again: {}", e.message);
    if e.retryable {
        message.push_str(" (retryable: push again later)");
    }
    RecordError { code: e.code, message, path }
}

/// Makes the archived contacts among `ids` ACTIVE again; returns the ids it restored (lower case).
pub fn restore(ctx: &Ctx<'_>, ids: &[&str]) -> Result<Vec<String>, Error> {
    let mut archived = Vec::new();
    for chunk in lookup_chunks(ids, |id| id.len() + 3) {
        let q = vec![("IDs".to_string(), chunk.join(",")), ("includeArchived".to_string(), "true".to_string())];
        for c in fetch_values(ctx, "reading the contacts of refused documents", "/Contacts", q, "Contacts", false)? {
            if member(&c, "ContactStatus") == Some("ARCHIVED")
                && let Some(id) = member(&c, "ContactID")
            {
                archived.push(id.to_lowercase());
            }
        }
    }
    if archived.is_empty() {
        return Ok(archived);
    }
    let elements: Vec<Value> = archived.iter().map(|id| json!({"ContactID": id, "ContactStatus": "ACTIVE"})).collect();
    // Making a contact ACTIVE twice does no harm, but the transport sends a write again after a lost answer only
    // under an Idempotency-Key: one of its own per restore, so a contact archived again later is restored again.
    let call = ApiCall {
        method: http::Method::POST,
        path: "/Contacts".into(),
        query: vec![("summarizeErrors".into(), "false".into())],
        body: Some(json!({ "Contacts": elements }).to_string().into_bytes()),
        idempotency_key: Some(format!("xero-link-restore-{:032x}", rand::random::<u128>())),
    };
    let response = ctx.send(&call).map_err(|e| e.error)?;
    if response.status != 200 {
        return Err(status_error("restoring archived contacts", &response));
    }
    let answer: Value = serde_json::from_slice(&response.body)
        .map_err(|e| Error::internal(format!("restoring archived contacts: Xero's answer could not be read: {e}")))?;
    let restored = answer["Contacts"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| member(c, "ContactStatus") == Some("ACTIVE"))
        .filter_map(|c| member(c, "ContactID").map(str::to_lowercase))
        .collect();
    Ok(restored)
}
