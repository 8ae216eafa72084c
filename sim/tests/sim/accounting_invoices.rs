//! Invoices: creation rules, money, numbering, updates and status rules.

use crate::support::accounting::*;
use serde_json::{Value, json};

fn line(desc: &str, qty: &str, unit: &str) -> Value {
    json!({ "Description": desc, "Quantity": num(qty), "UnitAmount": num(unit), "AccountCode": "200", "TaxType": "OUTPUT" })
}

fn inv(contact: Value, lines: Vec<Value>) -> Value {
    json!({ "Type": "ACCREC", "Contact": contact, "Date": "2024-03-01", "DueDate": "2024-03-31", "LineItems": lines })
}

#[test]
fn create_computes_totals_and_numbers() {
    let mut sim = Sim::new();
    let c = sim.contact("Acme");
    let i = sim.invoice(&c, "AUTHORISED", "2", "50");
    assert_eq!(i["InvoiceNumber"], "INV-0001");
    assert_eq!(i["Status"], "AUTHORISED");
    assert_eq!(t(&i["SubTotal"]), "100.00");
    assert_eq!(t(&i["TotalTax"]), "10.00");
    assert_eq!(t(&i["Total"]), "110.00");
    assert_eq!(t(&i["AmountDue"]), "110.00");
    assert_eq!(t(&i["AmountPaid"]), "0.00");
    assert_eq!(t(&i["CurrencyRate"]), "1.000000");
    assert_eq!(t(&i["LineItems"][0]["Quantity"]), "2.0000");
    assert_eq!(i["Date"], "/Date(1709251200000+0000)/");
    assert_eq!(i["DateString"], "2024-03-01T00:00:00");
    assert_eq!(i["Contact"]["Name"], "Acme");
    assert_eq!(sim.invoice(&c, "DRAFT", "1", "1")["InvoiceNumber"], "INV-0002");
    let snap = sim.org.snapshot();
    assert_eq!(t(&snap["Invoices"][0]["Total"]), "110.00");
}

#[test]
fn type_must_be_accrec_or_accpay() {
    let mut sim = Sim::new();
    let mut body = inv(json!({ "Name": "X" }), vec![line("a", "1", "1")]);
    body["Type"] = json!("ACCRECCREDIT");
    assert_validation(&sim.put("/Invoices", json!({ "Invoices": [body] })), 0, "not a valid Invoice Type");
}

#[test]
fn contact_must_be_identified() {
    let mut sim = Sim::new();
    let r = sim.put("/Invoices", json!({ "Invoices": [inv(json!({}), vec![line("a", "1", "1")])] }));
    assert_validation(
        &r,
        0,
        "The Contact must contain at least 1 of the following elements to identify the contact: Name, ContactID, ContactNumber",
    );
    let r = sim.put("/Invoices", json!({ "Invoices": [inv(json!({ "ContactID": "6d0c1c55-1111-4111-8111-111111111111" }), vec![line("a", "1", "1")])] }));
    assert_validation(&r, 0, "could not be found");
    let r = sim
        .put("/Invoices", json!({ "Invoices": [inv(json!({ "ContactNumber": "NOPE" }), vec![line("a", "1", "1")])] }));
    assert_validation(&r, 0, "could not be found");
}

#[test]
fn contact_by_number_or_name_and_new_name_creates_contact() {
    let mut sim = Sim::new();
    let c = sim.create("/Contacts", "Contacts", json!({ "Name": "Numbered", "ContactNumber": "N-1" }));
    let i = sim.create("/Invoices", "Invoices", inv(json!({ "ContactNumber": "N-1" }), vec![line("a", "1", "1")]));
    assert_eq!(i["Contact"]["ContactID"], c["ContactID"]);
    let i = sim.create("/Invoices", "Invoices", inv(json!({ "Name": "numbered" }), vec![line("a", "1", "1")]));
    assert_eq!(i["Contact"]["ContactID"], c["ContactID"]);
    let i = sim.create("/Invoices", "Invoices", inv(json!({ "Name": "Brand New Co" }), vec![line("a", "1", "1")]));
    assert_ne!(i["Contact"]["ContactID"], c["ContactID"]);
    assert_eq!(sim.get("/Contacts", &[])["Contacts"].as_array().unwrap().len(), 2);
}

