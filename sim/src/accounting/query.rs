//! List parameters: `where` (a C#-like filter), `order`, explicit id/number/status lists, and paging.
//!
//! Filters are evaluated against the rendered Xero JSON of each record, so any field path of the response
//! (`Contact.ContactID`, `Status`, `Total` ...) works, provided its first segment is a known field of the kind.
//! Supported: `==`, `!=`, `<`, `<=`, `>`, `>=`, `AND`/`&&`, `OR`/`||`, `NOT`/`!`, parentheses,
//! `.Contains("x")`, `.StartsWith("x")`, `.EndsWith("x")`, `.Equals("x")`, `.ToLower()`, `.ToUpper()` (on a field,
//! before a comparison or one of those methods: `Code.ToLower()=="devd"`, `Name.ToLower().Contains("smith")`),
//! `Guid("...")`, `DateTime(y,m,d[,h,m,s])`, strings, numbers, `true`/`false`/`null`.
//!
//! String equality and `Contains`/`StartsWith`/`EndsWith`/`Equals` are CASE-SENSITIVE, as in Xero:
//! `where=Code=="devd"` finds nothing for item `DevD` although creating `devd` is refused as a duplicate
//! (calcinai/xero-php#416, where Xero support advised `Code.ToLower()`); a contact `Name` filter is
//! case-sensitive while name uniqueness is not (freakboy3742/pyxero#172); case-insensitive searches are written
//! with `ToLower()` (freakboy3742/pyxero#71, XeroAPI/xero-ruby#184). The methods being .NET string methods,
//! `Contains` & co. are taken to be ordinal (case-sensitive) too. GUIDs compare as GUIDs (case ignored).
//! Relational operators and `order` on strings: case-insensitive first, then ordinal (no source either way).

use super::{ApiResponse, Ctx, dates, errors, money};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::cmp::Ordering;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(String),
    Op(String),
    LParen,
    RParen,
    Comma,
    Dot,
}

fn lex(s: &str) -> Result<Vec<Tok>, String> {
    let c: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut out = Vec::new();
    while i < c.len() {
        let ch = c[i];
        if ch.is_whitespace() {
            i += 1;
        } else if ch == '"' || ch == '\'' {
            let q = ch;
            i += 1;
            let mut t = String::new();
            loop {
                if i >= c.len() {
                    return Err("Unterminated string literal".into());
                }
                if c[i] == '\\' && i + 1 < c.len() {
                    t.push(c[i + 1]);
                    i += 2;
                } else if c[i] == q {
                    i += 1;
                    break;
                } else {
                    t.push(c[i]);
                    i += 1;
                }
            }
            out.push(Tok::Str(t));
        } else if ch.is_ascii_digit() || (ch == '-' && i + 1 < c.len() && c[i + 1].is_ascii_digit()) {
            let start = i;
            i += 1;
            while i < c.len() && (c[i].is_ascii_digit() || c[i] == '.') {
                i += 1;
            }
            out.push(Tok::Num(c[start..i].iter().collect()));
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(c[start..i].iter().collect()));
        } else {
            let two: String = c[i..(i + 2).min(c.len())].iter().collect();
            if ["==", "!=", "<=", ">=", "&&", "||"].contains(&two.as_str()) {
                out.push(Tok::Op(two));
                i += 2;
                continue;
            }
            match ch {
                '(' => out.push(Tok::LParen),
                ')' => out.push(Tok::RParen),
                ',' => out.push(Tok::Comma),
                '.' => out.push(Tok::Dot),
                '<' | '>' | '!' | '=' => out.push(Tok::Op(if ch == '=' { "==".into() } else { ch.to_string() })),
                _ => return Err(format!("Unexpected character '{ch}'")),
            }
            i += 1;
        }
    }
    Ok(out)
}

/// `.ToLower()` / `.ToUpper()` applied to a field's value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Case {
    Lower,
    Upper,
}

/// A string method that answers true or false.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pred {
    Contains,
    StartsWith,
    EndsWith,
    Equals,
}

#[derive(Debug, Clone)]
enum Operand {
    /// A field path, with the last case conversion applied to it.
    Field(Vec<String>, Option<Case>),
    /// `Field[.ToLower()].Contains("x")` and the like: a boolean.
    Call(Vec<String>, Option<Case>, Pred, String),
    Lit(Val),
}

#[derive(Debug, Clone)]
enum Expr {
    Or(Box<Expr>, Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Cmp(Operand, String, Operand),
    Truthy(Operand),
}

#[derive(Debug, Clone, PartialEq)]
enum Val {
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
                    "guid" if self.peek() == Some(&Tok::LParen) => {
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
                        return Ok(Operand::Lit(Val::Guid(g)));
                    }
                    "datetime" if self.peek() == Some(&Tok::LParen) => {
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
                        let d = chrono::NaiveDate::from_ymd_opt(nums[0] as i32, nums[1], nums[2])
                            .ok_or("Invalid DateTime")?;
                        let t = d
                            .and_hms_opt(
                                *nums.get(3).unwrap_or(&0),
                                *nums.get(4).unwrap_or(&0),
                                *nums.get(5).unwrap_or(&0),
                            )
                            .ok_or("Invalid DateTime")?;
                        return Ok(Operand::Lit(Val::Date(t.and_utc().timestamp_millis())));
                    }
                    _ => {}
                }
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
            other => Err(format!("Unexpected token {other:?}")),
        }
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

