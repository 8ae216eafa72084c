//! Batches (summarizeErrors both ways), paging and where-filters.

use crate::support::accounting::*;
use serde_json::json;

#[test]
fn summarized_batch_failure_stores_nothing() {
    let mut sim = Sim::new();
    let r = sim.put(
        "/Contacts",
        json!({ "Contacts": [{ "Name": "Good 1" }, { "ContactNumber": "no-name" }, { "Name": "Good 2" }] }),
    );
    assert_eq!(r.status, 400);
    let els = r.body["Elements"].as_array().unwrap();
    assert_eq!(els.len(), 3, "every element, in input order");
    assert_eq!(els[0]["ValidationErrors"], json!([]));
    assert_eq!(els[1]["StatusAttributeString"], "ERROR");
    assert_eq!(els[1]["HasValidationErrors"], true);
    assert!(!els[1]["ValidationErrors"].as_array().unwrap().is_empty());
    assert_eq!(sim.org.snapshot()["Contacts"].as_array().unwrap().len(), 0);
}

#[test]
fn summarized_batch_failure_rolls_back_auto_created_contacts_and_numbers() {
    let mut sim = Sim::new();
    let good = json!({ "Type": "ACCREC", "Contact": { "Name": "Fresh Co" }, "LineItems": [{ "Description": "a", "Quantity": 1, "UnitAmount": 1, "AccountCode": "200" }] });
    let bad = json!({ "Type": "ACCREC", "Contact": { "Name": "Fresh Co" }, "LineItems": [{ "Description": "a", "Quantity": 1, "UnitAmount": 1, "AccountCode": "999" }] });
    let r = sim.put("/Invoices", json!({ "Invoices": [good.clone(), bad] }));
    assert_eq!(r.status, 400);
    assert_eq!(r.body["Elements"][1]["HasErrors"], true);
    let s = sim.org.snapshot();
    assert_eq!(s["Contacts"].as_array().unwrap().len(), 0);
    assert_eq!(s["Invoices"].as_array().unwrap().len(), 0);
    assert_eq!(sim.create("/Invoices", "Invoices", good)["InvoiceNumber"], "INV-0001");
}

