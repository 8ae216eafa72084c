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

mod eval;
mod lex;
mod parse;

use super::{ApiResponse, Ctx, errors};
use eval::{compare, list_match, lookup};
pub use parse::Filter;
use parse::Val;
use serde_json::{Value, json};
use std::cmp::Ordering;

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
    let lists = explicit_lists(ctx, spec);
    let mut out: Vec<Value> = records
        .into_iter()
        .filter(|r| match (spec.modified_since, ctx.modified_since) {
            (true, Some(since)) => matches!(lookup(r, &["UpdatedDateUTC".to_string()]), Val::Date(ms) if ms > since),
            _ => true,
        })
        .filter(|r| filter.as_ref().is_none_or(|f| f.matches(r)))
        .filter(|r| {
            lists.iter().all(|l| match lookup(r, &l.path) {
                Val::Str(s) => l.wanted.iter().any(|w| list_match(&s, w)),
                _ => false,
            })
        })
        .collect();
    if let Some(order) = ctx.param("order").filter(|o| !o.trim().is_empty()) {
        let keys = order_keys(spec, order)?;
        out.sort_by(|a, b| {
            for key in &keys {
                let o = compare(&lookup(a, &key.path), &lookup(b, &key.path)).unwrap_or(Ordering::Equal);
                let o = if key.desc { o.reverse() } else { o };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        });
    }
    Ok(page(ctx, spec, out))
}

/// An explicit list parameter given: the field path it filters and the values wanted.
struct ListParam {
    path: Vec<String>,
    wanted: Vec<String>,
}

/// One `order` key: a field path, descending or not.
struct OrderKey {
    path: Vec<String>,
    desc: bool,
}

/// The explicit list parameters (`IDs`, `InvoiceNumbers` ...) given with values.
fn explicit_lists(ctx: &Ctx, spec: &ListSpec) -> Vec<ListParam> {
    let mut lists = Vec::new();
    for (param, path) in spec.lists {
        if let Some(v) = ctx.param(param) {
            let wanted: Vec<String> =
                v.split(',').map(|s| s.trim().trim_matches('"').to_string()).filter(|s| !s.is_empty()).collect();
            if !wanted.is_empty() {
                lists.push(ListParam { path: path.split('.').map(String::from).collect(), wanted });
            }
        }
    }
    lists
}

/// `order`: comma-separated fields of the kind, each optionally ASC or DESC.
fn order_keys(spec: &ListSpec, order: &str) -> Result<Vec<OrderKey>, ApiResponse> {
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
        keys.push(OrderKey { path, desc });
    }
    Ok(keys)
}

/// `page`/`pageSize` applied where the list is paged, with the `pagination` it answers.
fn page(ctx: &Ctx, spec: &ListSpec, out: Vec<Value>) -> (Vec<Value>, Option<Value>) {
    if !spec.paged {
        return (out, None);
    }
    let Some(page) = ctx.param("page") else {
        return (out, None);
    };
    let page: usize = page.trim().parse().unwrap_or(1).max(1);
    let page_size: usize = ctx.param("pageSize").and_then(|s| s.trim().parse().ok()).unwrap_or(100).clamp(1, 1000);
    let item_count = out.len();
    let page_count = item_count.div_ceil(page_size);
    let items: Vec<Value> = out.into_iter().skip((page - 1) * page_size).take(page_size).collect();
    (items, Some(json!({ "page": page, "pageSize": page_size, "pageCount": page_count, "itemCount": item_count })))
}