fn lookup(v: &Value, path: &[String]) -> Val {
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
fn list_match(value: &str, wanted: &str) -> bool {
    match (guid(value), guid(wanted)) {
        (Some(a), Some(b)) => a == b,
        _ => value == wanted,
    }
}

fn compare(a: &Val, b: &Val) -> Option<Ordering> {
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

fn eval(e: &Expr, v: &Value) -> bool {
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

/// What a list endpoint supports.
pub struct ListSpec<'a> {
    /// Fields allowed as the first segment of a `where`/`order` path.
    pub fields: &'a [&'a str],
    /// Explicit list parameters: (query name, field path in the rendered record).
    pub lists: &'a [(&'a str, &'a str)],
    /// Whether `page`/`pageSize` apply (and the response carries `pagination`).
    pub paged: bool,
    /// Whether the `If-Modified-Since` header applies (the spec declares it): only records whose `UpdatedDateUTC`
    /// is after it are returned.
    pub modified_since: bool,
}

/// Xero's "high volume threshold": on an organisation holding more than `ctx.filter_threshold` records of a kind,
/// a `where` naming a field that is not among that kind's optimised filters is refused with a 400 (CData's Xero
/// driver documentation, which passes on Xero's lists: cdn.cdata.com/help/DXM/rcmd/pg_accountingtable-contacts.htm,
/// .../pg_accountingtable-invoices.htm: "the Xero API will block the query"). The body is Xero's
/// `HighVolumeException` as reported in XeroAPI/xero-python#148 (a `ContactNumber==` filter refused on a large
/// organisation). Off unless a threshold is set (Xero's own is 500,000 for invoices).
pub fn check_optimised(
    ctx: &Ctx,
    kind: &str,
    spec: &ListSpec,
    optimised: &[&str],
    total: usize,
) -> Result<(), ApiResponse> {
    let (Some(threshold), Some(w)) = (ctx.filter_threshold, ctx.param("where").filter(|w| !w.trim().is_empty())) else {
        return Ok(());
    };
    if total <= threshold {
        return Ok(());
    }
    let filter = Filter::parse(w, spec.fields).map_err(|e| errors::query_parse(&e))?;
    if filter.used().iter().all(|f| optimised.iter().any(|o| o.eq_ignore_ascii_case(f))) {
        return Ok(());
    }
    let kind = kind.get(..1).map(str::to_uppercase).unwrap_or_default() + kind.get(1..).unwrap_or_default();
    Err(ApiResponse {
        status: 400,
        body: json!({
            "Type": "HighVolumeException",
            "Message": format!(
                "Your request is not filtering {kind} efficiently, given the extremely high volume for this \
                 organisation. Please check https://developer.xero.com/documentation/api/efficient-data-retrieval \
                 for tips on making {kind} retrieval more efficient."
            ),
        }),
    })
}

/// Applies `where`, explicit lists, `order` and paging to rendered records.
pub fn apply(ctx: &Ctx, spec: &ListSpec, records: Vec<Value>) -> Result<(Vec<Value>, Option<Value>), ApiResponse> {
    let filter = match ctx.param("where").filter(|w| !w.trim().is_empty()) {
        Some(w) => Some(Filter::parse(w, spec.fields).map_err(|e| errors::query_parse(&e))?),
        None => None,
    };
    let mut lists: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    for (param, path) in spec.lists {
        if let Some(v) = ctx.param(param) {
            let wanted: Vec<String> =
                v.split(',').map(|s| s.trim().trim_matches('"').to_string()).filter(|s| !s.is_empty()).collect();
            if !wanted.is_empty() {
                lists.push((path.split('.').map(String::from).collect(), wanted));
            }
        }
    }
    let mut out: Vec<Value> = records
        .into_iter()
        .filter(|r| match (spec.modified_since, ctx.modified_since) {
            (true, Some(since)) => matches!(lookup(r, &["UpdatedDateUTC".to_string()]), Val::Date(ms) if ms > since),
            _ => true,
        })
        .filter(|r| filter.as_ref().is_none_or(|f| f.matches(r)))
        .filter(|r| {
            lists.iter().all(|(path, wanted)| match lookup(r, path) {
                Val::Str(s) => wanted.iter().any(|w| list_match(&s, w)),
                _ => false,
            })
        })
        .collect();
    if let Some(order) = ctx.param("order").filter(|o| !o.trim().is_empty()) {
        let mut keys = Vec::new();
        for part in order.split(',') {
            let mut words = part.split_whitespace();
            let field = words.next().unwrap_or("");
            let desc = match words.next().map(|w| w.to_ascii_uppercase()) {
                None => false,
                Some(w) if w == "ASC" => false,
                Some(w) if w == "DESC" => true,
                Some(w) => {
                    return Err(errors::query_parse(&format!("Invalid order direction '{w}'")));
                }
            };
            let path: Vec<String> = field.split('.').map(String::from).collect();
            if !spec.fields.iter().any(|f| f.eq_ignore_ascii_case(&path[0])) {
                return Err(errors::query_parse(&format!("No property or field '{}' exists", path[0])));
            }
            keys.push((path, desc));
        }
        out.sort_by(|a, b| {
            for (path, desc) in &keys {
                let o = compare(&lookup(a, path), &lookup(b, path)).unwrap_or(Ordering::Equal);
                let o = if *desc { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
    }
    if !spec.paged {
        return Ok((out, None));
    }
    let Some(page) = ctx.param("page") else {
        return Ok((out, None));
    };
    let page: usize = page.trim().parse().unwrap_or(1).max(1);
    let page_size: usize = ctx.param("pageSize").and_then(|s| s.trim().parse().ok()).unwrap_or(100).clamp(1, 1000);
    let item_count = out.len();
    let page_count = item_count.div_ceil(page_size);
    let items: Vec<Value> = out.into_iter().skip((page - 1) * page_size).take(page_size).collect();
    Ok((items, Some(json!({ "page": page, "pageSize": page_size, "pageCount": page_count, "itemCount": item_count }))))
}
