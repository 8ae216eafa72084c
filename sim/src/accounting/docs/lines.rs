//! A document's line items: the item, quantity, unit amount and discount, account, tax and tracking of each.

use super::receivable;
use crate::accounting::json::{get, obj_of, str_of, uuid_of};
use crate::accounting::model::*;
use crate::accounting::settings::fraction;
use crate::accounting::{Organisation, money};
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use uuid::Uuid;

/// What a document decides for all its lines.
pub(super) struct DocRules<'a> {
    pub org: &'a Organisation,
    pub kind: DocKind,
    /// The document's Type (ACCREC, ACCPAY, ...).
    pub typ: &'a str,
    /// The document's LineAmountTypes.
    pub lat: &'a str,
    /// Decimal places of unit amounts.
    pub unitdp: u32,
}

/// A line's quantity, unit amount and discount as given, and the amounts worked out from them.
struct LineMoney {
    quantity: Option<Decimal>,
    unit_amount: Option<Decimal>,
    line_amount: Decimal,
    discount_rate: Option<Decimal>,
    discount_amount: Option<Decimal>,
}

fn dec_field(o: &Map<String, Value>, f: &str, errs: &mut Vec<String>) -> Option<Decimal> {
    let v = get(o, f)?;
    match money::parse(v) {
        Some(d) => Some(d),
        None => {
            errs.push(format!("{f} must be a number."));
            None
        }
    }
}

/// One line item, validated; `None` (with its errors in `errs`) when it is refused.
pub(super) fn build_line(rules: &DocRules, l: &Value, old_lines: &[Line], errs: &mut Vec<String>) -> Option<Line> {
    let Some(o) = l.as_object() else {
        errs.push("Each line item must be a JSON object.".into());
        return None;
    };
    let org = rules.org;
    let before = errs.len();
    let id = match uuid_of(o, "LineItemID") {
        Ok(Some(u)) if old_lines.iter().any(|x| x.id == u) => u,
        Ok(_) => Uuid::new_v4(),
        Err(e) => {
            errs.push(e);
            Uuid::new_v4()
        }
    };
    let is_receivable = receivable(rules.typ);
    let item = line_item(org, o, errs);
    let details = item.and_then(|i| if is_receivable { i.sales.as_ref() } else { i.purchase.as_ref() });
    let description = str_of(o, "Description").or_else(|| {
        item.and_then(|i| if is_receivable { i.description.clone() } else { i.purchase_description.clone() })
            .or_else(|| item.and_then(|i| i.name.clone()))
    });
    let amounts = line_money(rules, o, details, errs);
    if description.as_deref().is_none_or(|d| d.trim().is_empty()) {
        errs.push("The description field is mandatory for each line item.".into());
    }
    let account = line_account(org, o, item, details, is_receivable, errs);
    let tax_type = line_tax_type(org, o, account, details, errs);
    let tax_amount = line_tax(rules, o, tax_type.as_deref(), amounts.line_amount, errs);
    let tracking = line_tracking(org, o, errs);
    if errs.len() > before {
        return None;
    }
    Some(Line {
        id,
        description,
        quantity: amounts.quantity,
        unit_amount: amounts.unit_amount,
        item_code: item.map(|i| i.code.clone()),
        account_code: account.map(|a| a.code.clone()),
        tax_type,
        tax_amount,
        line_amount: amounts.line_amount,
        tracking,
        discount_rate: amounts.discount_rate,
        discount_amount: amounts.discount_amount,
    })
}

/// The item named by ItemCode (or Item.Code), which must exist.
fn line_item<'a>(org: &'a Organisation, o: &Map<String, Value>, errs: &mut Vec<String>) -> Option<&'a Item> {
    let item_code = str_of(o, "ItemCode").or_else(|| obj_of(o, "Item").and_then(|i| str_of(i, "Code")));
    match &item_code {
        Some(c) => match org.item_by_code(c) {
            Some(i) => Some(i),
            None => {
                errs.push(format!("Item code '{c}' is not valid."));
                None
            }
        },
        None => None,
    }
}

