//! Exact decimal amounts as the ERP sends them: a JSON number or a string, read from its text, never through f64.

use rust_decimal::Decimal;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;
use std::borrow::Cow;

/// An exact decimal: `12.5`, `"12.5000"`, `-3`. Scale limits (2 or 4 places) are checked per field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount(pub Decimal);

impl Amount {
    pub fn value(self) -> Decimal {
        self.0
    }

    /// Decimal places as written, without trailing zeros (`1.2500` has 2).
    pub fn places(self) -> u32 {
        self.0.normalize().scale()
    }
}

impl From<Decimal> for Amount {
    fn from(d: Decimal) -> Self {
        Amount(d)
    }
}

/// Parses the exact text of a number: plain (`-12.3400`) or scientific (`1.5e3`).
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("an amount must not be empty".into());
    }
    if t.contains(['e', 'E']) {
        return Decimal::from_scientific(t).map_err(|e| format!("`{t}` is not a decimal number: {e}"));
    }
    if !t.bytes().all(|b| b.is_ascii_digit() || b == b'.' || b == b'-' || b == b'+') {
        return Err(format!("`{t}` is not a decimal number (digits, one `.`, optional sign)"));
    }
    t.parse::<Decimal>().map_err(|e| format!("`{t}` is not a decimal number: {e}"))
}

/// The form of an amount given as a string, as the published schemas state it (`^[+-]?[0-9]+(\.[0-9]+)?$`): a
/// string is the ERP's exact decimal text, so `"1e2"`, `" 12"` or `"12."` are refused rather than guessed at.
fn parse_decimal_string(text: &str) -> Result<Decimal, String> {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || fraction.is_some_and(|f| !digits(f)) {
        return Err(format!(
            "`{text}` is not a decimal string: digits with an optional sign and `.` and decimals, e.g. \"-12.50\""
        ));
    }
    text.parse::<Decimal>().map_err(|e| format!("`{text}` is not a decimal number: {e}"))
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // Through Value: with `arbitrary_precision` a JSON number keeps its exact text there.
        match Value::deserialize(d)? {
            Value::Number(n) => parse_decimal(&n.to_string()).map(Amount).map_err(serde::de::Error::custom),
            Value::String(s) => parse_decimal_string(&s).map(Amount).map_err(serde::de::Error::custom),
            other => Err(serde::de::Error::custom(format!(
                "expected an amount (a number or a decimal string), got {}",
                crate::json::kind_of(&other)
            ))),
        }
    }
}

impl Serialize for Amount {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

impl JsonSchema for Amount {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Amount".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "An exact decimal: a JSON number (read from its text, never as a float) or a string such as \"12.3456\".",
            "anyOf": [
                {"type": "number"},
                {"type": "string", "pattern": "^[+-]?[0-9]+(\\.[0-9]+)?$"}
            ]
        })
    }
}

/// Writes money in results: a string with the exact value, e.g. `"115.00"`.
pub mod as_string_option {
    use rust_decimal::Decimal;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(value: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(d) => s.serialize_str(&d.to_string()),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings_keep_their_exact_value() {
        let a: Amount = serde_json::from_str("0.1").unwrap();
        assert_eq!(a.0.to_string(), "0.1");
        let b: Amount = serde_json::from_str("\"12.3456\"").unwrap();
        assert_eq!(b.0.to_string(), "12.3456");
        let c: Amount = serde_json::from_str("123456789012.3456").unwrap();
        assert_eq!(c.0.to_string(), "123456789012.3456");
        let d: Amount = serde_json::from_str("1.5e2").unwrap();
        assert_eq!(d.0.normalize().to_string(), "150");
        assert_eq!(Amount(Decimal::new(12500, 4)).places(), 2);
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        assert!(serde_json::from_str::<Amount>("\"1,000\"").is_err());
        assert!(serde_json::from_str::<Amount>("\"\"").is_err());
        assert!(serde_json::from_str::<Amount>("true").is_err());
        assert!(serde_json::from_str::<Amount>("\"abc\"").is_err());
        // A string is decimal text exactly as the published schema's pattern says: no exponent, no padding.
        for refused in ["\"1e2\"", "\" 12\"", "\"12.\"", "\".5\"", "\"+\"", "\"1.2.3\"", "\"--1\""] {
            assert!(serde_json::from_str::<Amount>(refused).is_err(), "{refused} is refused");
        }
        for accepted in ["\"-12.50\"", "\"+3\"", "\"0007.10\""] {
            assert!(serde_json::from_str::<Amount>(accepted).is_ok(), "{accepted} is accepted");
        }
    }
}
