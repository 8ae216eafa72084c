//! A day of an ERP pushed into Xero (the simulator's accounting domain, called directly): everything lands, Xero
//! agrees with the input to the cent, and pushing it again makes no call at all. The full day is pushed through the
//! C ABI over HTTP, with Xero's rate limits on, by `e2e_day`.

use crate::support::e2e::{assert_day_in_xero, assert_documents_as_in_erp};
use crate::support::push::{SimApi, connection, request};
use serde_json::json;
use xero_link::push::{self, schema::*};
use xero_link::registry::Connection;
use xero_link_fixtures::erp_day::{self, ErpDay, Scale};

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
    let snapshot = api.snapshot();
    assert_day_in_xero(&snapshot, &day, "pushed once");
    assert_documents_as_in_erp(&snapshot, &day, "pushed once");

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
