//! Validating a whole document (new, or merged with the stored one) and computing its money.

use super::contact_ref::{ContactRef, resolve_contact};
use super::lines::{DocRules, build_line};
use super::write::opt_date;
use super::{APPLIED_MESSAGE, invalid_status_message, receivable};
use crate::accounting::json::{bool_of, get, obj_of, str_of, uuid_of};
use crate::accounting::model::*;
use crate::accounting::{Ctx, Organisation, dates, money};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde_json::{Map, Value};
use uuid::Uuid;

/// The notice given with a document saved at a `CurrencyRate` more than 10 % away from the day rate (Xero gives
/// CurrencyRate warnings on saved elements, `StatusAttributeString: WARNING`; the threshold and wording are the
/// simulator's, see sim/README.md "Unknowns").
fn rate_notice(code: &str, rate: Decimal, day: Decimal, date: NaiveDate) -> Option<String> {
    let off = ((rate - day) / day).abs();
    (off > Decimal::new(10, 2))
        .then(|| format!("The CurrencyRate {rate} differs from the {code} day rate {day} for {date} by more than 10%."))
}

/// A document's currency: its code, its rate to the base currency, and the notice when the rate is far off.
struct DocCurrency {
    code: String,
    rate: Decimal,
    warning: Option<String>,
}

/// A document's money, summed from its lines.
struct Totals {
    sub_total: Decimal,
    total_tax: Decimal,
    total: Decimal,
    total_discount: Decimal,
}

/// The dates a document carries besides its own date.
struct OtherDates {
    due: Option<NaiveDate>,
    expected_payment: Option<NaiveDate>,
    planned_payment: Option<NaiveDate>,
}

/// Validates a whole document (new, or merged with the stored one) and computes its money.
pub(super) fn build(
    org: &Organisation,
    ctx: &Ctx,
    kind: DocKind,
    obj: &Map<String, Value>,
    old: Option<&Doc>,
    unitdp: u32,
) -> Result<(Doc, Option<Contact>), Vec<String>> {
    let mut errs: Vec<String> = Vec::new();
    let typ = doc_type(kind, obj, old, &mut errs);
    let contact = resolve_contact(org, obj_of(obj, "Contact")).map_err(|e| errs.push(e)).ok();
    let date = doc_date(org, ctx, obj, &mut errs);
    let other_dates = OtherDates {
        due: opt_date(obj, "DueDate", None, &mut errs),
        expected_payment: opt_date(obj, "ExpectedPaymentDate", None, &mut errs),
        planned_payment: opt_date(obj, "PlannedPaymentDate", None, &mut errs),
    };
    let lat = line_amount_types(obj, &mut errs);
    let status = doc_status(kind, obj, old, &mut errs);
    let currency = currency(org, obj, date, &mut errs);
    let number = doc_number(org, kind, obj, &typ, old, &mut errs);
    let rules = DocRules { org, kind, typ: &typ, lat: &lat, unitdp };
    let lines = doc_lines(&rules, obj, old, &status, &mut errs);
    let totals = totals(&lines, &lat);
    check_totals(kind, &totals, old, &mut errs);
    let branding_theme_id =
        uuid_of(obj, "BrandingThemeID").map_err(|e| errs.push(e)).ok().flatten().map(|u| u.to_string());
    if !errs.is_empty() {
        return Err(errs);
    }
    let (contact_id, new_contact) = contact_for(ctx, contact.expect("no errors"));
    let doc = Doc {
        kind,
        id: old.map(|o| o.id).unwrap_or_else(Uuid::new_v4),
        typ,
        contact_id,
        number,
        reference: str_of(obj, "Reference"),
        date,
        due_date: other_dates.due,
        line_amount_types: lat,
        currency_code: currency.code,
        currency_rate: currency.rate,
        status: status.clone(),
        lines,
        sub_total: totals.sub_total,
        total_tax: totals.total_tax,
        total: totals.total,
        total_discount: totals.total_discount,
        amount_paid: old.map(|o| o.amount_paid).unwrap_or_default(),
        amount_credited: old.map(|o| o.amount_credited).unwrap_or_default(),
        url: str_of(obj, "Url"),
        branding_theme_id,
        sent_to_contact: status == "AUTHORISED" && bool_of(obj, "SentToContact").unwrap_or(false),
        expected_payment_date: other_dates.expected_payment,
        planned_payment_date: other_dates.planned_payment,
        fully_paid_on: None,
        updated_ms: ctx.now_ms,
        warnings: currency.warning.into_iter().collect(),
    };
    Ok((doc, new_contact))
}

