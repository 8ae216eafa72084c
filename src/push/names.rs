//! Contact names, which Xero matches by although they are not our key.
//!
//! Xero keeps contact names unique among active contacts, ignoring case (`Contact.Name` in Xero's accounting
//! spec; freakboy3742/pyxero#172), and a contact written without its `ContactID` whose name an existing contact
//! holds updates that contact instead of creating one (XeroAPI/xero-php-oauth2#191). An ERP may well have two
//! debtors called "John Smith": written as they are, the second would overwrite the first one's contact number
//! and both would post to one Xero account. So before contacts are written, the names they take are looked up
//! (`Name.ToLower()`, as Xero's `==` is case-sensitive), and a name another record holds is either refused or,
//! when the administrator chose `contact_names: "add_code"`, made unique as "Name (CODE)".

use super::engine::{Ctx, fetch_values, lookup_chunks, or_where};
use super::map::member;
use super::schema::RecordError;
use crate::config::ContactNames;
use crate::error::{Error, ErrorCode};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

/// One contact about to be written.
pub struct Planned<'a> {
    /// The ERP code (our key, Xero's `ContactNumber`).
    pub key: &'a str,
    /// The name as the ERP gave it.
    pub name: &'a str,
    /// Its Xero id when the write is an update.
    pub xero_id: Option<&'a str>,
}

/// What becomes of one planned write.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    /// Written under its own name.
    Keep,
    /// Written under its own name, taking over a contact typed in Xero under that name without a number.
    TakeOver { warning: String },
    /// Written as `name` ("Name (CODE)").
    Rename { name: String, warning: String },
    /// Not written: the name belongs to another record.
    Refuse(RecordError),
}

/// "Name (CODE)": the name a record gets when another record holds its own.
fn with_code(name: &str, key: &str) -> String {
    format!("{name} ({key})")
}

/// Active Xero contacts holding any of `names` (compared lower-cased).
fn holders(ctx: &Ctx<'_>, names: &[String]) -> Result<Vec<Value>, Error> {
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let mut out = Vec::new();
    for chunk in lookup_chunks(&names, |n| n.len() * 3 + 30) {
        let q = vec![("where".to_string(), or_where("Name.ToLower()", &chunk))];
        out.extend(fetch_values(ctx, "looking up contact names", "/Contacts", q, "Contacts", true)?);
    }
    Ok(out)
}

/// Decides, for each planned write in order, under which name it may go to Xero. `claimed` holds the Xero ids
/// the ledger or this push already gives to a record (lower case): a contact among them belongs to that record.
pub fn check(
    ctx: &Ctx<'_>,
    planned: &[Planned<'_>],
    claimed: &HashSet<String>,
    mode: ContactNames,
) -> Result<Vec<Verdict>, Error> {
    if planned.is_empty() {
        return Ok(Vec::new());
    }
    let in_xero = holders_by_name(ctx, &names_wanted(planned, mode))?;
    // Names this push gives out, lower case → the ERP code that takes it.
    let mut taken: HashMap<String, &str> = HashMap::new();
    let mut out = Vec::with_capacity(planned.len());
    for p in planned {
        let own = |name: &str| holder_of(name, p, &in_xero, &taken, claimed);
        let verdict = match own(p.name) {
            Holder::Nobody => Verdict::Keep,
            Holder::Unnumbered => Verdict::TakeOver {
                warning: format!(
                    "Xero had a contact named \"{}\" without a contact number, typed in by hand; it is now this \
                     record's contact",
                    p.name
                ),
            },
            Holder::Other(other) => match mode {
                ContactNames::Refuse => Verdict::Refuse(refusal(p, &other)),
                ContactNames::AddCode => {
                    let name = with_code(p.name, p.key);
                    match own(&name) {
                        Holder::Nobody => Verdict::Rename {
                            warning: format!(
                                "named \"{name}\" in Xero: {other} holds \"{}\" and Xero keeps contact names unique",
                                p.name
                            ),
                            name,
                        },
                        Holder::Unnumbered | Holder::Other(_) => Verdict::Refuse(refusal(p, &other)),
                    }
                }
            },
        };
        let given = match &verdict {
            Verdict::Rename { name, .. } => Some(name.as_str()),
            Verdict::Refuse(_) => None,
            _ => Some(p.name),
        };
        if let Some(name) = given {
            taken.insert(name.to_lowercase(), p.key);
        }
        out.push(verdict);
    }
    Ok(out)
}

/// The names (lower case, once each) the planned contacts may take: their own, and with `add_code` the renamed one.
fn names_wanted(planned: &[Planned<'_>], mode: ContactNames) -> Vec<String> {
    let mut wanted: Vec<String> = Vec::new();
    for p in planned {
        wanted.push(p.name.to_lowercase());
        if mode == ContactNames::AddCode {
            wanted.push(with_code(p.name, p.key).to_lowercase());
        }
    }
    wanted.sort_unstable();
    wanted.dedup();
    wanted
}

/// The contacts Xero holds under `wanted` names, by name in lower case.
fn holders_by_name(ctx: &Ctx<'_>, wanted: &[String]) -> Result<HashMap<String, Vec<Value>>, Error> {
    let mut in_xero: HashMap<String, Vec<Value>> = HashMap::new();
    for h in holders(ctx, wanted)? {
        if let Some(n) = member(&h, "Name") {
            in_xero.entry(n.to_lowercase()).or_default().push(h);
        }
    }
    Ok(in_xero)
}

enum Holder {
    Nobody,
    /// A contact typed in Xero without a contact number, that no record claims.
    Unnumbered,
    /// Another record, described for a message.
    Other(String),
}

fn holder_of(
    name: &str,
    p: &Planned<'_>,
    in_xero: &HashMap<String, Vec<Value>>,
    taken: &HashMap<String, &str>,
    claimed: &HashSet<String>,
) -> Holder {
    let lower = name.to_lowercase();
    if let Some(key) = taken.get(&lower).filter(|k| !k.eq_ignore_ascii_case(p.key)) {
        return Holder::Other(format!("ERP code \"{key}\", earlier in this push,"));
    }
    let mut unnumbered = false;
    for h in in_xero.get(&lower).into_iter().flatten() {
        let id = member(h, "ContactID").unwrap_or_default().to_lowercase();
        if p.xero_id.is_some_and(|mine| mine.eq_ignore_ascii_case(&id)) {
            continue;
        }
        match member(h, "ContactNumber").filter(|n| !n.trim().is_empty()) {
            Some(number) if number.eq_ignore_ascii_case(p.key) => continue,
            Some(number) => return Holder::Other(format!("the Xero contact of ERP code \"{number}\"")),
            None if claimed.contains(&id) || p.xero_id.is_some() => {
                return Holder::Other(format!("another Xero contact (id {id}, no contact number)"));
            }
            None => unnumbered = true,
        }
    }
    if unnumbered { Holder::Unnumbered } else { Holder::Nobody }
}

fn refusal(p: &Planned<'_>, other: &str) -> RecordError {
    RecordError {
        code: ErrorCode::Conflict,
        message: format!(
            "{other} already holds the name \"{}\" in Xero, which keeps contact names unique (ignoring case) and \
             would merge the two: give \"{}\" a name of its own in the ERP, or set the connection's \
             contact_names to \"add_code\" to have it named \"{}\" in Xero",
            p.name,
            p.key,
            with_code(p.name, p.key)
        ),
        path: None,
    }
}
