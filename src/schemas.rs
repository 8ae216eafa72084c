//! The published JSON Schemas of every request and answer (`schemas/<name>.json`), generated from the Rust types
//! that decode and encode them, so the schemas and the behaviour cannot drift apart.

use crate::push::schema::*;

/// Dates are decoded as `YYYY-MM-DD` only; `format: date` alone is an annotation most validators do not check, so
/// the pattern says it to every validator.
fn date_patterns(schema: &mut serde_json::Value) {
    match schema {
        serde_json::Value::Object(map) => {
            if map.get("format").and_then(serde_json::Value::as_str) == Some("date") {
                map.insert("pattern".into(), "^[0-9]{4}-[0-9]{2}-[0-9]{2}$".into());
            }
            map.values_mut().for_each(date_patterns);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(date_patterns),
        _ => {}
    }
}

/// The published JSON Schemas (`schemas/<name>.json`), generated from the Rust types.
pub fn json_schemas() -> Vec<(&'static str, serde_json::Value)> {
    fn s<T: schemars::JsonSchema>() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(T)).expect("a schema serialises")
    }
    let mut schemas = vec![
        ("push_contacts.request", s::<PushContactsRequest>()),
        ("push_items.request", s::<PushItemsRequest>()),
        ("push_invoices.request", s::<PushInvoicesRequest>()),
        ("push_invoice.request", s::<PushInvoiceRequest>()),
        ("push_credit_notes.request", s::<PushCreditNotesRequest>()),
        ("push_payments.request", s::<PushPaymentsRequest>()),
        ("push.response", s::<PushResponse>()),
        ("lookup.request", s::<crate::read::LookupRequest>()),
        ("get_accounts.response", s::<crate::read::AccountsResponse>()),
        ("get_tax_rates.response", s::<crate::read::TaxRatesResponse>()),
        ("get_tracking_categories.response", s::<crate::read::TrackingCategoriesResponse>()),
        ("get_documents.request", s::<crate::read::GetDocumentsRequest>()),
        ("get_documents.response", s::<crate::read::GetDocumentsResponse>()),
    ];
    // Every request may carry `request_id`; the envelope takes it off before the operation decodes the rest.
    for (name, schema) in &mut schemas {
        date_patterns(schema);
        if let Some(props) = schema.get_mut("properties").and_then(serde_json::Value::as_object_mut)
            && name.ends_with(".request")
        {
            props.insert(
                "request_id".into(),
                serde_json::json!({"description": "Any JSON value; echoed as the answer's `request_id`."}),
            );
        }
    }
    schemas
}
