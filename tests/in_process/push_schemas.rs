//! The JSON Schemas in `schemas/` are generated from the Rust types; this fails when a committed file is stale.
//! Regenerate with `XERO_UPDATE_SCHEMAS=1 cargo test --test in_process push_schemas`.

use std::path::Path;

#[test]
fn committed_schemas_match_the_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let update = std::env::var_os("XERO_UPDATE_SCHEMAS").is_some();
    let mut stale = Vec::new();
    for (name, schema) in xero_link::schemas::json_schemas() {
        let path = dir.join(format!("{name}.json"));
        let text = serde_json::to_string_pretty(&schema).unwrap() + "\n";
        if update {
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(&path, &text).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "stale or missing schemas (regenerate: XERO_UPDATE_SCHEMAS=1 cargo test --test in_process push_schemas): {stale:?}"
    );
}

#[test]
fn the_invoice_schema_documents_the_erp_fields() {
    let schemas = xero_link::schemas::json_schemas();
    let (_, invoices) = schemas.iter().find(|(n, _)| *n == "push_invoices.request").unwrap();
    let text = invoices.to_string();
    for field in
        ["\"debtor\"", "\"creditor\"", "\"unit_price\"", "\"discount\"", "\"sales_rep\"", "\"division\"", "\"xero\""]
    {
        assert!(text.contains(field), "{field} missing from the invoice schema");
    }
    // Amounts are numbers or decimal strings, never only floats.
    assert!(text.contains("decimal string") || text.contains("pattern"), "{text}");
}

use xero_link_fixtures::erp_day;

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use xero_link::push::schema::{self, Record};

/// Whether the decoder takes `request` whole: the call decodes and no record of it fails to decode.
fn decoder_accepts<T: DeserializeOwned>(request: &Value, records: impl Fn(&T) -> Vec<bool>) -> bool {
    let mut request = request.clone();
    // The envelope takes `request_id` off before an operation decodes the rest.
    request.as_object_mut().unwrap().remove("request_id");
    match serde_json::from_str::<T>(&request.to_string()) {
        Ok(r) => records(&r).into_iter().all(|valid| valid),
        Err(_) => false,
    }
}

fn valid<T>(records: &[Record<T>]) -> Vec<bool> {
    records.iter().map(|r| matches!(r, Record::Valid(_))).collect()
}

/// Requests of the test corpus (an ERP day) and, for the first record of each kind and its first line, every
/// member removed, replaced by values of other types and forms, and an unknown member added.
fn corpus(records: &[Value], member: &str) -> Vec<Value> {
    let base = json!({"connection": "xero-hugeerp", "request_id": "r-1", member: records});
    let mut out = vec![base.clone()];
    let replacements = [
        json!("1e2"),
        json!(" 12"),
        json!("12."),
        json!(12),
        json!(1.5e2),
        json!(true),
        json!(null),
        json!([]),
        json!({}),
    ];
    let first = &records[0];
    let mut mutate = |target: &dyn Fn(&mut Value) -> &mut Value| {
        let keys: Vec<String> = target(&mut first.clone()).as_object().unwrap().keys().cloned().collect();
        for k in keys.iter().map(String::as_str).chain(["bogus"]) {
            let mut without = first.clone();
            target(&mut without).as_object_mut().unwrap().remove(k);
            out.push(json!({"connection": "xero-hugeerp", member: [without]}));
            for r in &replacements {
                let mut changed = first.clone();
                target(&mut changed)[k] = r.clone();
                out.push(json!({"connection": "xero-hugeerp", member: [changed]}));
            }
        }
    };
    mutate(&|v: &mut Value| v);
    if first.get("lines").is_some() {
        mutate(&|v: &mut Value| &mut v["lines"][0]);
    }
    for (k, v) in [("dry_run", json!("yes")), ("deadline_ms", json!(-1)), ("extra", json!(1)), (member, json!({}))] {
        let mut changed = base.clone();
        changed[k] = v;
        out.push(changed);
    }
    let mut missing = base;
    missing.as_object_mut().unwrap().remove(member);
    out.push(missing);
    out
}

#[test]
fn the_published_schemas_accept_exactly_what_the_decoder_accepts() {
    let day = erp_day::generate(7, erp_day::Scale::SMALL);
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let validator = |name: &str| {
        let text = std::fs::read_to_string(dir.join(format!("{name}.request.json"))).unwrap();
        jsonschema::validator_for(&serde_json::from_str(&text).unwrap()).unwrap()
    };
    type Check = Box<dyn Fn(&Value) -> bool>;
    let kinds: Vec<(&str, &str, Vec<Value>, Check)> = vec![
        (
            "push_contacts",
            "contacts",
            day.contacts(),
            Box::new(|r| decoder_accepts(r, |q: &schema::PushContactsRequest| valid(&q.contacts))),
        ),
        (
            "push_items",
            "items",
            day.items.clone(),
            Box::new(|r| decoder_accepts(r, |q: &schema::PushItemsRequest| valid(&q.items))),
        ),
        (
            "push_invoices",
            "invoices",
            day.invoices(),
            Box::new(|r| decoder_accepts(r, |q: &schema::PushInvoicesRequest| valid(&q.invoices))),
        ),
        (
            "push_credit_notes",
            "credit_notes",
            day.credit_notes.clone(),
            Box::new(|r| decoder_accepts(r, |q: &schema::PushCreditNotesRequest| valid(&q.credit_notes))),
        ),
        (
            "push_payments",
            "payments",
            day.payments.clone(),
            Box::new(|r| decoder_accepts(r, |q: &schema::PushPaymentsRequest| valid(&q.payments))),
        ),
    ];
    let mut disagreements = Vec::new();
    let (mut accepted, mut refused) = (0, 0);
    for (operation, member, records, decodes) in &kinds {
        let schema = validator(operation);
        for request in corpus(records, member) {
            let by_schema = schema.is_valid(&request);
            let by_decoder = decodes(&request);
            if by_decoder {
                accepted += 1
            } else {
                refused += 1
            }
            if by_schema != by_decoder {
                disagreements.push(format!("{operation}: schema {by_schema}, decoder {by_decoder}: {request}"));
            }
        }
    }
    assert!(accepted > 50 && refused > 200, "the corpus has both kinds: {accepted} accepted, {refused} refused");
    assert!(disagreements.is_empty(), "{} disagreements:\n{}", disagreements.len(), disagreements.join("\n"));
}
