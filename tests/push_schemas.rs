//! The JSON Schemas in `schemas/` are generated from the Rust types; this fails when a committed file is stale.
//! Regenerate with `XERO_UPDATE_SCHEMAS=1 cargo test --test push_schemas`.

use std::path::Path;

#[test]
fn committed_schemas_match_the_types() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let update = std::env::var_os("XERO_UPDATE_SCHEMAS").is_some();
    let mut stale = Vec::new();
    for (name, schema) in xero_link::push::json_schemas() {
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
        "stale or missing schemas (regenerate: XERO_UPDATE_SCHEMAS=1 cargo test --test push_schemas): {stale:?}"
    );
}

#[test]
fn the_invoice_schema_documents_the_erp_fields() {
    let schemas = xero_link::push::json_schemas();
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