/// Quantity, unit amount (the item's price when absent), discount and the line amount they make; a LineAmount
/// sent with both must agree with them.
fn line_money(
    rules: &DocRules,
    o: &Map<String, Value>,
    details: Option<&Details>,
    errs: &mut Vec<String>,
) -> LineMoney {
    let (org, typ, unitdp) = (rules.org, rules.typ, rules.unitdp);
    let quantity = dec_field(o, "Quantity", errs).map(|q| money::round(q, 4));
    let unit = dec_field(o, "UnitAmount", errs)
        .or_else(|| details.and_then(|d| d.unit_price))
        .map(|u| money::round(u, unitdp));
    let la_in = dec_field(o, "LineAmount", errs);
    let dr = dec_field(o, "DiscountRate", errs);
    let da = dec_field(o, "DiscountAmount", errs);
    check_discount(rules.kind, typ, dr, da, errs);
    let (q, u) = match (quantity, unit, la_in) {
        (None, None, None) => (None, None),
        (q, Some(u), _) => (Some(q.unwrap_or(Decimal::ONE)), Some(u)),
        (Some(q), None, Some(la)) if q != Decimal::ZERO => (Some(q), Some(money::round(la / q, unitdp))),
        (None, None, Some(la)) => (Some(Decimal::ONE), Some(money::round(la, unitdp))),
        (q, None, _) => (q, Some(Decimal::ZERO)),
    };
    let gross = q.unwrap_or(Decimal::ZERO) * u.unwrap_or(Decimal::ZERO);
    let mut line_amount = if let Some(r) = dr {
        money::round_cents(gross * (Decimal::ONE_HUNDRED - r) / Decimal::ONE_HUNDRED, org.half_cent)
    } else if let Some(a) = da {
        money::round_cents(gross - a, org.half_cent)
    } else {
        money::round_cents(gross, org.half_cent)
    };
    if q.is_none() && u.is_none() {
        line_amount = Decimal::ZERO;
    }
    if let (Some(given), Some(_), Some(_)) = (la_in, quantity, unit) {
        if money::round(given, 2) != line_amount {
            errs.push(format!(
                "The LineAmount {} does not match Quantity x UnitAmount less discount ({}).",
                money::fixed(given, 2),
                money::fixed(line_amount, 2)
            ));
        }
    }
    LineMoney { quantity: q, unit_amount: u, line_amount, discount_rate: dr, discount_amount: da }
}

/// Discounts: on ACCREC only, one of rate or amount, a rate between 0 and 100.
fn check_discount(kind: DocKind, typ: &str, dr: Option<Decimal>, da: Option<Decimal>, errs: &mut Vec<String>) {
    if (dr.is_some() || da.is_some()) && typ != "ACCREC" {
        errs.push(format!(
            "Discounts are only supported on ACCREC invoices; {} {} documents do not support DiscountRate or DiscountAmount.",
            typ,
            kind.noun().to_lowercase()
        ));
    }
    if dr.is_some() && da.is_some() {
        errs.push("Only one of DiscountRate or DiscountAmount can be specified on a line item.".into());
    }
    if let Some(r) = dr {
        if r < Decimal::ZERO || r > Decimal::ONE_HUNDRED {
            errs.push("DiscountRate must be between 0 and 100.".into());
        }
    }
}

/// The line's account: by AccountCode, AccountID or the item's; it must be an active, non-system, non-bank one.
fn line_account<'a>(
    org: &'a Organisation,
    o: &Map<String, Value>,
    item: Option<&Item>,
    details: Option<&Details>,
    is_receivable: bool,
    errs: &mut Vec<String>,
) -> Option<&'a Account> {
    let account_code = match str_of(o, "AccountCode") {
        Some(c) => Some(c),
        None => match uuid_of(o, "AccountID") {
            Ok(Some(aid)) => match org.account(aid) {
                Some(a) => Some(a.code.clone()),
                None => {
                    errs.push(format!("Account with AccountID {aid} is not a valid account for this document."));
                    None
                }
            },
            // The item's account. A purchase (ACCPAY, ACCPAYCREDIT) of a TRACKED item goes to its inventory asset
            // account: PurchaseDetails.AccountCode is "not applicable to the purchase details of tracked items"
            // (Xero's OpenAPI spec, `Purchase.AccountCode`), and Xero's tracked-inventory guide
            // (developer.xero.com/documentation/api-guides/tracked-inventory-in-xero) buys one on account 630,
            // the inventory asset account. A sale uses SalesDetails.AccountCode, tracked or not.
            Ok(None) => match item {
                Some(i) if !is_receivable && i.inventory_asset_account_code.is_some() => {
                    i.inventory_asset_account_code.clone()
                }
                _ => details.and_then(|d| d.account_code.clone()),
            },
            Err(e) => {
                errs.push(e);
                None
            }
        },
    };
    match &account_code {
        Some(c) => match org.account_by_code(c) {
            Some(a) if a.active() && a.system_account.is_none() && a.typ != "BANK" => Some(a),
            _ => {
                errs.push(format!("Account code '{c}' is not a valid code for this document."));
                None
            }
        },
        None => None,
    }
}

