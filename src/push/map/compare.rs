//! Whether a record found in Xero is the one we would send: the members we send compared as Xero writes them
//! (decimals by value, dates as dates, statuses by what they mean).

use super::*;

/// Members a found Xero element must have equal to ours for the two to be the same record as pushed.
pub fn matches(found: &Value, sent: &Value) -> bool {
    match (found, sent) {
        (_, Value::Null) => true,
        (Value::Object(f), Value::Object(s)) => s.iter().all(|(k, sv)| {
            let fv = f.get(k).unwrap_or(&Value::Null);
            match k.as_str() {
                "Date" | "DueDate" => date_matches(fv, sv),
                "Status" => status_matches(fv, sv),
                "LineItems" | "Tracking" => match (fv, sv) {
                    (Value::Array(fa), Value::Array(sa)) => {
                        fa.len() == sa.len()
                            && fa
                                .iter()
                                .zip(sa)
                                .all(|(a, b)| matches(a, b) && (k != "LineItems" || nothing_taken_off(a, b)))
                    }
                    (Value::Null, Value::Array(sa)) => sa.is_empty(),
                    _ => false,
                },
                _ => member_matches(k, fv, sv),
            }
        }),
        _ => false,
    }
}

/// Members of a line Xero never fills in by itself. One that Xero's line has and ours lacks was taken off in the
/// ERP (an item or a discount removed): the lines differ, and the update, which replaces the lines whole, takes
/// it off in Xero.
const LINE_MEMBERS_XERO_NEVER_FILLS: [&str; 3] = ["ItemCode", "DiscountRate", "DiscountAmount"];

fn nothing_taken_off(found: &Value, sent: &Value) -> bool {
    LINE_MEMBERS_XERO_NEVER_FILLS.iter().all(|k| {
        sent.get(*k).is_some()
            || match found.get(*k) {
                None | Some(Value::Null) => true,
                Some(Value::String(s)) => s.is_empty(),
                Some(n @ Value::Number(_)) => decimal(&n.to_string()).is_some_and(|d| d.is_zero()),
                Some(_) => false,
            }
    })
}

fn member_matches(key: &str, found: &Value, sent: &Value) -> bool {
    match (found, sent) {
        (Value::Array(fa), Value::Array(sa)) => sa.iter().all(|s| fa.iter().any(|f| matches_any(key, f, s))),
        (Value::Null, Value::Array(sa)) => sa.is_empty(),
        _ => matches_any(key, found, sent),
    }
}

fn matches_any(key: &str, found: &Value, sent: &Value) -> bool {
    match (found, sent) {
        (Value::Object(_), Value::Object(_)) => matches(found, sent),
        (Value::Number(f), Value::Number(s)) => decimal(&f.to_string()) == decimal(&s.to_string()),
        (Value::String(f), Value::Number(s)) => decimal(f) == decimal(&s.to_string()),
        (Value::String(f), Value::String(s)) => {
            if key.ends_with("Code") || key.ends_with("Type") || key.ends_with("ID") {
                f.eq_ignore_ascii_case(s)
            } else {
                f == s
            }
        }
        (f, s) => f == s,
    }
}

fn decimal(text: &str) -> Option<Decimal> {
    crate::push::amount::parse_decimal(text).ok().map(|d| d.normalize())
}

fn status_matches(found: &Value, sent: &Value) -> bool {
    match (found.as_str(), sent.as_str()) {
        (Some(f), Some(s)) => f.eq_ignore_ascii_case(s) || (s.eq_ignore_ascii_case("AUTHORISED") && f == "PAID"),
        _ => found == sent,
    }
}

/// `2026-01-05` against Xero's `/Date(1767571200000+0000)/` or `2026-01-05T00:00:00`.
fn date_matches(found: &Value, sent: &Value) -> bool {
    let (Some(f), Some(s)) = (found.as_str(), sent.as_str()) else { return found == sent };
    xero_date(f).is_some_and(|d| d.format("%Y-%m-%d").to_string() == s)
}

/// A date as Xero writes it, as a calendar date.
pub fn xero_date(text: &str) -> Option<chrono::NaiveDate> {
    if let Some(rest) = text.strip_prefix("/Date(") {
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit() || *c == '-').collect();
        let ms: i64 = digits.parse().ok()?;
        return chrono::DateTime::from_timestamp_millis(ms).map(|t| t.date_naive());
    }
    chrono::NaiveDate::parse_from_str(text.get(..10)?, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn allocations_keep_the_text_their_ledger_hashes_were_made_of() {
        let on = chrono::NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let a = allocation("8a1f", Amount(Decimal::new(1050, 2)), on);
        assert_eq!(a.json(), r#"{"Amount":10.5,"Date":"2026-11-26","Invoice":{"InvoiceID":"8a1f"}}"#);
    }

    #[test]
    fn found_elements_match_what_was_sent() {
        let sent = json!({"Type":"ACCREC","Date":"2026-01-05","Status":"AUTHORISED","Contact":{"ContactID":"ab"},
            "LineItems":[{"Quantity":1.5,"UnitAmount":2.25,"Tracking":[{"Name":"Division","Option":"North"}]}]});
        let found = json!({"Type":"ACCREC","Date":"/Date(1767571200000+0000)/","Status":"PAID",
            "Contact":{"ContactID":"AB","Name":"x"},
            "LineItems":[{"Quantity":1.5000,"UnitAmount":"2.2500","LineAmount":3.38,
                "Tracking":[{"Name":"Division","Option":"North","TrackingCategoryID":"1"}]}]});
        assert!(matches(&found, &sent));
        let mut other = found.clone();
        other["LineItems"][0]["Quantity"] = json!(2);
        assert!(!matches(&other, &sent));
        let mut extra = found.clone();
        extra["LineItems"].as_array_mut().unwrap().push(json!({}));
        assert!(!matches(&extra, &sent));
        // An item or a discount Xero's line has and ours lacks was taken off in the ERP; none, or zero, is none.
        for (member, value) in [("ItemCode", json!("BEAM-6M")), ("DiscountRate", json!(10))] {
            let mut kept = found.clone();
            kept["LineItems"][0][member] = value;
            assert!(!matches(&kept, &sent), "{member}");
        }
        let mut zero = found.clone();
        zero["LineItems"][0]["DiscountRate"] = json!(0.00);
        zero["LineItems"][0]["ItemCode"] = json!("");
        assert!(matches(&zero, &sent));
    }
}