#[test]
fn line_items_required() {
    let mut sim = Sim::new();
    let r = sim.put("/Invoices", json!({ "Invoices": [inv(json!({ "Name": "A" }), vec![])] }));
    assert_validation(&r, 0, "at least one line item");
}

#[test]
fn account_code_must_exist_and_be_active() {
    let mut sim = Sim::new();
    let mut l = line("a", "1", "1");
    l["AccountCode"] = json!("999");
    assert_validation(
        &sim.put("/Invoices", json!({ "Invoices": [inv(json!({ "Name": "A" }), vec![l.clone()])] })),
        0,
        "Account code '999' is not a valid code for this document.",
    );
    l["AccountCode"] = json!("499");
    assert_validation(
        &sim.put("/Invoices", json!({ "Invoices": [inv(json!({ "Name": "A" }), vec![l.clone()])] })),
        0,
        "Account code '499'",
    );
    l["AccountCode"] = json!("610");
    assert_validation(
        &sim.put("/Invoices", json!({ "Invoices": [inv(json!({ "Name": "A" }), vec![l])] })),
        0,
        "Account code '610'",
    );
}

#[test]
fn approved_lines_need_an_account() {
    let mut sim = Sim::new();
    let mut body = inv(json!({ "Name": "A" }), vec![json!({ "Description": "x", "Quantity": 1, "UnitAmount": 5 })]);
    assert_eq!(sim.put("/Invoices", json!({ "Invoices": [body.clone()] })).status, 200, "drafts may omit it");
    body["Status"] = json!("AUTHORISED");
    assert_validation(&sim.put("/Invoices", json!({ "Invoices": [body] })), 0, "Account code must be specified");
}

#[test]
fn tax_type_must_exist_and_be_active() {
    let mut sim = Sim::new();
    let mut l = line("a", "1", "1");
    l["TaxType"] = json!("TAX001");
    assert_validation(
        &sim.put("/Invoices", json!({ "Invoices": [inv(json!({ "Name": "A" }), vec![l.clone()])] })),
        0,
        "The TaxType code 'TAX001' does not exist or cannot be used for this type of transaction.",
    );
    l["TaxType"] = json!("BOGUS");
    assert_validation(&sim.put("/Invoices", json!({ "Invoices": [inv(json!({ "Name": "A" }), vec![l])] })), 0, "BOGUS");
}

#[test]
fn item_code_must_exist_and_supplies_defaults() {
    let mut sim = Sim::new();
    let mut l = json!({ "ItemCode": "NOPE", "Quantity": 1 });
    assert_validation(
        &sim.put("/Invoices", json!({ "Invoices": [inv(json!({ "Name": "A" }), vec![l.clone()])] })),
        0,
        "Item code 'NOPE' is not valid",
    );
    sim.create("/Items", "Items", json!({ "Code": "W", "Name": "Widget", "Description": "Blue widget", "SalesDetails": { "UnitPrice": 20, "AccountCode": "200", "TaxType": "OUTPUT" } }));
    l["ItemCode"] = json!("W");
    l["Quantity"] = json!(3);
    let i = sim.create("/Invoices", "Invoices", inv(json!({ "Name": "A" }), vec![l]));
    let li = &i["LineItems"][0];
    assert_eq!(li["Description"], "Blue widget");
    assert_eq!(li["AccountCode"], "200");
    assert_eq!(t(&li["LineAmount"]), "60.00");
    assert_eq!(t(&li["TaxAmount"]), "6.00");
    assert_eq!(li["Item"]["Code"], "W");
}