/// The TaxType sent (an active one), else the account's, else the item's.
fn line_tax_type(
    org: &Organisation,
    o: &Map<String, Value>,
    account: Option<&Account>,
    details: Option<&Details>,
    errs: &mut Vec<String>,
) -> Option<String> {
    match str_of(o, "TaxType") {
        Some(t) => match org.tax_rate(&t) {
            Some(r) if r.status == "ACTIVE" => Some(r.tax_type.clone()),
            _ => {
                errs.push(format!(
                    "The TaxType code '{t}' does not exist or cannot be used for this type of transaction."
                ));
                None
            }
        },
        None => account.and_then(|a| a.tax_type.clone()).or_else(|| details.and_then(|d| d.tax_type.clone())),
    }
}

/// The line's tax: none under NoTax, the TaxAmount sent, else worked out from the rate.
fn line_tax(
    rules: &DocRules,
    o: &Map<String, Value>,
    tax_type: Option<&str>,
    line_amount: Decimal,
    errs: &mut Vec<String>,
) -> Decimal {
    let (org, lat) = (rules.org, rules.lat);
    let rate = tax_type.and_then(|t| org.tax_rate(t)).map(fraction).unwrap_or_default();
    if lat == "NoTax" {
        Decimal::ZERO
    } else if let Some(t) = dec_field(o, "TaxAmount", errs) {
        money::round(t, 2)
    } else if lat == "Inclusive" {
        money::round_cents(line_amount * rate / (Decimal::ONE + rate), org.half_cent)
    } else {
        money::round_cents(line_amount * rate, org.half_cent)
    }
}

/// The line's tracking: at most two categories, each once.
fn line_tracking(org: &Organisation, o: &Map<String, Value>, errs: &mut Vec<String>) -> Vec<(Uuid, Uuid)> {
    let mut tracking = Vec::new();
    match get(o, "Tracking") {
        None => {}
        Some(Value::Array(a)) => {
            if a.len() > 2 {
                errs.push("A line item can have a maximum of 2 tracking categories.".into());
            }
            for t in a {
                let Some(t) = t.as_object() else {
                    errs.push("Each Tracking element must be an object.".into());
                    continue;
                };
                match resolve_tracking(org, t) {
                    Ok((c, op)) => {
                        if tracking.iter().any(|(x, _)| *x == c) {
                            errs.push("A tracking category can only be used once per line item.".into());
                        }
                        tracking.push((c, op));
                    }
                    Err(e) => errs.push(e),
                }
            }
        }
        Some(_) => errs.push("Tracking must be an array.".into()),
    }
    tracking
}

fn resolve_tracking(org: &Organisation, t: &Map<String, Value>) -> Result<(Uuid, Uuid), String> {
    let cat = match uuid_of(t, "TrackingCategoryID")? {
        Some(id) => {
            org.tracking.iter().find(|c| c.id == id).ok_or(format!("Tracking category with ID {id} does not exist."))?
        }
        None => {
            let name = str_of(t, "Name").ok_or("A tracking element must have a Name or a TrackingCategoryID.")?;
            org.tracking
                .iter()
                .find(|c| c.name.eq_ignore_ascii_case(name.trim()))
                .ok_or(format!("Tracking category '{name}' does not exist."))?
        }
    };
    if cat.status != "ACTIVE" {
        return Err(format!("Tracking category '{}' is not active.", cat.name));
    }
    let opt = match uuid_of(t, "TrackingOptionID")? {
        Some(id) => cat.options.iter().find(|o| o.id == id),
        None => {
            let name = str_of(t, "Option").ok_or("A tracking element must have an Option or a TrackingOptionID.")?;
            cat.options.iter().find(|o| o.name.eq_ignore_ascii_case(name.trim()))
        }
    };
    let opt = opt.ok_or(format!(
        "Tracking option '{}' does not exist in tracking category '{}'.",
        str_of(t, "Option").unwrap_or_default(),
        cat.name
    ))?;
    if opt.status != "ACTIVE" {
        return Err(format!("Tracking option '{}' of tracking category '{}' is not active.", opt.name, cat.name));
    }
    Ok((cat.id, opt.id))
}
