//! Evaluating a parsed filter against a rendered record: field lookup, case conversion and Xero's comparisons.

use super::parse::{Case, Expr, Operand, Pred, Val};
use crate::accounting::{dates, money};
use rust_decimal::Decimal;
use serde_json::Value;
use std::cmp::Ordering;
use uuid::Uuid;

pub(super) fn lookup(v: &Value, path: &[String]) -> Val {
    let mut cur = v;
    for seg in path {
        let Some(m) = cur.as_object() else {
            return Val::Null;
        };
        match m.iter().find(|(k, _)| k.eq_ignore_ascii_case(seg)) {
            Some((_, x)) => cur = x,
            None => return Val::Null,
        }
    }
    to_val(cur)
}

fn to_val(v: &Value) -> Val {
    match v {
        Value::String(s) => match dates::parse_ms_date(s) {
            Some(ms) => Val::Date(ms),
            None => Val::Str(s.clone()),
        },
        Value::Number(_) => money::parse(v).map(Val::Num).unwrap_or(Val::Null),
        Value::Bool(b) => Val::Bool(*b),
        _ => Val::Null,
    }
}

fn convert(v: Val, case: Option<Case>) -> Val {
    match (v, case) {
        (Val::Str(s), Some(Case::Lower)) => Val::Str(s.to_lowercase()),
        (Val::Str(s), Some(Case::Upper)) => Val::Str(s.to_uppercase()),
        (v, _) => v,
    }
}

fn operand(o: &Operand, v: &Value) -> Val {
    match o {
        Operand::Field(p, case) => convert(lookup(v, p), *case),
        Operand::Call(p, case, pred, arg) => Val::Bool(match convert(lookup(v, p), *case) {
            // Ordinal, case-sensitive: .NET's string methods.
            Val::Str(s) => match pred {
                Pred::Contains => s.contains(arg.as_str()),
                Pred::StartsWith => s.starts_with(arg.as_str()),
                Pred::EndsWith => s.ends_with(arg.as_str()),
                Pred::Equals => s == *arg,
            },
            _ => false,
        }),
        Operand::Lit(l) => l.clone(),
    }
}

fn guid(s: &str) -> Option<Uuid> {
    Uuid::parse_str(s.trim()).ok()
}

/// Whether a value of an explicit list parameter (`IDs`, `InvoiceNumbers`, `Statuses` ...) names `value`: GUIDs
/// as GUIDs (case ignored), anything else exactly (case-sensitive; no public source says either way).
pub(super) fn list_match(value: &str, wanted: &str) -> bool {
    match (guid(value), guid(wanted)) {
        (Some(a), Some(b)) => a == b,
        _ => value == wanted,
    }
}

pub(super) fn compare(a: &Val, b: &Val) -> Option<Ordering> {
    match (a, b) {
        (Val::Str(x), Val::Str(y)) => match (guid(x), guid(y)) {
            (Some(x), Some(y)) => Some(x.cmp(&y)),
            // Equal only when identical (Xero's `==` is case-sensitive); case-insensitive order otherwise.
            _ => Some(x.to_lowercase().cmp(&y.to_lowercase()).then_with(|| x.cmp(y))),
        },
        (Val::Guid(x), Val::Guid(y)) => Some(x.cmp(y)),
        (Val::Str(x), Val::Guid(y)) => guid(x).map(|x| x.cmp(y)),
        (Val::Guid(x), Val::Str(y)) => guid(y).map(|y| x.cmp(&y)),
        (Val::Num(x), Val::Num(y)) => Some(x.cmp(y)),
        (Val::Num(x), Val::Str(y)) => y.parse::<Decimal>().ok().map(|y| x.cmp(&y)),
        (Val::Str(x), Val::Num(y)) => x.parse::<Decimal>().ok().map(|x| x.cmp(y)),
        (Val::Date(x), Val::Date(y)) => Some(x.cmp(y)),
        (Val::Date(x), Val::Str(y)) | (Val::Str(y), Val::Date(x)) => {
            dates::parse_date(y).map(|d| x.cmp(&dates::date_ms(d)))
        }
        (Val::Bool(x), Val::Bool(y)) => Some(x.cmp(y)),
        (Val::Bool(x), Val::Str(y)) => y.parse::<bool>().ok().map(|y| x.cmp(&y)),
        (Val::Null, Val::Null) => Some(Ordering::Equal),
        _ => None,
    }
}

pub(super) fn eval(e: &Expr, v: &Value) -> bool {
    match e {
        Expr::Or(a, b) => eval(a, v) || eval(b, v),
        Expr::And(a, b) => eval(a, v) && eval(b, v),
        Expr::Not(a) => !eval(a, v),
        Expr::Truthy(o) => operand(o, v) == Val::Bool(true),
        Expr::Cmp(a, op, b) => {
            let (x, y) = (operand(a, v), operand(b, v));
            let ord = compare(&x, &y);
            match op.as_str() {
                "==" => ord == Some(Ordering::Equal),
                "!=" => ord != Some(Ordering::Equal),
                "<" => ord == Some(Ordering::Less),
                "<=" => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
                ">" => ord == Some(Ordering::Greater),
                _ => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
            }
        }
    }
}
