//! The harness's ERP records, in parts: each part is a small generated ERP day (debtors and creditors, sales
//! invoices and bills, payments on them) whose keys carry the part's number, so every push round has records of
//! its own to write while the day as a whole (all parts) is what Xero must hold exactly once at the end.

use erp_day::{ErpDay, Scale};
use serde_json::{Value, json};
use xero_link_fixtures::erp_day;

/// One part: one batch of each kind (sales invoices are created with PUT without a lookup first, bills are looked
/// up first and POSTed), and a few payments of both types.
const PART: Scale = Scale {
    debtors: 3,
    creditors: 2,
    items: 0,
    sales_invoices: 12,
    bills: 5,
    sales_credit_notes: 0,
    supplier_credit_notes: 0,
    max_lines: 3,
};

/// Part `p`: the same records for the same `p`.
pub fn part(p: usize) -> ErpDay {
    let mut day = erp_day::generate(7_000 + p as u64, PART);
    let tag = |key: &Value| json!(format!("P{p:02}-{}", key.as_str().expect("a key is a string")));
    for c in day.debtors.iter_mut().chain(&mut day.creditors) {
        c["code"] = tag(&c["code"]);
        // Xero's contact names are unique.
        c["name"] = json!(format!("{} (part {p})", c["name"].as_str().unwrap()));
    }
    for doc in day.sales_invoices.iter_mut().chain(&mut day.bills) {
        doc["number"] = tag(&doc["number"]);
        for contact in ["debtor", "creditor"] {
            if doc.get(contact).is_some() {
                doc[contact] = tag(&doc[contact]);
            }
        }
    }
    for payment in &mut day.payments {
        for key in ["id", "invoice", "reference"] {
            payment[key] = tag(&payment[key]);
        }
    }
    day.expected = day.expected.into_iter().map(|(number, totals)| (format!("P{p:02}-{number}"), totals)).collect();
    day
}

/// Parts `0..n` as one day.
pub fn parts(n: usize) -> ErpDay {
    let mut all = ErpDay::default();
    for p in 0..n {
        let day = part(p);
        all.debtors.extend(day.debtors);
        all.creditors.extend(day.creditors);
        all.sales_invoices.extend(day.sales_invoices);
        all.bills.extend(day.bills);
        all.payments.extend(day.payments);
        all.expected.extend(day.expected);
    }
    all
}
