//! The `where` filter parsed: operands, comparisons and AND/OR/NOT, checked against the kind's fields.

use super::eval::eval;
use super::lex::{Tok, lex};
use rust_decimal::Decimal;
use serde_json::Value;
use uuid::Uuid;

/// `.ToLower()` / `.ToUpper()` applied to a field's value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Case {
    Lower,
    Upper,
}

/// A string method that answers true or false.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Pred {
    Contains,
    StartsWith,
    EndsWith,
    Equals,
}

#[derive(Debug, Clone)]
pub(super) enum Operand {
    /// A field path, with the last case conversion applied to it.
    Field(Vec<String>, Option<Case>),
    /// `Field[.ToLower()].Contains("x")` and the like: a boolean.
    Call(Vec<String>, Option<Case>, Pred, String),
    Lit(Val),
}

#[derive(Debug, Clone)]
pub(super) enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Cmp(Operand, String, Operand),
    Truthy(Operand),
}

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Val {
    Str(String),
    Guid(Uuid),
    Num(Decimal),
    Bool(bool),
    Date(i64),
    Null,
}

struct Parser<'f> {
    t: Vec<Tok>,
    p: usize,
    fields: &'f [&'f str],
    /// Every field path the filter names, dotted (`Contact.ContactID`).
    used: Vec<String>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Tok> {
        self.t.get(self.p)
    }
    fn next(&mut self) -> Option<Tok> {
        let t = self.t.get(self.p).cloned();
        self.p += 1;
        t
    }
    fn known(&mut self, path: &[String]) -> Result<(), String> {
        if !self.fields.iter().any(|f| f.eq_ignore_ascii_case(&path[0])) {
            return Err(format!("No property or field '{}' exists", path[0]));
        }
        self.used.push(path.join("."));
        Ok(())
    }
    fn is_kw(&self, kws: &[&str]) -> bool {
        match self.peek() {
            Some(Tok::Ident(s)) => kws.iter().any(|k| s.eq_ignore_ascii_case(k)),
            Some(Tok::Op(o)) => kws.contains(&o.as_str()),
            _ => false,
        }
    }
    fn or(&mut self) -> Result<Expr, String> {
        let mut l = self.and()?;
        while self.is_kw(&["OR", "||"]) {
            self.p += 1;
            l = Expr::Or(Box::new(l), Box::new(self.and()?));
        }
        Ok(l)
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut l = self.not()?;
        while self.is_kw(&["AND", "&&"]) {
            self.p += 1;
            l = Expr::And(Box::new(l), Box::new(self.not()?));
        }
        Ok(l)
    }
    fn not(&mut self) -> Result<Expr, String> {
        if self.is_kw(&["NOT", "!"]) {
            self.p += 1;
            return Ok(Expr::Not(Box::new(self.not()?)));
        }
        if self.peek() == Some(&Tok::LParen) {
            self.p += 1;
            let e = self.or()?;
            if self.next() != Some(Tok::RParen) {
                return Err("Expected ')'".into());
            }
            return Ok(e);
        }
        self.comparison()
    }
    fn comparison(&mut self) -> Result<Expr, String> {
        let left = self.operand()?;
        match self.peek() {
            Some(Tok::Op(o)) if ["==", "!=", "<", "<=", ">", ">="].contains(&o.as_str()) => {
                let op = o.clone();
                self.p += 1;
                let right = self.operand()?;
                Ok(Expr::Cmp(left, op, right))
            }
            _ => Ok(Expr::Truthy(left)),
        }
    }
    fn operand(&mut self) -> Result<Operand, String> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(Operand::Lit(Val::Str(s))),
            Some(Tok::Num(n)) => {
                n.parse::<Decimal>().map(|d| Operand::Lit(Val::Num(d))).map_err(|_| format!("Invalid number '{n}'"))
            }
            Some(Tok::Ident(id)) => {
                let low = id.to_ascii_lowercase();
                match low.as_str() {
                    "true" => return Ok(Operand::Lit(Val::Bool(true))),
                    "false" => return Ok(Operand::Lit(Val::Bool(false))),
                    "null" => return Ok(Operand::Lit(Val::Null)),
                    "guid" if self.peek() == Some(&Tok::LParen) => return self.guid_literal(),
                    "datetime" if self.peek() == Some(&Tok::LParen) => return self.datetime_literal(),
                    _ => {}
                }
                self.field_operand(id)
            }
            other => Err(format!("Unexpected token {other:?}")),
        }
    }

    /// `Guid("...")`, after its name.
    fn guid_literal(&mut self) -> Result<Operand, String> {
        self.p += 1;
        let s = match self.next() {
            Some(Tok::Str(s)) => s,
            _ => return Err("Guid() expects a string".into()),
        };
        if self.next() != Some(Tok::RParen) {
            return Err("Expected ')'".into());
        }
        let g = Uuid::parse_str(s.trim()).map_err(|_| {
            format!("Guid should contain 32 digits with 4 dashes (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx): '{s}'")
        })?;
        Ok(Operand::Lit(Val::Guid(g)))
    }

    /// `DateTime(y,m,d[,h,m,s])`, after its name.
    fn datetime_literal(&mut self) -> Result<Operand, String> {
        self.p += 1;
        let mut nums = Vec::new();
        loop {
            match self.next() {
                Some(Tok::Num(n)) => nums.push(n.parse::<u32>().map_err(|_| "Bad DateTime")?),
                _ => return Err("DateTime() expects numbers".into()),
            }
            match self.next() {
                Some(Tok::Comma) => continue,
                Some(Tok::RParen) => break,
                _ => return Err("Expected ')'".into()),
            }
        }
        if nums.len() < 3 {
            return Err("DateTime() expects year, month, day".into());
        }
        let d = chrono::NaiveDate::from_ymd_opt(nums[0] as i32, nums[1], nums[2]).ok_or("Invalid DateTime")?;
        let t = d
            .and_hms_opt(*nums.get(3).unwrap_or(&0), *nums.get(4).unwrap_or(&0), *nums.get(5).unwrap_or(&0))
            .ok_or("Invalid DateTime")?;
        Ok(Operand::Lit(Val::Date(t.and_utc().timestamp_millis())))
    }

    /// A field path starting at `id`, with `.ToLower()`/`.ToUpper()` and a string method call if any.
    fn field_operand(&mut self, id: String) -> Result<Operand, String> {
        let mut path = vec![id];
        let mut case = None;
        // After `.ToLower()`/`.ToUpper()` only another method may follow.
        let mut converted = false;
        loop {
            match self.peek() {
                Some(Tok::Dot) => {
                    self.p += 1;
                    match self.next() {
                        Some(Tok::Ident(s)) => {
                            if converted && self.peek() != Some(&Tok::LParen) {
                                return Err(format!("'{s}' is not a method of a string"));
                            }
                            path.push(s)
                        }
                        _ => return Err("Expected a field name after '.'".into()),
                    }
                }
                Some(Tok::LParen) if path.len() >= 2 => {
                    self.p += 1;
                    let method = path.pop().unwrap_or_default();
                    let pred = match method.to_ascii_lowercase().as_str() {
                        "tolower" | "toupper" => {
                            if self.next() != Some(Tok::RParen) {
                                return Err(format!("{method}() takes no argument"));
                            }
                            let lower = method.eq_ignore_ascii_case("tolower");
                            case = Some(if lower { Case::Lower } else { Case::Upper });
                            converted = true;
                            continue;
                        }
                        "contains" => Pred::Contains,
                        "startswith" => Pred::StartsWith,
                        "endswith" => Pred::EndsWith,
                        "equals" => Pred::Equals,
                        _ => return Err(format!("Method '{method}' is not supported")),
                    };
                    let arg = match self.next() {
                        Some(Tok::Str(s)) => s,
                        _ => return Err(format!("{method} expects a string argument")),
                    };
                    if self.next() != Some(Tok::RParen) {
                        return Err("Expected ')'".into());
                    }
                    self.known(&path)?;
                    return Ok(Operand::Call(path, case, pred, arg));
                }
                _ => break,
            }
        }
        self.known(&path)?;
        Ok(Operand::Field(path, case))
    }
}

/// A parsed `where` filter.
pub struct Filter(Expr, Vec<String>);

impl Filter {
    pub fn parse(s: &str, fields: &[&str]) -> Result<Filter, String> {
        let t = lex(s)?;
        let mut p = Parser { t, p: 0, fields, used: Vec::new() };
        let e = p.or()?;
        if p.p < p.t.len() {
            return Err(format!("Unexpected token {:?}", p.t[p.p]));
        }
        Ok(Filter(e, p.used))
    }
    /// The field paths the filter names, dotted.
    pub fn used(&self) -> &[String] {
        &self.1
    }
    pub fn matches(&self, v: &Value) -> bool {
        eval(&self.0, v)
    }
}