#[test]
fn unsummarized_batch_stores_valid_elements_in_order() {
    let mut sim = Sim::new();
    let r = sim.call(
        "PUT",
        "/Items",
        &[("summarizeErrors", "false")],
        Some(json!({ "Items": [{ "Code": "A" }, { "Code": "A" }, { "Code": "B" }] })),
    );
    assert_eq!(r.status, 200);
    let items = r.body["Items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["StatusAttributeString"], "OK");
    assert_eq!(items[1]["StatusAttributeString"], "ERROR");
    assert_eq!(items[1]["ValidationErrors"][0]["Message"], "Price List Item with Code 'A' already exists");
    assert_eq!(items[2]["StatusAttributeString"], "OK");
    assert_eq!(sim.get("/Items", &[])["Items"].as_array().unwrap().len(), 2);
}

#[test]
fn a_later_element_sees_an_earlier_one_in_the_same_batch() {
    let mut sim = Sim::new();
    let r = sim.put("/Contacts", json!({ "Contacts": [{ "Name": "Twin" }, { "Name": "Twin" }] }));
    assert_validation(&r, 1, "already assigned");
}

#[test]
fn paging_with_pagination_object() {
    let mut sim = Sim::new();
    let c = sim.contact("Pager");
    for _ in 0..7 {
        sim.invoice(&c, "DRAFT", "1", "1");
    }
    let p1 = sim.get("/Invoices", &[("page", "1"), ("pageSize", "3")]);
    assert_eq!(p1["Invoices"].as_array().unwrap().len(), 3);
    assert_eq!(p1["pagination"], json!({ "page": 1, "pageSize": 3, "pageCount": 3, "itemCount": 7 }));
    let p3 = sim.get("/Invoices", &[("page", "3"), ("pageSize", "3")]);
    assert_eq!(p3["Invoices"].as_array().unwrap().len(), 1);
    assert_eq!(p3["Invoices"][0]["InvoiceNumber"], "INV-0007");
    // A page's documents come with their lines, each page's own.
    let one = sim.get("/Invoices/INV-0007", &[]);
    assert_eq!(p3["Invoices"][0]["LineItems"], one["Invoices"][0]["LineItems"]);
    assert!(p1["Invoices"].as_array().unwrap().iter().all(|i| i["LineItems"].as_array().unwrap().len() == 1));
    let p4 = sim.get("/Invoices", &[("page", "4"), ("pageSize", "3")]);
    assert_eq!(p4["Invoices"].as_array().unwrap().len(), 0);
    let big = sim.get("/Invoices", &[("page", "1"), ("pageSize", "5000")]);
    assert_eq!(big["pagination"]["pageSize"], 1000);
    let def = sim.get("/Contacts", &[("page", "1")]);
    assert_eq!(def["pagination"]["pageSize"], 100);
}

#[test]
fn where_filters_an_integration_needs() {
    let mut sim = Sim::new();
    sim.create("/Contacts", "Contacts", json!({ "Name": "Alpha", "ContactNumber": "C-1" }));
    sim.create("/Contacts", "Contacts", json!({ "Name": "Beta", "ContactNumber": "C-2" }));
    let c = sim.get("/Contacts", &[("where", "ContactNumber==\"C-2\"")]);
    assert_eq!(c["Contacts"].as_array().unwrap().len(), 1);
    assert_eq!(c["Contacts"][0]["Name"], "Beta");
    let c = sim.get("/Contacts", &[("where", "Name==\"Alpha\" OR Name==\"Beta\"")]);
    assert_eq!(c["Contacts"].as_array().unwrap().len(), 2);
    let c = sim.get("/Contacts", &[("where", "Name==\"Alpha\" && ContactNumber==\"C-2\"")]);
    assert_eq!(c["Contacts"].as_array().unwrap().len(), 0);
    let c = sim.get("/Contacts", &[("where", "Name.StartsWith(\"Al\")")]);
    assert_eq!(c["Contacts"].as_array().unwrap().len(), 1);

    let id = sim.contact("Gamma");
    sim.invoice(&id, "AUTHORISED", "1", "100");
    sim.invoice(&id, "DRAFT", "1", "5");
    sim.create(
        "/Invoices",
        "Invoices",
        json!({ "Type": "ACCPAY", "Contact": { "ContactID": id }, "LineItems": [{ "Description": "x", "Quantity": 1, "UnitAmount": 1, "AccountCode": "429" }] }),
    );
    let f = |sim: &mut Sim, w: &str| sim.get("/Invoices", &[("where", w)])["Invoices"].as_array().unwrap().len();
    assert_eq!(f(&mut sim, "Status==\"AUTHORISED\""), 1);
    assert_eq!(f(&mut sim, "Type==\"ACCPAY\""), 1);
    assert_eq!(f(&mut sim, "InvoiceNumber==\"INV-0002\""), 1);
    assert_eq!(f(&mut sim, "Type==\"ACCREC\" AND (Status==\"DRAFT\" || Status==\"AUTHORISED\")"), 2);
    assert_eq!(f(&mut sim, &format!("Contact.ContactID==Guid(\"{id}\")")), 3);
    assert_eq!(f(&mut sim, "Total > 100"), 1);
    assert_eq!(f(&mut sim, "Date >= DateTime(2024, 03, 01)"), 3);
    assert_eq!(sim.get("/Invoices", &[("Statuses", "DRAFT,AUTHORISED")])["Invoices"].as_array().unwrap().len(), 3);
    assert_eq!(sim.get("/Invoices", &[("ContactIDs", &id)])["Invoices"].as_array().unwrap().len(), 3);
    assert_eq!(
        sim.get("/Invoices", &[("InvoiceNumbers", "INV-0001,INV-0002")])["Invoices"].as_array().unwrap().len(),
        2
    );
    let ordered = sim.get("/Invoices", &[("order", "Total DESC")]);
    assert_eq!(t(&ordered["Invoices"][0]["Total"]), "110.00");
    let code = sim.get("/Items", &[("where", "Code==\"none\"")]);
    assert_eq!(code["Items"].as_array().unwrap().len(), 0);
}

#[test]
fn unsupported_where_is_400() {
    let mut sim = Sim::new();
    for w in [
        "Name===\"x\"",
        "Bogus==\"x\"",
        "Name.Matches(\"x\")",
        "Name==\"unterminated",
        "(Name==\"x\"",
        "Name.ToLower(\"x\")==\"x\"",
        "Name.ToLower().Length==1",
        "Name.Trim()==\"x\"",
        "Bogus.ToLower()==\"x\"",
        "ContactID==Guid(\"not-a-guid\")",
    ] {
        let r = sim.call("GET", "/Contacts", &[("where", w)], None);
        assert_eq!(r.status, 400, "{w}: {}", r.body);
        assert_eq!(r.body["Type"], "QueryParseException");
    }
}

/// Xero's `where` string equality is case-sensitive while uniqueness is not: `Code=="devd"` finds nothing for
/// item `DevD`, yet creating `devd` is refused (calcinai/xero-php#416); the same for contact names
/// (freakboy3742/pyxero#172). `ToLower()` is how to search without case (pyxero#71, XeroAPI/xero-ruby#184).
#[test]
fn where_string_equality_is_case_sensitive_and_to_lower_searches_without_case() {
    let mut sim = Sim::new();
    sim.create("/Items", "Items", json!({ "Code": "DevD" }));
    let items = |sim: &mut Sim, w: &str| sim.get("/Items", &[("where", w)])["Items"].as_array().unwrap().len();
    assert_eq!(items(&mut sim, "Code==\"devd\""), 0);
    assert_eq!(items(&mut sim, "Code==\"DevD\""), 1);
    assert_eq!(items(&mut sim, "Code!=\"devd\""), 1);
    assert_eq!(items(&mut sim, "Code.ToLower()==\"devd\""), 1);
    assert_eq!(items(&mut sim, "Code.ToUpper()==\"DEVD\""), 1);
    assert_eq!(items(&mut sim, "Code.ToLower()==\"DevD\""), 0);
    assert_eq!(items(&mut sim, "Code.ToLower().Equals(\"devd\")"), 1);
    assert_eq!(items(&mut sim, "Code.Equals(\"devd\")"), 0);
    assert_eq!(items(&mut sim, "code.tolower()==\"devd\""), 1, "method and field names ignore case");
    // Uniqueness still ignores case.
    assert_validation(&sim.put("/Items", json!({ "Items": [{ "Code": "devd" }] })), 0, "already exists");

    sim.contact("John Smith");
    let contacts = |sim: &mut Sim, w: &str| sim.get("/Contacts", &[("where", w)])["Contacts"].as_array().unwrap().len();
    assert_eq!(contacts(&mut sim, "Name==\"john smith\""), 0);
    assert_eq!(contacts(&mut sim, "Name==\"John Smith\""), 1);
    assert_eq!(contacts(&mut sim, "Name.ToUpper()==\"JOHN SMITH\""), 1);
    assert_eq!(contacts(&mut sim, "Name.ToLower()==\"john smith\" AND Name!=\"john smith\""), 1);
    assert_validation(
        &sim.put("/Contacts", json!({ "Contacts": [{ "Name": "john smith" }] })),
        0,
        "is already assigned to another contact",
    );
}

/// `Contains`/`StartsWith`/`EndsWith` are .NET string methods: ordinal, case-sensitive; `ToLower()` first
/// makes them case-insensitive (`Contact.Name.ToLower().Contains("abc")`: pyxero#71, xero-ruby#184).
#[test]
fn string_methods_are_case_sensitive_unless_the_field_is_converted() {
    let mut sim = Sim::new();
    sim.contact("John Smith");
    sim.contact("Smithers Ltd");
    let n = |sim: &mut Sim, w: &str| sim.get("/Contacts", &[("where", w)])["Contacts"].as_array().unwrap().len();
    assert_eq!(n(&mut sim, "Name.Contains(\"smith\")"), 0);
    assert_eq!(n(&mut sim, "Name.Contains(\"Smith\")"), 2);
    assert_eq!(n(&mut sim, "Name.ToLower().Contains(\"smith\")"), 2);
    assert_eq!(n(&mut sim, "Name.ToUpper().Contains(\"SMITH\")"), 2);
    assert_eq!(n(&mut sim, "Name.StartsWith(\"john\")"), 0);
    assert_eq!(n(&mut sim, "Name.ToLower().StartsWith(\"john\")"), 1);
    assert_eq!(n(&mut sim, "Name.EndsWith(\"LTD\")"), 0);
    assert_eq!(n(&mut sim, "Name.ToUpper().EndsWith(\"LTD\")"), 1);
    assert_eq!(n(&mut sim, "NOT Name.ToLower().StartsWith(\"john\")"), 1);
    assert_eq!(n(&mut sim, "Name.ToLower().Contains(\"smith\") == false"), 0);

    let id = sim.contact("Guid Co");
    sim.invoice(&id, "DRAFT", "1", "1");
    let upper = id.to_uppercase();
    let invoices = |sim: &mut Sim, q: &[(&str, &str)]| sim.get("/Invoices", q)["Invoices"].as_array().unwrap().len();
    // GUIDs compare as GUIDs, whatever their case.
    assert_eq!(invoices(&mut sim, &[("where", &format!("Contact.ContactID==Guid(\"{upper}\")"))]), 1);
    assert_eq!(invoices(&mut sim, &[("ContactIDs", &upper)]), 1);
    assert_eq!(n(&mut sim, &format!("ContactID==Guid(\"{upper}\")")), 1);
    assert_eq!(sim.get("/Contacts", &[("IDs", &upper)])["Contacts"].as_array().unwrap().len(), 1);
}

/// No public source says whether `InvoiceNumbers=`/`CreditNoteNumbers=` ignore case: the simulator takes the
/// stricter view (exact match) so that a client relying on either works against Xero.
#[test]
fn number_and_status_lists_match_exactly() {
    let mut sim = Sim::new();
    let id = sim.contact("Lists");
    sim.invoice(&id, "DRAFT", "1", "1");
    let n = |sim: &mut Sim, q: &[(&str, &str)]| sim.get("/Invoices", q)["Invoices"].as_array().unwrap().len();
    assert_eq!(n(&mut sim, &[("InvoiceNumbers", "INV-0001")]), 1);
    assert_eq!(n(&mut sim, &[("InvoiceNumbers", "inv-0001")]), 0);
    assert_eq!(n(&mut sim, &[("InvoiceNumbers", "inv-0001,INV-0001")]), 1);
    assert_eq!(n(&mut sim, &[("Statuses", "DRAFT")]), 1);
    assert_eq!(n(&mut sim, &[("Statuses", "draft")]), 0);
    sim.create(
        "/CreditNotes",
        "CreditNotes",
        json!({ "Type": "ACCRECCREDIT", "CreditNoteNumber": "Cn-7", "Contact": { "ContactID": id },
                "LineItems": [{ "Description": "x", "Quantity": 1, "UnitAmount": 1, "AccountCode": "200" }] }),
    );
    let cn = |sim: &mut Sim, v: &str| {
        sim.get("/CreditNotes", &[("CreditNoteNumbers", v)])["CreditNotes"].as_array().unwrap().len()
    };
    assert_eq!(cn(&mut sim, "Cn-7"), 1);
    assert_eq!(cn(&mut sim, "CN-7"), 0);
}

/// `If-Modified-Since` (declared on these list endpoints in Xero's OpenAPI spec: "Only records created or modified
/// since this timestamp will be returned"): only records whose UpdatedDateUTC is after it.
#[test]
fn if_modified_since_returns_only_records_updated_after_it() {
    let mut sim = Sim::new();
    // Sim's clock: NOW is 2024-03-15T10:00:00Z and every call moves it one second.
    let early = sim.contact("Early"); // 10:00:01
    let item = sim.create("/Items", "Items", json!({ "Code": "OLD" })); // 10:00:02
    let old_inv = sim.invoice(&early, "AUTHORISED", "1", "100"); // 10:00:03
    sim.create(
        "/CreditNotes",
        "CreditNotes",
        json!({ "Type": "ACCRECCREDIT", "Contact": { "ContactID": early },
        "LineItems": [{ "Description": "c", "Quantity": 1, "UnitAmount": 1, "AccountCode": "200" }] }),
    ); // 10:00:04
    sim.put("/Payments", json!({ "Payments": [{ "Invoice": { "InvoiceID": old_inv["InvoiceID"] }, "Account": { "Code": "090" }, "Amount": 10 }] })); // 10:00:05
    let since = "2024-03-15T10:00:05Z";
    sim.contact("Late"); // 10:00:06
    sim.create("/Items", "Items", json!({ "Code": "NEW" })); // 10:00:07
    let late = sim.contact("Late 2"); // 10:00:08
    sim.invoice(&late, "AUTHORISED", "1", "50"); // 10:00:09
    sim.create(
        "/CreditNotes",
        "CreditNotes",
        json!({ "Type": "ACCRECCREDIT", "Contact": { "ContactID": late },
        "LineItems": [{ "Description": "c", "Quantity": 1, "UnitAmount": 2, "AccountCode": "200" }] }),
    );

    let names = |sim: &mut Sim, path: &str, key: &str, field: &str, ims: &str| -> Vec<String> {
        sim.get_with_headers(path, &[], &[("If-Modified-Since", ims)])[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r[field].as_str().unwrap_or_default().to_string())
            .collect()
    };
    assert_eq!(names(&mut sim, "/Contacts", "Contacts", "Name", since), ["Late", "Late 2"]);
    assert_eq!(names(&mut sim, "/Items", "Items", "Code", since), ["NEW"]);
    assert_eq!(names(&mut sim, "/Invoices", "Invoices", "InvoiceNumber", since), ["INV-0002"]);
    assert_eq!(names(&mut sim, "/CreditNotes", "CreditNotes", "CreditNoteNumber", since), ["CN-0002"]);
    assert_eq!(names(&mut sim, "/Payments", "Payments", "PaymentID", since).len(), 0);
    assert_eq!(names(&mut sim, "/Payments", "Payments", "PaymentID", "2024-03-15T10:00:04Z").len(), 1);
    // The same instant in other forms: no offset (UTC), an offset, an HTTP date.
    for ims in ["2024-03-15T10:00:05", "2024-03-15T03:00:05.000-07:00", "Fri, 15 Mar 2024 10:00:05 GMT"] {
        assert_eq!(names(&mut sim, "/Contacts", "Contacts", "Name", ims), ["Late", "Late 2"], "{ims}");
    }
    // Not a date: ignored.
    assert_eq!(names(&mut sim, "/Contacts", "Contacts", "Name", "yesterday").len(), 3);
    // An update brings a record back.
    sim.post("/Items", json!({ "Items": [{ "ItemID": item["ItemID"], "Name": "touched" }] }));
    assert_eq!(names(&mut sim, "/Items", "Items", "Code", since), ["OLD", "NEW"]);
    // With where and paging: the count is of what matches both.
    let r = sim.get_with_headers(
        "/Contacts",
        &[("where", "Name.StartsWith(\"Late\")"), ("page", "1"), ("pageSize", "1")],
        &[("If-Modified-Since", since)],
    );
    assert_eq!(r["pagination"]["itemCount"], 2);
    // Accounts declare it; TaxRates do not (their list ignores it).
    let far = "2100-01-01T00:00:00Z";
    assert_eq!(names(&mut sim, "/Accounts", "Accounts", "Code", far).len(), 0);
    assert!(!names(&mut sim, "/TaxRates", "TaxRates", "TaxType", far).is_empty());
    // Without the header, everything.
    assert_eq!(sim.get("/Contacts", &[])["Contacts"].as_array().unwrap().len(), 3);
}
