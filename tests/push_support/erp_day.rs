//! A realistic day of an ERP, generated deterministically from a seed: debtors, creditors, items, sales
//! invoices with 1–20 lines, bills, credit notes with allocations, and payments, in the ERP-side JSON that the
//! push operations take. It also computes what Xero's totals must be (Xero's rules: per line, rounded half away
//! from zero to the cent, tax per line), so a test can check Xero to the cent.
//!
//! Used by the push tests and by `examples/demo.rs` (through `#[path]`).
#![allow(dead_code)]

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::str::FromStr;

/// How much of each record kind a day has.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub debtors: usize,
    pub creditors: usize,
    pub items: usize,
    pub sales_invoices: usize,
    pub bills: usize,
    pub sales_credit_notes: usize,
    pub supplier_credit_notes: usize,
    pub max_lines: usize,
}

impl Scale {
    /// The day of the issue: 200 debtors, 50 creditors, 500 items, 2,000 invoices, 300 bills.
    pub const FULL: Scale = Scale {
        debtors: 200,
        creditors: 50,
        items: 500,
        sales_invoices: 2000,
        bills: 300,
        sales_credit_notes: 100,
        supplier_credit_notes: 20,
        max_lines: 20,
    };
    pub const SMALL: Scale = Scale {
        debtors: 12,
        creditors: 5,
        items: 30,
        sales_invoices: 60,
        bills: 15,
        sales_credit_notes: 6,
        supplier_credit_notes: 3,
        max_lines: 8,
    };
}

/// Xero's totals of one document as they must come out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub sub_total: Decimal,
    pub total_tax: Decimal,
    pub total: Decimal,
    pub amount_due: Decimal,
}

#[derive(Debug, Clone, Default)]
pub struct ErpDay {
    pub debtors: Vec<Value>,
    pub creditors: Vec<Value>,
    pub items: Vec<Value>,
    pub sales_invoices: Vec<Value>,
    pub bills: Vec<Value>,
    pub credit_notes: Vec<Value>,
    pub payments: Vec<Value>,
    /// Expected totals by document number (invoices, bills and credit notes).
    pub expected: HashMap<String, Totals>,
}

impl ErpDay {
    pub fn contacts(&self) -> Vec<Value> {
        self.debtors.iter().chain(&self.creditors).cloned().collect()
    }

    pub fn invoices(&self) -> Vec<Value> {
        self.sales_invoices.iter().chain(&self.bills).cloned().collect()
    }
}

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Half away from zero, as Xero rounds.
pub fn round(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Tax rate (percent) of a tax type in the simulator's demo organisation.
pub fn tax_rate(tax_type: &str) -> Decimal {
    match tax_type {
        "OUTPUT" | "INPUT" | "CAPEXINPUT" => dec("10"),
        _ => Decimal::ZERO,
    }
}

/// The default tax type of an account of the demo organisation.
pub fn account_tax(code: &str) -> &'static str {
    match code {
        "200" | "260" => "OUTPUT",
        "270" => "EXEMPTOUTPUT",
        "404" => "INPUTTAXED",
        "090" | "091" | "610" | "630" | "800" | "820" | "855" | "960" => "BASEXCLUDED",
        _ => "INPUT",
    }
}

/// Xero's totals of an ERP document (lines with `quantity`, `unit_price`, optional `discount`, `tax_code`,
/// `account`; `item` lines take the sales account `200` of the generated items for sales, `310` for purchases).
pub fn expected_totals(doc: &Value) -> Totals {
    let amounts = doc["amounts"].as_str().unwrap_or("exclusive");
    let purchase = doc["type"] == "purchase";
    let mut sum_la = Decimal::ZERO;
    let mut tax = Decimal::ZERO;
    for l in doc["lines"].as_array().unwrap() {
        let q = l["quantity"].as_str().map(dec).unwrap_or(Decimal::ONE);
        let u = l["unit_price"].as_str().map(dec).unwrap_or_default();
        let gross = q * u;
        let la = match l["discount"].as_str() {
            Some(d) => round(gross * (Decimal::ONE_HUNDRED - dec(d)) / Decimal::ONE_HUNDRED, 2),
            None => round(gross, 2),
        };
        let tax_type = match (l["tax_code"].as_str(), l["account"].as_str()) {
            (Some(t), _) => t,
            (None, Some(a)) => account_tax(a),
            (None, None) => account_tax(if purchase { "310" } else { "200" }),
        };
        let rate = tax_rate(tax_type) / Decimal::ONE_HUNDRED;
        let t = match amounts {
            "no_tax" => Decimal::ZERO,
            "inclusive" => round(la * rate / (Decimal::ONE + rate), 2),
            _ => round(la * rate, 2),
        };
        sum_la += la;
        tax += t;
    }
    let sub_total = if amounts == "inclusive" { sum_la - tax } else { sum_la };
    let total = sub_total + tax;
    Totals { sub_total, total_tax: tax, total, amount_due: total }
}