/// A purchase line of a TRACKED item without an account posts to the item's inventory asset account (spec:
/// `Purchase.AccountCode` "not applicable to the purchase details of tracked items"; Xero's tracked-inventory
/// guide buys tracked items on the inventory account 630); a sale uses SalesDetails.AccountCode.
#[test]
fn tracked_item_purchases_post_to_the_inventory_asset_account() {
    let mut sim = Sim::new();
    sim.create(
        "/Items",
        "Items",
        json!({ "Code": "T", "Name": "Tracked", "InventoryAssetAccountCode": "630",
                "PurchaseDetails": { "COGSAccountCode": "310", "UnitPrice": 5 },
                "SalesDetails": { "AccountCode": "200", "UnitPrice": 9 } }),
    );
    sim.create(
        "/Items",
        "Items",
        json!({ "Code": "U", "Name": "Untracked", "PurchaseDetails": { "AccountCode": "429", "UnitPrice": 4 } }),
    );
    let c = sim.contact("Supplier");
    let doc = |typ: &str, code: &str| {
        json!({ "Type": typ, "Contact": { "ContactID": c }, "Status": "AUTHORISED",
                "LineItems": [{ "ItemCode": code, "Quantity": 2 }] })
    };
    let bill = sim.create("/Invoices", "Invoices", doc("ACCPAY", "T"));
    assert_eq!(bill["LineItems"][0]["AccountCode"], "630");
    assert_eq!(t(&bill["LineItems"][0]["LineAmount"]), "10.00");
    let credit = sim.create("/CreditNotes", "CreditNotes", doc("ACCPAYCREDIT", "T"));
    assert_eq!(credit["LineItems"][0]["AccountCode"], "630");
    let sale = sim.create("/Invoices", "Invoices", doc("ACCREC", "T"));
    assert_eq!(sale["LineItems"][0]["AccountCode"], "200");
    let untracked = sim.create("/Invoices", "Invoices", doc("ACCPAY", "U"));
    assert_eq!(untracked["LineItems"][0]["AccountCode"], "429");
    // A tracked item without a sales account still needs one on an approved sale.
    sim.create(
        "/Items",
        "Items",
        json!({ "Code": "N", "Name": "No sales account", "InventoryAssetAccountCode": "630",
                "PurchaseDetails": { "COGSAccountCode": "310" } }),
    );
    let mut sale = doc("ACCREC", "N");
    sale["LineItems"][0]["UnitAmount"] = json!(1);
    assert_validation(&sim.put("/Invoices", json!({ "Invoices": [sale] })), 0, "Account code must be specified");
}

#[test]
fn tracking_at_most_two_and_must_exist_and_be_active() {
    let mut sim = Sim::new();
    let mut l = line("a", "1", "10");
    l["Tracking"] = json!([{ "Name": "Division", "Option": "North" }, { "Name": "Sales Rep", "Option": "Bob Smith" }]);
    let i = sim.create("/Invoices", "Invoices", inv(json!({ "Name": "A" }), vec![l.clone()]));
    assert_eq!(i["LineItems"][0]["Tracking"][1]["Option"], "Bob Smith");
    assert!(i["LineItems"][0]["Tracking"][0]["TrackingOptionID"].as_str().is_some());
    // by ids
    let ids = i["LineItems"][0]["Tracking"][0].clone();
    l["Tracking"] =
        json!([{ "TrackingCategoryID": ids["TrackingCategoryID"], "TrackingOptionID": ids["TrackingOptionID"] }]);
    assert_eq!(
        sim.create("/Invoices", "Invoices", inv(json!({ "Name": "A" }), vec![l.clone()]))["LineItems"][0]["Tracking"]
            [0]["Option"],
        "North"
    );
    l["Tracking"] = json!([{ "Name": "Division", "Option": "North" }, { "Name": "Sales Rep", "Option": "Bob Smith" }, { "Name": "Region (old)", "Option": "East" }]);
    assert_validation(
        &sim.put("/Invoices", json!({ "Invoices": [inv(json!({ "Name": "A" }), vec![l.clone()])] })),
        0,
        "maximum of 2",
    );
    l["Tracking"] = json!([{ "Name": "Division", "Option": "Nowhere" }]);
    assert_validation(
        &sim.put("/Invoices", json!({ "Invoices": [inv(json!({ "Name": "A" }), vec![l.clone()])] })),
        0,
        "'Nowhere' does not exist",
    );
    l["Tracking"] = json!([{ "Name": "Division", "Option": "West (closed)" }]);
    assert_validation(
        &sim.put("/Invoices", json!({ "Invoices": [inv(json!({ "Name": "A" }), vec![l.clone()])] })),
        0,
        "not active",
    );
    l["Tracking"] = json!([{ "Name": "Region (old)", "Option": "East" }]);
    assert_validation(
        &sim.put("/Invoices", json!({ "Invoices": [inv(json!({ "Name": "A" }), vec![l.clone()])] })),
        0,
        "not active",
    );
    l["Tracking"] = json!([{ "Name": "Colour", "Option": "Red" }]);
    assert_validation(
        &sim.put("/Invoices", json!({ "Invoices": [inv(json!({ "Name": "A" }), vec![l])] })),
        0,
        "'Colour' does not exist",
    );
}

