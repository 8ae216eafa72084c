//! Items: GET list/by id/by Code, PUT creates (an existing ItemID in it is ignored), POST creates or updates (by
//! ItemID, else an existing Code),
//! POST /Items/{id} updates one, DELETE /Items/{id}.
//!
//! Code required ≤30 and unique ("Price List Item with Code 'X' already exists"); Name ≤50; Description and
//! PurchaseDescription ≤4000; account codes and tax types in SalesDetails/PurchaseDetails must exist and be
//! active; a tracked item needs an INVENTORY InventoryAssetAccountCode and PurchaseDetails.COGSAccountCode.

use super::json::{self, bool_of, get, obj_of, str_of, uuid_of};
use super::model::*;
use super::query::{self, ListSpec};
use super::{ApiResponse, Ctx, ElementResult, Organisation, dates, envelope, errors, money, parse_elements, run_batch};
use serde_json::{Map, Value, json};
use uuid::Uuid;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Create,
    Upsert,
}

/// Items one PUT or POST may carry: "You can create or update a maximum of 500 items per request, although we
/// recommend batches of 50-100" (Xero's Items page as quoted in calcinai/xero-php#577; the page itself was not
/// found). Xero's answer above it is not documented: a 400 `ValidationException` with the simulator's wording.
pub const MAX_ITEMS_PER_REQUEST: usize = 500;

const ITEMS: ListSpec<'static> = ListSpec {
    fields: &[
        "ItemID",
        "Code",
        "Name",
        "Description",
        "PurchaseDescription",
        "IsSold",
        "IsPurchased",
        "IsTrackedAsInventory",
        "UpdatedDateUTC",
        "SalesDetails",
        "PurchaseDetails",
        "InventoryAssetAccountCode",
    ],
    lists: &[],
    paged: false,
    modified_since: true,
};

pub fn handle(org: &mut Organisation, ctx: &Ctx, method: &str, rest: &[&str], body: Option<&[u8]>) -> ApiResponse {
    match (method, rest) {
        ("GET", []) => {
            let records = org.items.iter().map(|i| render(ctx, i)).collect();
            match query::apply(ctx, &ITEMS, records) {
                Ok((items, _)) => envelope(ctx, "Items", items, None),
                Err(e) => e,
            }
        }
        ("GET", [key]) => match find(org, key) {
            Some(i) => envelope(ctx, "Items", vec![render(ctx, &org.items[i])], None),
            None => errors::not_found(),
        },
        ("DELETE", [key]) => match find(org, key) {
            Some(i) => {
                org.items.remove(i);
                ApiResponse { status: 204, body: Value::Null }
            }
            None => errors::not_found(),
        },
        ("PUT", []) | ("POST", []) | ("POST", [_]) => {
            let path_id = match rest {
                [key] => match find(org, key) {
                    Some(i) => Some(org.items[i].id),
                    None => return errors::not_found(),
                },
                _ => None,
            };
            let mode = if method == "PUT" { Mode::Create } else { Mode::Upsert };
            let elems = match parse_elements(body, "Items") {
                Ok(e) => e,
                Err(r) => return r,
            };
            if elems.len() > MAX_ITEMS_PER_REQUEST {
                return errors::validation_message(&format!(
                    "No more than {MAX_ITEMS_PER_REQUEST} items can be created or updated in one request ({} were sent).",
                    elems.len()
                ));
            }
            run_batch(
                org,
                ctx,
                "Items",
                None,
                elems,
                |o, c, e| process(o, c, e, mode, path_id),
                |o, c, id| render(c, o.items.iter().find(|i| i.id == id).expect("stored")),
            )
        }
        _ => errors::method_not_allowed(),
    }
}

fn find(org: &Organisation, key: &str) -> Option<usize> {
    match Uuid::parse_str(key) {
        Ok(u) => org.items.iter().position(|i| i.id == u),
        Err(_) => org.items.iter().position(|i| i.code.eq_ignore_ascii_case(key)),
    }
}

fn render_details(ctx: &Ctx, d: &Option<Details>) -> Value {
    let mut m = Map::new();
    if let Some(d) = d {
        if let Some(p) = d.unit_price {
            m.insert("UnitPrice".into(), money::num(p, ctx.unitdp));
        }
        if let Some(a) = &d.account_code {
            m.insert("AccountCode".into(), json!(a));
        }
        if let Some(a) = &d.cogs_account_code {
            m.insert("COGSAccountCode".into(), json!(a));
        }
        if let Some(t) = &d.tax_type {
            m.insert("TaxType".into(), json!(t));
        }
    }
    Value::Object(m)
}