fn money(rng: &mut StdRng, min_cents: i64, max_cents: i64) -> Decimal {
    Decimal::new(rng.gen_range(min_cents..=max_cents), 2)
}

fn quantity(rng: &mut StdRng) -> Decimal {
    match rng.gen_range(0..10) {
        0 => Decimal::new(rng.gen_range(1..=99_999), 4),
        1 => Decimal::new(rng.gen_range(1..=999), 2),
        _ => Decimal::from(rng.gen_range(1..=12)),
    }
}

fn unit_price(rng: &mut StdRng) -> Decimal {
    if rng.gen_bool(0.35) { Decimal::new(rng.gen_range(5_000..=5_000_000), 4) } else { money(rng, 50, 50_000) }
}

/// The day for `seed` at `scale`: the same seed always gives the same records.
pub fn generate(seed: u64, scale: Scale) -> ErpDay {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut day = ErpDay::default();
    let date = "2026-11-25";
    let due = "2026-12-25";

    for n in 1..=scale.debtors {
        let mut d = json!({
            "code": format!("D{n:04}"),
            "role": "debtor",
            "name": format!("Customer {n:04} Pty Ltd"),
            "email": format!("accounts{n}@customer{n:04}.example"),
            "phone": format!("+61 2 9{:03} {:04}", n % 1000, rng.gen_range(0..10_000)),
        });
        if rng.gen_bool(0.6) {
            d["address"] = json!({"lines": [format!("{} George Street", n), "Level 2"], "city": "Sydney",
                                  "region": "NSW", "postal_code": "2000", "country": "Australia"});
        }
        if rng.gen_bool(0.3) {
            d["tax_number"] = json!(format!("{:011}", rng.gen_range(10_000_000_000u64..99_999_999_999)));
        }
        day.debtors.push(d);
    }
    for n in 1..=scale.creditors {
        day.creditors.push(json!({
            "code": format!("S{n:03}"),
            "role": "creditor",
            "name": format!("Supplier {n:03} Ltd"),
            "email": format!("billing@supplier{n:03}.example"),
        }));
    }
    for n in 1..=scale.items {
        let mut it = json!({
            "code": format!("ITM-{n:04}"),
            "name": format!("Item {n:04}"),
            "description": format!("Widget {n:04}, standard finish"),
            "purchase_description": format!("Widget {n:04} (supplier part)"),
            "sales_price": unit_price(&mut rng).to_string(),
            "purchase_price": money(&mut rng, 50, 20_000).to_string(),
        });
        if n % 10 == 0 {
            it["tracked"] = json!(true);
            it["inventory_account"] = json!("630");
        }
        day.items.push(it);
    }

    let line = |rng: &mut StdRng, purchase: bool, items: usize| -> Value {
        let mut l = json!({"quantity": quantity(rng).to_string(), "unit_price": unit_price(rng).to_string()});
        if !purchase && items > 0 && rng.gen_bool(0.6) {
            l["item"] = json!(format!("ITM-{:04}", rng.gen_range(1..=items)));
        } else {
            l["description"] = json!(if purchase { "Supplies and services" } else { "Services rendered" });
            let accounts: &[&str] = if purchase { &["310", "429", "453", "400"] } else { &["200", "260"] };
            if rng.gen_bool(0.7) {
                l["account"] = json!(accounts[rng.gen_range(0..accounts.len())]);
            }
        }
        if !purchase && rng.gen_bool(0.15) {
            let discounts = ["5", "10", "12.5", "33.33"];
            l["discount"] = json!(discounts[rng.gen_range(0..discounts.len())]);
        }
        if rng.gen_bool(0.1) {
            l["tax_code"] = json!(if purchase { "EXEMPTEXPENSES" } else { "EXEMPTOUTPUT" });
        }
        if rng.gen_bool(0.1) {
            l["division"] = json!("South");
        }
        if !purchase && rng.gen_bool(0.1) {
            l["sales_rep"] = json!("Bob Smith");
        }
        l
    };
    let amounts = |rng: &mut StdRng| match rng.gen_range(0..20) {
        0 => "no_tax",
        1..=3 => "inclusive",
        _ => "exclusive",
    };

    // Sales invoices; `open` tracks what is still owed on base-currency ones.
    let mut open: Vec<(String, String, Decimal)> = Vec::new();
    for n in 1..=scale.sales_invoices {
        let debtor = format!("D{:04}", rng.gen_range(1..=scale.debtors));
        let lines: Vec<Value> =
            (0..rng.gen_range(1..=scale.max_lines)).map(|_| line(&mut rng, false, scale.items)).collect();
        let mut inv = json!({
            "number": format!("INV-{:06}", 100_000 + n),
            "type": "sales",
            "debtor": debtor,
            "date": date,
            "due_date": due,
            "reference": format!("SO-{:06}", 500_000 + n),
            "amounts": amounts(&mut rng),
            "lines": lines,
        });
        let foreign = rng.gen_bool(0.08);
        if foreign {
            inv["currency"] = json!("USD");
            inv["currency_rate"] = json!("0.6512");
        }
        let t = expected_totals(&inv);
        if !foreign {
            open.push((inv["number"].as_str().unwrap().to_owned(), debtor, t.total));
        }
        day.expected.insert(inv["number"].as_str().unwrap().to_owned(), t);
        day.sales_invoices.push(inv);
    }
    let mut open_bills: Vec<(String, String, Decimal)> = Vec::new();
    for n in 1..=scale.bills {
        let creditor = format!("S{:03}", rng.gen_range(1..=scale.creditors));
        let lines: Vec<Value> =
            (0..rng.gen_range(1..=scale.max_lines.min(8))).map(|_| line(&mut rng, true, 0)).collect();
        let bill = json!({
            "number": format!("PI-{:06}", 200_000 + n),
            "type": "purchase",
            "creditor": creditor,
            "date": date,
            "due_date": due,
            "amounts": amounts(&mut rng),
            "lines": lines,
        });
        let t = expected_totals(&bill);
        open_bills.push((bill["number"].as_str().unwrap().to_owned(), creditor, t.total));
        day.expected.insert(bill["number"].as_str().unwrap().to_owned(), t);
        day.bills.push(bill);
    }

    // Credit notes, each allocated in full to an open document of the same contact.
    let mut credit =
        |rng: &mut StdRng, open: &mut Vec<(String, String, Decimal)>, n: usize, purchase: bool| -> Option<Value> {
            if open.is_empty() {
                return None;
            }
            let (number, contact, owed) = open.swap_remove(rng.gen_range(0..open.len()));
            let amount = owed.min(money(rng, 100, 10_000));
            let cn_number = if purchase { format!("SCN-{:05}", n) } else { format!("CN-{:05}", n) };
            let mut cn = json!({
                "number": cn_number,
                "type": if purchase { "purchase" } else { "sales" },
                "date": date,
                "lines": [{"description": format!("Credit against {number}"), "quantity": "1",
                           "unit_price": amount.to_string(), "account": if purchase { "429" } else { "200" },
                           "tax_code": if purchase { "EXEMPTEXPENSES" } else { "EXEMPTOUTPUT" }}],
                "allocations": [{"invoice": number, "amount": amount.to_string()}],
            });
            cn[if purchase { "creditor" } else { "debtor" }] = json!(contact);
            let t = expected_totals(&cn);
            day.expected.insert(cn_number, Totals { amount_due: Decimal::ZERO, ..t });
            if let Some(e) = day.expected.get_mut(&number) {
                e.amount_due -= amount;
            }
            Some(cn)
        };
    for n in 1..=scale.sales_credit_notes {
        if let Some(cn) = credit(&mut rng, &mut open, n, false) {
            day.credit_notes.push(cn);
        }
    }
    for n in 1..=scale.supplier_credit_notes {
        if let Some(cn) = credit(&mut rng, &mut open_bills, n, true) {
            day.credit_notes.push(cn);
        }
    }

    // Payments: about half the open invoices, and a third of the bills; some in part.
    let mut pay = |rng: &mut StdRng, open: &[(String, String, Decimal)], share: f64, purchase: bool, prefix: &str| {
        let mut n = 0;
        for (number, _, owed) in open {
            if !rng.gen_bool(share) {
                continue;
            }
            n += 1;
            let amount = if rng.gen_bool(0.2) { round(*owed / Decimal::TWO, 2) } else { *owed };
            if amount <= Decimal::ZERO {
                continue;
            }
            day.payments.push(json!({
                "id": format!("{prefix}-{n:06}"),
                "type": if purchase { "purchase" } else { "sales" },
                "invoice": number,
                "amount": amount.to_string(),
                "date": "2026-11-25",
                "bank_account": "090",
                "reference": format!("{prefix} {n}"),
            }));
            if let Some(e) = day.expected.get_mut(number) {
                e.amount_due -= amount;
            }
        }
    };
    pay(&mut rng, &open, 0.5, false, "RCPT");
    pay(&mut rng, &open_bills, 0.33, true, "PAY");
    day
}