#[test]
fn discounts_only_on_accrec() {
    let mut sim = Sim::new();
    let mut l = line("a", "3", "9.99");
    l["DiscountRate"] = json!(15);
    let i = sim.create("/Invoices", "Invoices", inv(json!({ "Name": "A" }), vec![l.clone()]));
    // 3 × 9.99 = 29.97; × 0.85 = 25.4745 → 25.47
    assert_eq!(t(&i["LineItems"][0]["LineAmount"]), "25.47");
    assert_eq!(t(&i["LineItems"][0]["DiscountRate"]), "15.00");
    assert_eq!(i["IsDiscounted"], true);
    let mut bill = inv(json!({ "Name": "A" }), vec![l.clone()]);
    bill["Type"] = json!("ACCPAY");
    assert_validation(
        &sim.put("/Invoices", json!({ "Invoices": [bill] })),
        0,
        "Discounts are only supported on ACCREC",
    );
    let mut l2 = line("a", "2", "10");
    l2["DiscountAmount"] = json!(1.5);
    let i = sim.create("/Invoices", "Invoices", inv(json!({ "Name": "A" }), vec![l2]));
    assert_eq!(t(&i["LineItems"][0]["LineAmount"]), "18.50");
    assert_eq!(t(&i["TotalTax"]), "1.85");
}

#[test]
fn accrec_numbers_unique_accpay_not() {
    let mut sim = Sim::new();
    let mut a = inv(json!({ "Name": "A" }), vec![line("a", "1", "1")]);
    a["InvoiceNumber"] = json!("ORD-7");
    sim.create("/Invoices", "Invoices", a.clone());
    assert_validation(&sim.put("/Invoices", json!({ "Invoices": [a.clone()] })), 0, "Invoice # must be unique.");
    a["Type"] = json!("ACCPAY");
    sim.create("/Invoices", "Invoices", a.clone());
    sim.create("/Invoices", "Invoices", a);
    assert_eq!(sim.get("/Invoices", &[("InvoiceNumbers", "ORD-7")])["Invoices"].as_array().unwrap().len(), 3);
}

#[test]
fn dates_accept_iso_and_ms_forms_and_default_to_today() {
    let mut sim = Sim::new();
    let mut a = inv(json!({ "Name": "A" }), vec![line("a", "1", "1")]);
    a["Date"] = json!("/Date(1709251200000+0000)/");
    a["DueDate"] = json!("2024-04-01T00:00:00");
    let i = sim.create("/Invoices", "Invoices", a.clone());
    assert_eq!(i["DateString"], "2024-03-01T00:00:00");
    assert_eq!(i["DueDateString"], "2024-04-01T00:00:00");
    a.as_object_mut().unwrap().remove("Date");
    assert_eq!(sim.create("/Invoices", "Invoices", a.clone())["DateString"], "2024-03-15T00:00:00");
    a["Date"] = json!("15/03/2024");
    assert_validation(&sim.put("/Invoices", json!({ "Invoices": [a] })), 0, "not a valid date");
}

#[test]
fn currency_must_be_enabled_and_rate_defaults() {
    let mut sim = Sim::new();
    let mut a = inv(json!({ "Name": "A" }), vec![line("a", "1", "100")]);
    a["CurrencyCode"] = json!("JPY");
    assert_validation(
        &sim.put("/Invoices", json!({ "Invoices": [a.clone()] })),
        0,
        "Organisation is not subscribed to currency JPY",
    );
    a["CurrencyCode"] = json!("USD");
    let i = sim.create("/Invoices", "Invoices", a.clone());
    assert_eq!(i["CurrencyCode"], "USD");
    assert_eq!(t(&i["CurrencyRate"]), "0.650000");
    a["CurrencyRate"] = json!(0.7123456789);
    assert_eq!(t(&sim.create("/Invoices", "Invoices", a)["CurrencyRate"]), "0.712346");
}