pub fn render(ctx: &Ctx, i: &Item) -> Value {
    let mut m = Map::new();
    m.insert("ItemID".into(), json!(i.id.to_string()));
    m.insert("Code".into(), json!(i.code));
    if let Some(n) = &i.name {
        m.insert("Name".into(), json!(n));
    }
    if let Some(d) = &i.description {
        m.insert("Description".into(), json!(d));
    }
    if let Some(d) = &i.purchase_description {
        m.insert("PurchaseDescription".into(), json!(d));
    }
    m.insert("UpdatedDateUTC".into(), json!(dates::ms_datetime(i.updated_ms)));
    m.insert("PurchaseDetails".into(), render_details(ctx, &i.purchase));
    m.insert("SalesDetails".into(), render_details(ctx, &i.sales));
    let tracked = i.inventory_asset_account_code.is_some();
    m.insert("IsTrackedAsInventory".into(), json!(tracked));
    if let Some(a) = &i.inventory_asset_account_code {
        m.insert("InventoryAssetAccountCode".into(), json!(a));
        m.insert("TotalCostPool".into(), money::money(rust_decimal::Decimal::ZERO));
        m.insert("QuantityOnHand".into(), money::num(rust_decimal::Decimal::ZERO, 4));
    }
    m.insert("IsSold".into(), json!(i.is_sold));
    m.insert("IsPurchased".into(), json!(i.is_purchased));
    Value::Object(m)
}

fn account_ok(org: &Organisation, code: &str, errs: &mut Vec<String>) -> Option<String> {
    match org.account_by_code(code) {
        Some(a) if a.active() && a.system_account.is_none() => Some(a.code.clone()),
        _ => {
            errs.push(format!("Account code '{code}' is not a valid code for this document."));
            None
        }
    }
}

fn tax_ok(org: &Organisation, t: &str, errs: &mut Vec<String>) -> Option<String> {
    match org.tax_rate(t) {
        Some(r) if r.status == "ACTIVE" => Some(r.tax_type.clone()),
        _ => {
            errs.push(format!("The TaxType code '{t}' does not exist or cannot be used for this type of transaction."));
            None
        }
    }
}

fn details(
    org: &Organisation,
    ctx: &Ctx,
    obj: &Map<String, Value>,
    key: &str,
    old: &Option<Details>,
    errs: &mut Vec<String>,
) -> Option<Details> {
    if json::has(obj, key) && get(obj, key).is_none() {
        return None;
    }
    let Some(d) = obj_of(obj, key) else {
        return old.clone();
    };
    let mut out = old.clone().unwrap_or_default();
    if let Some(v) = get(d, "UnitPrice") {
        match money::parse(v) {
            Some(p) => out.unit_price = Some(money::round(p, ctx.unitdp)),
            None => errs.push(format!("{key}.UnitPrice must be a number.")),
        }
    }
    if let Some(c) = str_of(d, "AccountCode") {
        out.account_code = account_ok(org, &c, errs);
    }
    if let Some(c) = str_of(d, "COGSAccountCode") {
        out.cogs_account_code = account_ok(org, &c, errs);
    }
    if let Some(t) = str_of(d, "TaxType") {
        out.tax_type = tax_ok(org, &t, errs);
    }
    Some(out)
}

fn check_len(v: &Option<String>, field: &str, max: usize, errs: &mut Vec<String>) {
    if let Some(s) = v {
        if s.chars().count() > max {
            errs.push(format!("{field} must not be more than {max} characters long."));
        }
    }
}

