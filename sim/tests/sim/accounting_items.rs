//! Items: code rules, lengths, account/tax checks, tracked inventory, upsert, unitdp.

use crate::support::accounting::*;
use serde_json::json;

#[test]
fn create_get_by_code_and_id() {
    let mut sim = Sim::new();
    let i = sim.create(
        "/Items",
        "Items",
        json!({ "Code": "WID-1", "Name": "Widget", "Description": "A widget",
        "SalesDetails": { "UnitPrice": 12.5, "AccountCode": "200", "TaxType": "OUTPUT" } }),
    );
    assert_eq!(t(&i["SalesDetails"]["UnitPrice"]), "12.50");
    assert_eq!(i["IsSold"], true);
    assert_eq!(i["IsTrackedAsInventory"], false);
    let id = i["ItemID"].as_str().unwrap().to_string();
    assert_eq!(sim.get("/Items/WID-1", &[])["Items"][0]["ItemID"], id.as_str());
    assert_eq!(sim.get(&format!("/Items/{id}"), &[])["Items"][0]["Code"], "WID-1");
    assert_eq!(sim.get("/Items", &[("where", "Code==\"WID-1\"")])["Items"].as_array().unwrap().len(), 1);
}

#[test]
fn code_required_and_at_most_30() {
    let mut sim = Sim::new();
    assert_validation(&sim.put("/Items", json!({ "Items": [{ "Name": "No code" }] })), 0, "Code must be specified");
    assert_validation(&sim.put("/Items", json!({ "Items": [{ "Code": "c".repeat(31) }] })), 0, "30");
}

#[test]
fn code_unique_on_put() {
    let mut sim = Sim::new();
    sim.create("/Items", "Items", json!({ "Code": "abc" }));
    let r = sim.put("/Items", json!({ "Items": [{ "Code": "abc" }] }));
    assert_validation(&r, 0, "Price List Item with Code 'abc' already exists");
}

#[test]
fn name_and_description_lengths() {
    let mut sim = Sim::new();
    assert_validation(&sim.put("/Items", json!({ "Items": [{ "Code": "a", "Name": "n".repeat(51) }] })), 0, "Name");
    assert_validation(
        &sim.put("/Items", json!({ "Items": [{ "Code": "a", "Description": "d".repeat(4001) }] })),
        0,
        "Description",
    );
    assert_eq!(
        sim.put(
            "/Items",
            json!({ "Items": [{ "Code": "a", "Name": "n".repeat(50), "Description": "d".repeat(4000) }] })
        )
        .status,
        200
    );
}

#[test]
fn details_accounts_and_tax_types_must_exist_and_be_active() {
    let mut sim = Sim::new();
    let r = sim.put("/Items", json!({ "Items": [{ "Code": "a", "SalesDetails": { "AccountCode": "999" } }] }));
    assert_validation(&r, 0, "Account code '999' is not a valid code");
    let r = sim.put("/Items", json!({ "Items": [{ "Code": "a", "PurchaseDetails": { "AccountCode": "499" } }] }));
    assert_validation(&r, 0, "Account code '499'");
    let r = sim.put(
        "/Items",
        json!({ "Items": [{ "Code": "a", "SalesDetails": { "AccountCode": "200", "TaxType": "TAX001" } }] }),
    );
    assert_validation(&r, 0, "The TaxType code 'TAX001' does not exist");
}

#[test]
fn tracked_inventory_needs_inventory_account_and_cogs() {
    let mut sim = Sim::new();
    let r = sim.put("/Items", json!({ "Items": [{ "Code": "t", "InventoryAssetAccountCode": "630", "PurchaseDetails": { "UnitPrice": 5 } }] }));
    assert_validation(&r, 0, "COGSAccountCode");
    let r = sim.put("/Items", json!({ "Items": [{ "Code": "t", "InventoryAssetAccountCode": "200", "PurchaseDetails": { "COGSAccountCode": "310" } }] }));
    assert_validation(&r, 0, "INVENTORY");
    let i = sim.create("/Items", "Items", json!({ "Code": "t", "InventoryAssetAccountCode": "630", "PurchaseDetails": { "COGSAccountCode": "310", "UnitPrice": 5 } }));
    assert_eq!(i["IsTrackedAsInventory"], true);
}

#[test]
fn post_updates_by_code_and_unitdp_keeps_four_places() {
    let mut sim = Sim::new();
    let first = sim.create("/Items", "Items", json!({ "Code": "P", "SalesDetails": { "UnitPrice": 1 } }));
    let r = sim.call(
        "POST",
        "/Items",
        &[("unitdp", "4")],
        Some(json!({ "Items": [{ "Code": "P", "SalesDetails": { "UnitPrice": 1.23456 } }] })),
    );
    assert_eq!(r.status, 200);
    assert_eq!(r.body["Items"][0]["ItemID"], first["ItemID"]);
    assert_eq!(t(&r.body["Items"][0]["SalesDetails"]["UnitPrice"]), "1.2346");
    assert_eq!(t(&sim.get("/Items/P", &[])["Items"][0]["SalesDetails"]["UnitPrice"]), "1.23");
    // Without unitdp=4 the price is rounded to 2 dp on the way in.
    sim.post("/Items", json!({ "Items": [{ "Code": "P", "SalesDetails": { "UnitPrice": 1.23456 } }] }));
    assert_eq!(t(&sim.get("/Items/P", &[("unitdp", "4")])["Items"][0]["SalesDetails"]["UnitPrice"]), "1.2300");
}

#[test]
fn is_sold_false_nulls_sales_details() {
    let mut sim = Sim::new();
    sim.create("/Items", "Items", json!({ "Code": "S", "Description": "d", "SalesDetails": { "UnitPrice": 3 } }));
    let r = sim.post("/Items/S", json!({ "Items": [{ "IsSold": false }] }));
    assert_eq!(r.status, 200);
    let i = &r.body["Items"][0];
    assert_eq!(i["SalesDetails"], json!({}));
    assert!(i.get("Description").is_none());
}

#[test]
fn delete_item() {
    let mut sim = Sim::new();
    sim.create("/Items", "Items", json!({ "Code": "D" }));
    assert_eq!(sim.call("DELETE", "/Items/D", &[], None).status, 204);
    assert_eq!(sim.call("GET", "/Items/D", &[], None).status, 404);
}

/// PUT creates (XeroAPI/Xero-NetStandard#226): an existing ItemID in a PUT is ignored, so the same Code is a
/// duplicate and another Code is a new item; POST with the ItemID updates.
#[test]
fn put_with_an_existing_item_id_creates() {
    let mut sim = Sim::new();
    let i = sim.create("/Items", "Items", json!({ "Code": "K", "Name": "First" }));
    let r = sim.put("/Items", json!({ "Items": [{ "ItemID": i["ItemID"], "Code": "K", "Name": "Changed" }] }));
    assert_validation(&r, 0, "Price List Item with Code 'K' already exists");
    let other = sim.create("/Items", "Items", json!({ "ItemID": i["ItemID"], "Code": "K2", "Name": "Second" }));
    assert_ne!(other["ItemID"], i["ItemID"]);
    assert_eq!(sim.get("/Items/K", &[])["Items"][0]["Name"], "First");
    let r = sim.post("/Items", json!({ "Items": [{ "ItemID": i["ItemID"], "Name": "Updated" }] }));
    assert_eq!(r.body["Items"][0]["ItemID"], i["ItemID"]);
    assert_eq!(sim.get("/Items/K", &[])["Items"][0]["Name"], "Updated");
    assert_eq!(sim.get("/Items", &[])["Items"].as_array().unwrap().len(), 2);
}