#[test]
fn status_on_create_is_draft_submitted_or_authorised() {
    let mut sim = Sim::new();
    let mut a = inv(json!({ "Name": "A" }), vec![line("a", "1", "1")]);
    a["Status"] = json!("PAID");
    assert_validation(
        &sim.put("/Invoices", json!({ "Invoices": [a.clone()] })),
        0,
        "cannot be created with Status PAID",
    );
    a["Status"] = json!("SUBMITTED");
    assert_eq!(sim.create("/Invoices", "Invoices", a)["Status"], "SUBMITTED");
}

// ------------------------------------------------------------------ money

#[test]
fn unit_amount_two_dp_by_default_four_with_unitdp() {
    let mut sim = Sim::new();
    let body = json!({ "Invoices": [inv(json!({ "Name": "A" }), vec![line("a", "3", "0.3333")])] });
    let r = sim.put("/Invoices", body.clone());
    let li = &r.body["Invoices"][0]["LineItems"][0];
    assert_eq!(t(&li["UnitAmount"]), "0.33");
    assert_eq!(t(&li["LineAmount"]), "0.99");
    let r = sim.call("PUT", "/Invoices", &[("unitdp", "4")], Some(body));
    let li = &r.body["Invoices"][0]["LineItems"][0];
    assert_eq!(t(&li["UnitAmount"]), "0.3333");
    assert_eq!(t(&li["LineAmount"]), "1.00");
    let id = r.body["Invoices"][0]["InvoiceID"].as_str().unwrap().to_string();
    assert_eq!(t(&sim.get(&format!("/Invoices/{id}"), &[])["Invoices"][0]["LineItems"][0]["UnitAmount"]), "0.33");
    assert_eq!(
        t(&sim.get(&format!("/Invoices/{id}"), &[("unitdp", "4")])["Invoices"][0]["LineItems"][0]["UnitAmount"]),
        "0.3333"
    );
}

#[test]
fn quantity_keeps_four_dp() {
    let mut sim = Sim::new();
    let i = sim.create("/Invoices", "Invoices", inv(json!({ "Name": "A" }), vec![line("a", "1.23456", "10")]));
    assert_eq!(t(&i["LineItems"][0]["Quantity"]), "1.2346");
    assert_eq!(t(&i["LineItems"][0]["LineAmount"]), "12.35");
}

#[test]
fn tax_is_rounded_per_line_then_summed() {
    let mut sim = Sim::new();
    // Three lines of 0.15: tax 0.015 → 0.02 each (half away from zero) → 0.06; the sum 0.45 × 10 % would be 0.05 (0.045 → 0.05).
    let i = sim.create(
        "/Invoices",
        "Invoices",
        inv(json!({ "Name": "A" }), vec![line("a", "1", "0.15"), line("b", "1", "0.15"), line("c", "1", "0.15")]),
    );
    assert_eq!(t(&i["LineItems"][0]["TaxAmount"]), "0.02");
    assert_eq!(t(&i["TotalTax"]), "0.06");
    assert_eq!(t(&i["SubTotal"]), "0.45");
    assert_eq!(t(&i["Total"]), "0.51");
}

#[test]
fn inclusive_tax_is_extracted() {
    let mut sim = Sim::new();
    let mut a = inv(json!({ "Name": "A" }), vec![line("a", "1", "110"), line("b", "1", "10.01")]);
    a["LineAmountTypes"] = json!("Inclusive");
    let i = sim.create("/Invoices", "Invoices", a);
    assert_eq!(t(&i["LineItems"][0]["TaxAmount"]), "10.00");
    // 10.01 × 0.1 / 1.1 = 0.91
    assert_eq!(t(&i["LineItems"][1]["TaxAmount"]), "0.91");
    assert_eq!(t(&i["TotalTax"]), "10.91");
    assert_eq!(t(&i["SubTotal"]), "109.10");
    assert_eq!(t(&i["Total"]), "120.01");
}

#[test]
fn no_tax_has_no_tax() {
    let mut sim = Sim::new();
    let mut a = inv(json!({ "Name": "A" }), vec![line("a", "2", "5")]);
    a["LineAmountTypes"] = json!("NoTax");
    let i = sim.create("/Invoices", "Invoices", a);
    assert_eq!(t(&i["TotalTax"]), "0.00");
    assert_eq!(t(&i["Total"]), "10.00");
}