fn process(org: &mut Organisation, ctx: &Ctx, elem: &Value, mode: Mode, path_id: Option<Uuid>) -> ElementResult {
    let Some(obj) = elem.as_object() else {
        return Err(vec!["An Item must be a JSON object.".into()]);
    };
    let mut errs = Vec::new();
    let id = uuid_of(obj, "ItemID").map_err(|e| vec![e])?;
    // PUT creates: an existing ItemID is ignored (XeroAPI/Xero-NetStandard#226), so its Code is a duplicate.
    let id = match id {
        Some(i) if mode == Mode::Create && org.items.iter().any(|x| x.id == i) => None,
        other => other,
    };
    let code = str_of(obj, "Code").map(|s| s.trim().to_string());
    let idx = matched_item(org, mode, path_id.or(id), code.as_deref())?;
    let old = idx.map(|i| org.items[i].clone());
    let self_id = old.as_ref().map(|i| i.id);
    let code = item_code(org, code, old.as_ref(), self_id, &mut errs);
    let pick = |field: &str, old: Option<&Option<String>>| -> Option<String> {
        if json::has(obj, field) { str_of(obj, field) } else { old.cloned().flatten() }
    };
    let name = pick("Name", old.as_ref().map(|o| &o.name));
    let description = pick("Description", old.as_ref().map(|o| &o.description));
    let purchase_description = pick("PurchaseDescription", old.as_ref().map(|o| &o.purchase_description));
    check_len(&name, "Name", 50, &mut errs);
    check_len(&description, "Description", 4000, &mut errs);
    check_len(&purchase_description, "PurchaseDescription", 4000, &mut errs);
    let is_sold = bool_of(obj, "IsSold").unwrap_or(old.as_ref().is_none_or(|o| o.is_sold));
    let is_purchased = bool_of(obj, "IsPurchased").unwrap_or(old.as_ref().is_none_or(|o| o.is_purchased));
    let sales = details(org, ctx, obj, "SalesDetails", &old.as_ref().and_then(|o| o.sales.clone()), &mut errs);
    let purchase = details(org, ctx, obj, "PurchaseDetails", &old.as_ref().and_then(|o| o.purchase.clone()), &mut errs);
    let inventory = pick("InventoryAssetAccountCode", old.as_ref().map(|o| &o.inventory_asset_account_code));
    check_inventory(org, inventory.as_deref(), purchase.as_ref(), &mut errs);
    if !errs.is_empty() {
        return Err(errs);
    }
    let item = Item {
        id: self_id.unwrap_or_else(Uuid::new_v4),
        code,
        name,
        description: if is_sold { description } else { None },
        purchase_description: if is_purchased { purchase_description } else { None },
        is_sold,
        is_purchased,
        sales: if is_sold { sales } else { None },
        purchase: if is_purchased || inventory.is_some() { purchase } else { None },
        inventory_asset_account_code: inventory,
        updated_ms: ctx.now_ms,
    };
    let id = item.id;
    match idx {
        Some(i) => org.items[i] = item,
        None => org.items.push(item),
    }
    Ok(id)
}

/// The stored item a request element means (its index): by ItemID (in the path or the body), else on POST by Code.
fn matched_item(
    org: &Organisation,
    mode: Mode,
    id: Option<Uuid>,
    code: Option<&str>,
) -> Result<Option<usize>, Vec<String>> {
    if let Some(pid) = id {
        return match org.items.iter().position(|i| i.id == pid) {
            Some(i) => Ok(Some(i)),
            None => Err(vec!["The item with the specified ItemID could not be found.".into()]),
        };
    }
    if mode != Mode::Upsert {
        return Ok(None);
    }
    Ok(code.and_then(|c| org.items.iter().position(|i| i.code.eq_ignore_ascii_case(c))))
}

/// The Code to store (the one sent, else the stored one): required, at most 30 characters, unique.
fn item_code(
    org: &Organisation,
    code: Option<String>,
    old: Option<&Item>,
    self_id: Option<Uuid>,
    errs: &mut Vec<String>,
) -> String {
    let code = match (code, old) {
        (Some(c), _) => c,
        (None, Some(o)) => o.code.clone(),
        (None, None) => {
            errs.push("Item Code must be specified.".into());
            String::new()
        }
    };
    if code.chars().count() > 30 {
        errs.push("Item Code must not be more than 30 characters long.".into());
    }
    if !code.is_empty() && org.items.iter().any(|i| Some(i.id) != self_id && i.code.eq_ignore_ascii_case(&code)) {
        errs.push(format!("Price List Item with Code '{code}' already exists"));
    }
    code
}

/// A tracked item's InventoryAssetAccountCode: an active INVENTORY account, with a COGSAccountCode to go with it.
fn check_inventory(org: &Organisation, inventory: Option<&str>, purchase: Option<&Details>, errs: &mut Vec<String>) {
    if let Some(code) = inventory {
        match org.account_by_code(code) {
            Some(a) if a.active() && a.typ == "INVENTORY" => {}
            _ => errs.push(format!("InventoryAssetAccountCode '{code}' must be an active account of type INVENTORY.")),
        }
        if purchase.and_then(|p| p.cogs_account_code.as_ref()).is_none() {
            errs.push("A COGSAccountCode in PurchaseDetails is required for a tracked inventory item.".into());
        }
    }
}
