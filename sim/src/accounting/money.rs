//! Money: `Decimal` end to end, Xero's rounding (half away from zero), exact JSON number text.

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::Value;
use std::str::FromStr;

/// Rounds half away from zero to `dp` places.
pub fn round(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// Rounds a cent amount (line amount, tax) to 2 places as the organisation's half-cent rule says: Xero does not
/// document how an exact half cent goes (sim/README.md, "Unknowns"), so the simulator does either.
pub fn round_cents(d: Decimal, half: crate::config::HalfCent) -> Decimal {
    let strategy = match half {
        crate::config::HalfCent::AwayFromZero => RoundingStrategy::MidpointAwayFromZero,
        crate::config::HalfCent::ToEven => RoundingStrategy::MidpointNearestEven,
    };
    d.round_dp_with_strategy(2, strategy)
}

/// Rounds to `dp` places and fixes the scale, so `1` prints as `1.00`.
pub fn fixed(d: Decimal, dp: u32) -> Decimal {
    let mut r = round(d, dp);
    r.rescale(dp);
    r
}

/// A JSON number with exactly `dp` decimals (arbitrary_precision keeps the text).
pub fn num(d: Decimal, dp: u32) -> Value {
    json_number(&fixed(d, dp).to_string())
}

/// A JSON number from its text.
pub fn json_number(text: &str) -> Value {
    Value::Number(serde_json::Number::from_str(text).expect("decimal text is a JSON number"))
}

/// Money (2 dp).
pub fn money(d: Decimal) -> Value {
    num(d, 2)
}

/// Reads a decimal from a JSON number (exact text) or a numeric string.
pub fn parse(v: &Value) -> Option<Decimal> {
    let text = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.trim().to_string(),
        _ => return None,
    };
    Decimal::from_str(&text).ok().or_else(|| Decimal::from_scientific(&text).ok())
}