#[test]
fn line_amount_mismatch_is_rejected_and_line_amount_alone_works() {
    let mut sim = Sim::new();
    let mut l = line("a", "2", "5");
    l["LineAmount"] = json!(11);
    assert_validation(
        &sim.put("/Invoices", json!({ "Invoices": [inv(json!({ "Name": "A" }), vec![l])] })),
        0,
        "does not match",
    );
    let l = json!({ "Description": "lump", "LineAmount": 42.5, "AccountCode": "200" });
    let i = sim.create("/Invoices", "Invoices", inv(json!({ "Name": "A" }), vec![l]));
    assert_eq!(t(&i["LineItems"][0]["LineAmount"]), "42.50");
    assert_eq!(t(&i["LineItems"][0]["Quantity"]), "1.0000");
    assert_eq!(t(&i["TotalTax"]), "4.25", "account 200 defaults to OUTPUT");
}

#[test]
fn foreign_currency_amounts_stay_in_document_currency() {
    let mut sim = Sim::new();
    let mut a = inv(json!({ "Name": "A" }), vec![line("a", "1", "99.99")]);
    a["CurrencyCode"] = json!("EUR");
    let i = sim.create("/Invoices", "Invoices", a);
    assert_eq!(t(&i["Total"]), "109.99");
    assert_eq!(t(&i["CurrencyRate"]), "0.600000");
}

// ------------------------------------------------------------------ updates

