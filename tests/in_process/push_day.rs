//! A day of an ERP pushed into Xero (the simulator's accounting domain): everything lands, Xero agrees with the
//! input to the cent, and pushing it again makes no write call at all.

use crate::support::push::{SimApi, connection, request};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::HashMap;
use xero_link::push::{self, schema::*};
use xero_link::registry::Connection;
use xero_link_fixtures::erp_day::{self, ErpDay, Scale, Totals};

fn dec(v: &Value) -> Decimal {
    match v {
        Value::Number(n) => n.to_string().parse().unwrap(),
        Value::String(s) => s.parse().unwrap(),
        other => panic!("not a number: {other}"),
    }
}

fn push_all(conn: &Connection, api: &SimApi, day: &ErpDay) -> Vec<PushResponse> {
    let contacts =
        push::contacts(conn, request(json!({"connection": "xero-hugeerp", "contacts": day.contacts()})), api).unwrap();
    let items = push::items(conn, request(json!({"connection": "xero-hugeerp", "items": day.items})), api).unwrap();
    let invoices =
        push::invoices(conn, request(json!({"connection": "xero-hugeerp", "invoices": day.invoices()})), api).unwrap();
    let credit_notes =
        push::credit_notes(conn, request(json!({"connection": "xero-hugeerp", "credit_notes": day.credit_notes})), api)
            .unwrap();
    let payments =
        push::payments(conn, request(json!({"connection": "xero-hugeerp", "payments": day.payments})), api).unwrap();
    vec![contacts, items, invoices, credit_notes, payments]
}

fn assert_all(responses: &[PushResponse], outcome: Outcome) {
    for r in responses {
        for x in &r.results {
            assert_eq!(x.outcome, outcome, "{}", serde_json::to_string_pretty(x).unwrap());
            if let Some(allocs) = &x.allocations {
                for a in allocs {
                    assert_eq!(a.outcome, outcome, "allocation {}", serde_json::to_string_pretty(a).unwrap());
                }
            }
        }
    }
}

/// Xero's documents agree with the ERP's: contact, lines, and totals to the cent.
fn assert_xero_matches(api: &SimApi, day: &ErpDay) {
    let snap = api.snapshot();
    let mut docs: HashMap<String, &Value> = HashMap::new();
    for d in snap["Invoices"].as_array().unwrap() {
        assert!(docs.insert(d["InvoiceNumber"].as_str().unwrap().to_owned(), d).is_none(), "duplicate {d}");
    }
    for d in snap["CreditNotes"].as_array().unwrap() {
        assert!(docs.insert(d["CreditNoteNumber"].as_str().unwrap().to_owned(), d).is_none(), "duplicate {d}");
    }
    let erp_docs: Vec<&Value> = day.sales_invoices.iter().chain(&day.bills).chain(&day.credit_notes).collect();
    assert_eq!(docs.len(), erp_docs.len(), "one Xero document per ERP document");
    for erp in erp_docs {
        let number = erp["number"].as_str().unwrap();
        let x = docs[number];
        let contact = erp.get("debtor").or_else(|| erp.get("creditor")).unwrap();
        assert_eq!(x["Contact"]["ContactNumber"], *contact, "{number}: contact");
        assert_eq!(x["Status"].as_str().map(|s| s == "AUTHORISED" || s == "PAID"), Some(true), "{number}");
        let lines = x["LineItems"].as_array().unwrap();
        let erp_lines = erp["lines"].as_array().unwrap();
        assert_eq!(lines.len(), erp_lines.len(), "{number}: lines");
        for (l, e) in lines.iter().zip(erp_lines) {
            assert_eq!(dec(&l["Quantity"]), erp_day::dec(e["quantity"].as_str().unwrap()), "{number}: quantity");
            assert_eq!(dec(&l["UnitAmount"]), erp_day::dec(e["unit_price"].as_str().unwrap()), "{number}: price");
            let tracking: Vec<(&str, &str)> = l["Tracking"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| (t["Name"].as_str().unwrap(), t["Option"].as_str().unwrap()))
                .collect();
            let division = e["division"].as_str().unwrap_or("North");
            assert!(tracking.contains(&("Division", division)), "{number}: division {tracking:?}");
            if erp["type"] == "sales" {
                let rep = e["sales_rep"].as_str().unwrap_or("Alice Brown");
                assert!(tracking.contains(&("Sales Rep", rep)), "{number}: sales rep {tracking:?}");
            }
        }
        let want: Totals = day.expected[number];
        assert_eq!(dec(&x["SubTotal"]), want.sub_total, "{number}: SubTotal");
        assert_eq!(dec(&x["TotalTax"]), want.total_tax, "{number}: TotalTax");
        assert_eq!(dec(&x["Total"]), want.total, "{number}: Total");
        let due = x.get("AmountDue").or_else(|| x.get("RemainingCredit")).unwrap();
        assert_eq!(dec(due), want.amount_due, "{number}: AmountDue");
    }
    // Contacts and items: one each, keyed by the ERP code.
    let contacts = snap["Contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), day.debtors.len() + day.creditors.len());
    assert_eq!(snap["Items"].as_array().unwrap().len(), day.items.len());
    let payments = snap["Payments"].as_array().unwrap();
    assert_eq!(payments.len(), day.payments.len());
    let paid: Decimal = payments.iter().map(|p| dec(&p["Amount"])).sum();
    let want: Decimal = day.payments.iter().map(|p| erp_day::dec(p["amount"].as_str().unwrap())).sum();
    assert_eq!(paid, want, "payments to the cent");
}

fn day_round_trip(scale: Scale, seed: u64) {
    let day = erp_day::generate(seed, scale);
    let conn = connection("day", |_| {});
    let api = SimApi::new();
    let first = push_all(&conn, &api, &day);
    assert_all(&first, Outcome::Created);
    // Results carry Xero's totals, equal to what the ERP expects.
    for r in &first[2].results {
        let t = r.totals.as_ref().expect("documents carry totals");
        let want = day.expected[&r.key];
        assert_eq!(t.total, Some(want.total), "{}", r.key);
        assert!(r.xero_id.is_some() && r.number.as_deref() == Some(r.key.as_str()));
    }
    assert_xero_matches(&api, &day);

    let writes = api.writes();
    let reads = api.reads();
    let again = push_all(&conn, &api, &day);
    assert_all(&again, Outcome::Unchanged);
    assert_eq!(api.writes(), writes, "pushing the same day again makes no write call");
    assert_eq!(api.reads(), reads, "and, with the ledger, no read either");
    // Unchanged documents still report Xero's totals (from the ledger).
    assert!(again[2].results.iter().all(|r| r.totals.as_ref().and_then(|t| t.total).is_some()));
}

#[test]
fn a_small_day_lands_completely_and_a_second_push_writes_nothing() {
    day_round_trip(Scale::SMALL, 7);
}

#[test]
fn the_full_day_lands_completely_and_a_second_push_writes_nothing() {
    day_round_trip(Scale::FULL, 2026);
}
