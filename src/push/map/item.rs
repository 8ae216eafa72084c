//! An ERP item → a Xero item, with its sales, purchase (cost-of-sales) and inventory accounts.

use super::*;

/// An item as it goes to Xero, and the references to check against the organisation's data.
pub struct MappedItem {
    pub element: Element,
    pub refs: Vec<RefCheck>,
}

/// An inventory item → a Xero item, with the sales and cost-of-sales accounts (the administrator's defaults
/// where the item names none).
pub fn item(i: &ErpItem, path: &str, config: &Config) -> Result<MappedItem, Problems> {
    let mut p = Problems::default();
    check_fields(i, path, &mut p);
    let sales_account = i.sales_account.clone().or_else(|| config.defaults.sales_account.clone());
    let cos_account = i.cos_account.clone().or_else(|| config.defaults.cos_account.clone());
    let mut refs = account_refs(i, path, &sales_account, &cos_account);
    check_tracked(i, path, &cos_account, &mut p, &mut refs);
    if !p.is_empty() {
        return Err(p);
    }
    Ok(MappedItem { element: element(i, sales_account, cos_account), refs })
}

/// Lengths and decimal places as Xero has them.
fn check_fields(i: &ErpItem, path: &str, p: &mut Problems) {
    p.text(&format!("{path}.code"), &i.code, 30);
    p.opt_text(&format!("{path}.name"), &i.name, 50);
    p.opt_text(&format!("{path}.description"), &i.description, 4000);
    p.opt_text(&format!("{path}.purchase_description"), &i.purchase_description, 4000);
    if i.name.is_none() && i.code.chars().count() > 50 {
        p.add(format!("{path}.name"), "is required when the code is longer than 50 characters");
    }
    for (field, a) in [("sales_price", i.sales_price), ("purchase_price", i.purchase_price)] {
        if let Some(a) = a {
            p.places(&format!("{path}.{field}"), a, 4);
        }
    }
    p.opt_code(&format!("{path}.sales_account"), &i.sales_account, 10);
    p.opt_code(&format!("{path}.cos_account"), &i.cos_account, 10);
    p.opt_code(&format!("{path}.sales_tax_code"), &i.sales_tax_code, 50);
    p.opt_code(&format!("{path}.purchase_tax_code"), &i.purchase_tax_code, 50);
    p.opt_code(&format!("{path}.inventory_account"), &i.inventory_account, 10);
}

/// The accounts and tax codes the item names or takes from the defaults, to check against Xero's.
fn account_refs(i: &ErpItem, path: &str, sales: &Option<String>, cos: &Option<String>) -> Vec<RefCheck> {
    let mut refs = Vec::new();
    let account_ref = |field: &str, code: &str, own: bool, default: &str| RefCheck::Account {
        path: format!("{path}.{field}"),
        code: code.to_owned(),
        what: if own { "the item's account".into() } else { format!("the default ({default})") },
    };
    if let Some(code) = sales {
        refs.push(account_ref("sales_account", code, i.sales_account.is_some(), "defaults.sales_account"));
    }
    if let Some(code) = cos {
        refs.push(account_ref("cos_account", code, i.cos_account.is_some(), "defaults.cos_account"));
    }
    for (field, t) in [("sales_tax_code", &i.sales_tax_code), ("purchase_tax_code", &i.purchase_tax_code)] {
        if let Some(t) = t {
            refs.push(RefCheck::Tax { path: format!("{path}.{field}"), code: t.clone() });
        }
    }
    refs
}

/// A tracked item needs an inventory asset account and a cost-of-sales account; an untracked one has no
/// inventory account.
fn check_tracked(i: &ErpItem, path: &str, cos: &Option<String>, p: &mut Problems, refs: &mut Vec<RefCheck>) {
    if !i.tracked {
        if i.inventory_account.is_some() {
            p.add(
                format!("{path}.inventory_account"),
                "only a tracked item (\"tracked\": true) has an inventory account",
            );
        }
        return;
    }
    match &i.inventory_account {
        None => p.add(format!("{path}.inventory_account"), "a tracked item needs its inventory asset account"),
        Some(code) => refs.push(RefCheck::Inventory { path: format!("{path}.inventory_account"), code: code.clone() }),
    }
    if cos.is_none() {
        p.add(
            format!("{path}.cos_account"),
            "a tracked item needs a cost-of-sales account (here or in defaults.cos_account)",
        );
    }
}

/// The Xero item: a tracked item's cost of sales goes to `COGSAccountCode`, an untracked one's purchases to the
/// purchase account.
fn element(i: &ErpItem, sales_account: Option<String>, cos_account: Option<String>) -> Element {
    let sales = xero::ItemDetails {
        unit_price: i.sales_price.map(|a| norm(a.0)),
        account_code: sales_account,
        cogs_account_code: None,
        tax_type: i.sales_tax_code.clone(),
    };
    let purchase = xero::ItemDetails {
        unit_price: i.purchase_price.map(|a| norm(a.0)),
        account_code: if i.tracked { None } else { cos_account.clone() },
        cogs_account_code: if i.tracked { cos_account } else { None },
        tax_type: i.purchase_tax_code.clone(),
    };
    let empty = |d: &xero::ItemDetails| *d == xero::ItemDetails::default();
    let x = xero::Item {
        code: i.code.clone(),
        name: Some(i.name.clone().unwrap_or_else(|| i.code.clone())),
        description: some_text(&i.description),
        purchase_description: some_text(&i.purchase_description),
        sales_details: (!empty(&sales)).then_some(sales),
        purchase_details: (!empty(&purchase)).then_some(purchase),
        inventory_asset_account_code: if i.tracked { i.inventory_account.clone() } else { None },
        ..Default::default()
    };
    let mut v = to_value(&x);
    merge(&mut v, &i.xero);
    Element::of(&v)
}