#[test]
fn post_updates_draft_and_lines_replace() {
    let mut sim = Sim::new();
    let c = sim.contact("A");
    let i = sim.create(
        "/Invoices",
        "Invoices",
        json!({ "Type": "ACCREC", "Contact": { "ContactID": c }, "LineItems": [line("keep", "1", "10"), line("drop", "1", "20")] }),
    );
    let id = i["InvoiceID"].as_str().unwrap().to_string();
    let keep_id = i["LineItems"][0]["LineItemID"].clone();
    let mut kept = line("keep", "2", "10");
    kept["LineItemID"] = keep_id.clone();
    let r = sim.post(
        &format!("/Invoices/{id}"),
        json!({ "Invoices": [{ "Reference": "R1", "LineItems": [kept, line("new", "1", "1")] }] }),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let u = &r.body["Invoices"][0];
    assert_eq!(u["Reference"], "R1");
    assert_eq!(u["LineItems"].as_array().unwrap().len(), 2);
    assert_eq!(u["LineItems"][0]["LineItemID"], keep_id);
    assert_eq!(t(&u["SubTotal"]), "21.00");
    // Fields not sent keep their value; lines not sent stay when LineItems is absent.
    let r = sim.post("/Invoices", json!({ "Invoices": [{ "InvoiceID": id, "DueDate": "2024-05-01" }] }));
    assert_eq!(r.body["Invoices"][0]["Reference"], "R1");
    assert_eq!(r.body["Invoices"][0]["LineItems"].as_array().unwrap().len(), 2);
    // POST with an existing ACCREC number updates that invoice.
    let number = u["InvoiceNumber"].as_str().unwrap().to_string();
    let r = sim
        .post("/Invoices", json!({ "Invoices": [{ "Type": "ACCREC", "InvoiceNumber": number, "Reference": "R2" }] }));
    assert_eq!(r.body["Invoices"][0]["InvoiceID"], id.as_str());
    assert_eq!(sim.get("/Invoices", &[])["Invoices"].as_array().unwrap().len(), 1);
}

#[test]
fn update_keeps_four_dp_unit_amounts_without_unitdp() {
    let mut sim = Sim::new();
    let r = sim.call(
        "PUT",
        "/Invoices",
        &[("unitdp", "4")],
        Some(json!({ "Invoices": [inv(json!({ "Name": "A" }), vec![line("a", "3", "0.3333")])] })),
    );
    let id = r.body["Invoices"][0]["InvoiceID"].as_str().unwrap().to_string();
    sim.post(&format!("/Invoices/{id}"), json!({ "Reference": "x" }));
    assert_eq!(
        t(&sim.get(&format!("/Invoices/{id}"), &[("unitdp", "4")])["Invoices"][0]["LineItems"][0]["UnitAmount"]),
        "0.3333"
    );
}

#[test]
fn delete_only_from_draft_or_submitted() {
    let mut sim = Sim::new();
    let c = sim.contact("A");
    let d = sim.invoice(&c, "SUBMITTED", "1", "1");
    let r = sim.post("/Invoices", json!({ "Invoices": [{ "InvoiceID": d["InvoiceID"], "Status": "DELETED" }] }));
    assert_eq!(r.body["Invoices"][0]["Status"], "DELETED");
    let a = sim.invoice(&c, "AUTHORISED", "1", "1");
    let r = sim.post("/Invoices", json!({ "Invoices": [{ "InvoiceID": a["InvoiceID"], "Status": "DELETED" }] }));
    assert_validation(&r, 0, "Invoice not of valid status for modification");
    let r = sim.post("/Invoices", json!({ "Invoices": [{ "InvoiceID": d["InvoiceID"], "Reference": "again" }] }));
    assert_validation(&r, 0, "Invoice not of valid status for modification");
}

#[test]
fn void_only_authorised_without_payments() {
    let mut sim = Sim::new();
    let c = sim.contact("A");
    let draft = sim.invoice(&c, "DRAFT", "1", "1");
    let r = sim.post("/Invoices", json!({ "Invoices": [{ "InvoiceID": draft["InvoiceID"], "Status": "VOIDED" }] }));
    assert_validation(&r, 0, "Only AUTHORISED");
    let a = sim.invoice(&c, "AUTHORISED", "1", "100");
    let r = sim.post("/Invoices", json!({ "Invoices": [{ "InvoiceID": a["InvoiceID"], "Status": "VOIDED" }] }));
    assert_eq!(r.body["Invoices"][0]["Status"], "VOIDED");
    let b = sim.invoice(&c, "AUTHORISED", "1", "100");
    let p = sim.put("/Payments", json!({ "Payments": [{ "Invoice": { "InvoiceID": b["InvoiceID"] }, "Account": { "Code": "090" }, "Amount": 10, "Date": "2024-03-10" }] }));
    assert_eq!(p.status, 200, "{}", p.body);
    let r = sim.post("/Invoices", json!({ "Invoices": [{ "InvoiceID": b["InvoiceID"], "Status": "VOIDED" }] }));
    assert_validation(&r, 0, "This document cannot be edited as it has a payment or credit note allocated to it.");
}

#[test]
fn authorised_edits_and_limits_once_paid() {
    let mut sim = Sim::new();
    let c = sim.contact("A");
    let a = sim.invoice(&c, "AUTHORISED", "1", "100");
    let id = a["InvoiceID"].as_str().unwrap().to_string();
    // Nothing applied yet: lines may change.
    let r = sim.post(&format!("/Invoices/{id}"), json!({ "LineItems": [line("x", "1", "200")] }));
    assert_eq!(t(&r.body["Invoices"][0]["Total"]), "220.00");
    let r = sim.post(&format!("/Invoices/{id}"), json!({ "Status": "DRAFT" }));
    assert_validation(&r, 0, "not of valid status");
    sim.put(
        "/Payments",
        json!({ "Payments": [{ "Invoice": { "InvoiceID": id }, "Account": { "Code": "090" }, "Amount": 20 }] }),
    );
    let r = sim.post(&format!("/Invoices/{id}"), json!({ "Reference": "PO-1", "DueDate": "2024-06-30" }));
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["Invoices"][0]["Reference"], "PO-1");
    let r = sim.post(&format!("/Invoices/{id}"), json!({ "LineItems": [line("x", "1", "300")] }));
    assert_validation(&r, 0, "This document cannot be edited as it has a payment or credit note allocated to it.");
}

#[test]
fn paid_invoices_are_not_editable() {
    let mut sim = Sim::new();
    let c = sim.contact("A");
    let a = sim.invoice(&c, "AUTHORISED", "1", "100");
    let id = a["InvoiceID"].as_str().unwrap().to_string();
    sim.put(
        "/Payments",
        json!({ "Payments": [{ "Invoice": { "InvoiceID": id }, "Account": { "Code": "090" }, "Amount": 110 }] }),
    );
    let r = sim.post(&format!("/Invoices/{id}"), json!({ "Reference": "late" }));
    assert_validation(&r, 0, "Invoice not of valid status for modification");
}