/// The Type, one of the kind's; an existing document's cannot change.
fn doc_type(kind: DocKind, obj: &Map<String, Value>, old: Option<&Doc>, errs: &mut Vec<String>) -> String {
    let typ = match str_of(obj, "Type").map(|t| t.to_uppercase()) {
        Some(t) if kind.types().contains(&t.as_str()) => t,
        Some(t) => {
            errs.push(format!("'{t}' is not a valid {} Type; use {}.", kind.noun(), kind.types().join(" or ")));
            kind.types()[0].to_string()
        }
        None => {
            errs.push(format!("The {} Type must be specified ({}).", kind.noun(), kind.types().join(" or ")));
            kind.types()[0].to_string()
        }
    };
    if let Some(o) = old {
        if o.typ != typ {
            errs.push(format!("The Type of an existing {} cannot be changed.", kind.noun()));
        }
    }
    typ
}

/// The document's Date (today when absent), outside any locked period.
fn doc_date(org: &Organisation, ctx: &Ctx, obj: &Map<String, Value>, errs: &mut Vec<String>) -> NaiveDate {
    let date = match str_of(obj, "Date") {
        None => dates::today(ctx.now_ms),
        Some(s) => dates::parse_date(&s).unwrap_or_else(|| {
            errs.push(format!("Date '{s}' is not a valid date (expected YYYY-MM-DD)."));
            dates::today(ctx.now_ms)
        }),
    };
    // Xero refuses a document in a locked period: "The document date cannot be before the period lock date"
    // (a third-party integrator's note quoting Xero's message; Xero's help: transactions on or before the lock
    // date cannot be entered). The date itself is locked too, as Xero's help says "on or before".
    if let Some(lock) = org.period_lock_date.filter(|l| date <= *l) {
        errs.push(format!("The document date cannot be before the period lock date of {}.", lock.format("%d %b %Y")));
    }
    date
}

/// LineAmountTypes: Exclusive (the default), Inclusive or NoTax.
fn line_amount_types(obj: &Map<String, Value>, errs: &mut Vec<String>) -> String {
    match str_of(obj, "LineAmountTypes") {
        None => "Exclusive".to_string(),
        Some(s) => match s.to_ascii_lowercase().as_str() {
            "exclusive" => "Exclusive".into(),
            "inclusive" => "Inclusive".into(),
            "notax" => "NoTax".into(),
            _ => {
                errs.push(format!("'{s}' is not a valid value for LineAmountTypes (Exclusive, Inclusive or NoTax)."));
                "Exclusive".into()
            }
        },
    }
}

/// The Status (DRAFT when absent), one a new or stored document may be saved with.
fn doc_status(kind: DocKind, obj: &Map<String, Value>, old: Option<&Doc>, errs: &mut Vec<String>) -> String {
    let status = str_of(obj, "Status").map(|s| s.to_uppercase()).unwrap_or_else(|| "DRAFT".into());
    let allowed: &[&str] = match old.map(|o| o.status.as_str()) {
        None => &["DRAFT", "SUBMITTED", "AUTHORISED"],
        Some("AUTHORISED") => &["AUTHORISED"],
        Some(_) => &["DRAFT", "SUBMITTED", "AUTHORISED"],
    };
    if !allowed.contains(&status.as_str()) {
        if old.is_none() {
            errs.push(format!(
                "A {} cannot be created with Status {status}; use DRAFT, SUBMITTED or AUTHORISED.",
                kind.noun()
            ));
        } else {
            errs.push(invalid_status_message(kind));
        }
    }
    status
}

/// The CurrencyCode (the base currency when absent) and its rate.
fn currency(org: &Organisation, obj: &Map<String, Value>, date: NaiveDate, errs: &mut Vec<String>) -> DocCurrency {
    let code = match str_of(obj, "CurrencyCode") {
        None => org.base_currency.clone(),
        Some(c) => match org.currency(&c) {
            Some(cur) => cur.code.clone(),
            None => {
                errs.push(format!("Organisation is not subscribed to currency {c}"));
                org.base_currency.clone()
            }
        },
    };
    // Without a CurrencyRate Xero takes its (XE.com) day rate for the document's date (Xero's spec, Invoice and
    // CreditNote `CurrencyRate`: "If no rate is specified, the XE.com day rate is used").
    let mut warning = None;
    let rate = if code == org.base_currency {
        Decimal::ONE
    } else {
        let day = org.day_rate(&code, date);
        match get(obj, "CurrencyRate") {
            Some(v) => match money::parse(v) {
                Some(r) if r > Decimal::ZERO => {
                    let r = money::round(r, 6);
                    warning = rate_notice(&code, r, day, date);
                    r
                }
                _ => {
                    errs.push("CurrencyRate must be a number greater than zero.".into());
                    Decimal::ONE
                }
            },
            None => day,
        }
    };
    DocCurrency { code, rate, warning }
}

/// The number as sent (trimmed); a receivable number must be unique among receivable documents.
fn doc_number(
    org: &Organisation,
    kind: DocKind,
    obj: &Map<String, Value>,
    typ: &str,
    old: Option<&Doc>,
    errs: &mut Vec<String>,
) -> String {
    let number = str_of(obj, kind.number_field()).map(|s| s.trim().to_string()).unwrap_or_default();
    if number.chars().count() > 255 {
        errs.push(format!("{} must not be more than 255 characters long.", kind.number_field()));
    }
    if !number.is_empty()
        && receivable(typ)
        && org.docs.with_number(kind, &number).any(|d| Some(d.id) != old.map(|o| o.id) && receivable(&d.typ))
    {
        errs.push(match kind {
            DocKind::Invoice => "Invoice # must be unique.".to_string(),
            DocKind::CreditNote => "Credit Note # must be unique.".to_string(),
        });
    }
    number
}

/// The LineItems, at least one; beyond DRAFT a line with money needs an account.
fn doc_lines(
    rules: &DocRules,
    obj: &Map<String, Value>,
    old: Option<&Doc>,
    status: &str,
    errs: &mut Vec<String>,
) -> Vec<Line> {
    let old_lines: &[Line] = old.map(|o| o.lines.as_slice()).unwrap_or(&[]);
    let mut lines = Vec::new();
    match get(obj, "LineItems") {
        Some(Value::Array(a)) if !a.is_empty() => {
            for l in a {
                if let Some(line) = build_line(rules, l, old_lines, errs) {
                    lines.push(line);
                }
            }
        }
        Some(Value::Array(_)) | None => {
            errs.push(format!("A {} must have at least one line item.", rules.kind.noun()));
        }
        Some(_) => errs.push("LineItems must be an array.".into()),
    }
    if status != "DRAFT" {
        for l in &lines {
            if l.account_code.is_none() && l.line_amount != Decimal::ZERO {
                errs.push("Account code must be specified".into());
                break;
            }
        }
    }
    lines
}

fn totals(lines: &[Line], lat: &str) -> Totals {
    let sum_la: Decimal = lines.iter().map(|l| l.line_amount).sum();
    let total_tax: Decimal = lines.iter().map(|l| l.tax_amount).sum();
    let sub_total = if lat == "Inclusive" { sum_la - total_tax } else { sum_la };
    let total = sub_total + total_tax;
    let total_discount: Decimal = lines
        .iter()
        .filter(|l| l.discount_rate.is_some() || l.discount_amount.is_some())
        .map(|l| {
            money::round(l.quantity.unwrap_or(Decimal::ONE) * l.unit_amount.unwrap_or_default(), 2) - l.line_amount
        })
        .sum();
    Totals { sub_total, total_tax, total, total_discount }
}

/// The total cannot be negative, nor below what is already paid or credited.
fn check_totals(kind: DocKind, totals: &Totals, old: Option<&Doc>, errs: &mut Vec<String>) {
    if totals.total < Decimal::ZERO {
        errs.push(format!("The {} total cannot be negative.", kind.noun()));
    }
    if let Some(o) = old {
        if totals.total < o.amount_paid + o.amount_credited {
            errs.push(APPLIED_MESSAGE.into());
        }
    }
}

/// The contact's id, and the contact to create when the document names a new one.
fn contact_for(ctx: &Ctx, contact: ContactRef) -> (Uuid, Option<Contact>) {
    match contact {
        ContactRef::Existing(id) => (id, None),
        ContactRef::New { name, number } => {
            let c = Contact {
                id: Uuid::new_v4(),
                name,
                number,
                status: "ACTIVE".into(),
                is_supplier: false,
                is_customer: false,
                fields: Map::new(),
                updated_ms: ctx.now_ms,
            };
            (c.id, Some(c))
        }
    }
}