#[test]
fn unknown_invoice_id_in_body_is_an_error_and_in_path_404() {
    let mut sim = Sim::new();
    let r = sim.post(
        "/Invoices",
        json!({ "Invoices": [{ "InvoiceID": "0b3d7e5a-1111-4111-8111-111111111111", "Reference": "x" }] }),
    );
    assert_validation(&r, 0, "could not be found");
    assert_eq!(sim.post("/Invoices/0b3d7e5a-1111-4111-8111-111111111111", json!({ "Reference": "x" })).status, 404);
}

#[test]
fn get_by_number_and_list_without_page_omits_lines() {
    let mut sim = Sim::new();
    let c = sim.contact("A");
    sim.invoice(&c, "DRAFT", "1", "1");
    let one = sim.get("/Invoices/INV-0001", &[]);
    assert!(one["Invoices"][0]["LineItems"].is_array());
    let all = sim.get("/Invoices", &[]);
    assert!(all["Invoices"][0].get("LineItems").is_none());
    assert!(all.get("pagination").is_none());
    let paged = sim.get("/Invoices", &[("page", "1")]);
    assert!(paged["Invoices"][0]["LineItems"].is_array());
}

/// "We use PUT to create ... POST to update" (XeroAPI/Xero-NetStandard#226): a PUT naming an existing document
/// makes a new one; only POST updates.
#[test]
fn put_with_an_existing_id_creates_a_new_document() {
    let mut sim = Sim::new();
    let c = sim.contact("A");
    let first = sim.invoice(&c, "DRAFT", "1", "10");
    let id = first["InvoiceID"].as_str().unwrap().to_string();
    let mut again = json!({ "InvoiceID": id, "Type": "ACCREC", "Contact": { "ContactID": c }, "Reference": "second",
                             "LineItems": [line("x", "1", "5")] });
    let second = sim.create("/Invoices", "Invoices", again.clone());
    assert_ne!(second["InvoiceID"], id.as_str());
    assert_eq!(second["InvoiceNumber"], "INV-0002");
    let stored = &sim.get(&format!("/Invoices/{id}"), &[])["Invoices"][0];
    assert!(stored.get("Reference").is_none(), "the first is untouched");
    assert_eq!(t(&stored["Total"]), "11.00");
    assert_eq!(sim.get("/Invoices", &[])["Invoices"].as_array().unwrap().len(), 2);
    // Its number is the existing one's: refused as a duplicate, not an update.
    again["InvoiceNumber"] = json!("INV-0001");
    assert_validation(&sim.put("/Invoices", json!({ "Invoices": [again] })), 0, "Invoice # must be unique.");
    // A partial PUT is a create missing what a create needs.
    let r = sim.put("/Invoices", json!({ "Invoices": [{ "InvoiceID": id, "Reference": "patch" }] }));
    assert_validation(&r, 0, "Type must be specified");
    // POST with the id updates.
    let r = sim.post("/Invoices", json!({ "Invoices": [{ "InvoiceID": id, "Reference": "updated" }] }));
    assert_eq!(r.body["Invoices"][0]["InvoiceID"], id.as_str());
    assert_eq!(r.body["Invoices"][0]["Reference"], "updated");
    // An id that names nothing is still refused.
    let r = sim.put(
        "/Invoices",
        json!({ "Invoices": [{ "InvoiceID": "0b3d7e5a-1111-4111-8111-111111111111", "Type": "ACCREC",
                               "Contact": { "ContactID": c }, "LineItems": [line("x", "1", "5")] }] }),
    );
    assert_validation(&r, 0, "could not be found");

    // Credit notes alike.
    let cn = sim.create(
        "/CreditNotes",
        "CreditNotes",
        json!({ "Type": "ACCRECCREDIT", "Contact": { "ContactID": c }, "LineItems": [line("c", "1", "1")] }),
    );
    let cn2 = sim.create(
        "/CreditNotes",
        "CreditNotes",
        json!({ "CreditNoteID": cn["CreditNoteID"], "Type": "ACCRECCREDIT", "Contact": { "ContactID": c },
                "LineItems": [line("c", "1", "2")] }),
    );
    assert_ne!(cn2["CreditNoteID"], cn["CreditNoteID"]);
    assert_eq!(cn2["CreditNoteNumber"], "CN-0002");
    assert_eq!(sim.get("/CreditNotes", &[])["CreditNotes"].as_array().unwrap().len(), 2);
}
