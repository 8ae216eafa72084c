//! What a kind of record is in Xero ([`Spec`], declared by each kind with its [`Finder`]), one record ready to
//! push ([`Candidate`]), and the results built from what Xero answered.

use super::super::element::Element;
use super::super::map::{RefCheck, member, member_decimal};
use super::super::schema::{DocumentTotals, Outcome, RecordError, RecordResult};
use crate::error::{Error, ErrorCode};
use crate::store::ledger::Entry;
use crate::xero::DocType;
use serde_json::Value;
use std::sync::Arc;

/// Separates the parts of a composite natural key.
pub const SEP: char = '\u{1f}';

/// One record ready to push.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub index: usize,
    /// The ERP key (ledger key).
    pub key: String,
    /// The Xero element as it is to be sent, without its Xero id.
    pub element: Element,
    pub hash: String,
    /// How Xero finds it when the ledger does not know it, as the ERP wrote it (see [`Finder`]): Xero's `where`
    /// equality is case-sensitive, so a lower-cased key would never find `D0001` (calcinai/xero-php#416,
    /// freakboy3742/pyxero#172). What is found is matched back by [`Candidate::matching`].
    pub natural: String,
    pub refs: Vec<RefCheck>,
}

impl Candidate {
    /// The natural key as found elements are matched against it ([`Spec::natural_of`]): lower case, since a
    /// lookup that ignores case (item codes) may find the record under another case.
    pub fn matching(&self) -> String {
        self.natural.to_lowercase()
    }
}

/// One GET that finds records of a kind.
#[derive(Debug, Clone)]
pub struct Query {
    /// For messages: "looking up contacts".
    pub what: &'static str,
    pub path: String,
    /// The member of Xero's answer that holds the elements, e.g. `Contacts`.
    pub collection: &'static str,
    pub params: Vec<(String, String)>,
    pub paged: bool,
    /// Take the elements of this member of each element found instead (a credit note's `Allocations`).
    pub inner: Option<&'static str>,
}

impl Query {
    pub fn new(what: &'static str, path: impl Into<String>, collection: &'static str) -> Query {
        Query { what, path: path.into(), collection, params: Vec::new(), paged: false, inner: None }
    }

    pub fn param(mut self, name: &str, value: impl Into<String>) -> Query {
        self.params.push((name.to_owned(), value.into()));
        self
    }

    pub fn paged(mut self) -> Query {
        self.paged = true;
        self
    }
}

/// How a kind of record is found in Xero: each kind declares it, so the engine holds no kind's rules.
pub trait Finder: Send + Sync + std::fmt::Debug {
    /// The GETs that find the elements with these natural keys (as the ERP wrote them, without repeats).
    fn queries(&self, naturals: &[&str]) -> Vec<Query>;
    /// The natural key of an element found in Xero, lower case as [`Candidate::matching`] is built; `None` when
    /// the element is not of this kind.
    fn natural_of(&self, found: &Value) -> Option<String>;
    /// The GETs that read documents by Xero id with their lines (only documents are read back by id).
    fn by_ids(&self, _ids: &[&str]) -> Vec<Query> {
        Vec::new()
    }
    /// The GETs to use instead when Xero refuses [`Finder::queries`]' filter on a large organisation (its
    /// `HighVolumeException`, XeroAPI/xero-python#148); `None`: the refusal stands.
    fn on_large_organisations(&self, _naturals: &[&str]) -> Option<Vec<Query>> {
        None
    }
    /// Whether a record never sent cannot be in Xero yet (allocations of a credit note this push created), so
    /// there is nothing to look up before its first write.
    fn nothing_before_first_write(&self) -> bool {
        false
    }
    /// For kinds Xero never changes ([`Spec::create_only`]), whose natural key holds many records: why `found`, a
    /// record no ERP record of the ledger holds and that differs from `sent`, is likely `sent` all the same (pushed
    /// with other values before the ledger was lost, or typed in Xero by hand), so that making `sent` beside it
    /// would count it twice. `None`: another record.
    fn likely_same(&self, _sent: &Value, _found: &Value) -> Option<String> {
        None
    }
}

/// What a kind of record is in Xero.
#[derive(Debug, Clone)]
pub struct Spec {
    pub ledger_kind: &'static str,
    /// Write endpoint, e.g. `/Invoices`.
    pub endpoint: String,
    pub collection: &'static str,
    pub id_field: &'static str,
    pub number_field: Option<&'static str>,
    pub status_field: Option<&'static str>,
    /// Send `unitdp=4` (unit prices with 4 decimal places).
    pub unitdp: bool,
    /// Payments and allocations: Xero creates them and never changes them (PUT).
    pub create_only: bool,
    /// Xero refuses a second record with the same natural key (sales invoice numbers, item codes): records the
    /// ledger does not know are created with PUT without looking them up first, and only those Xero refuses are
    /// looked up (a first push needs no lookups; a lost ledger or a record typed in by hand still never
    /// leads to a duplicate).
    pub create_first: bool,
    /// Invoices and credit notes: totals, and Xero's status rules.
    pub document: bool,
    /// Xero's `Type` of the documents of this kind.
    pub xero_type: Option<DocType>,
    pub lookup: Arc<dyn Finder>,
    /// Xero also matches writes of this kind by `Name`, which is not our key (contacts): names another record
    /// holds are checked before writing ([`crate::push::names`]).
    pub unique_names: bool,
    /// The status member and value that make a record usable again (contacts: `ContactStatus` `ACTIVE`): every
    /// update sends it, and a record found archived is restored. The ERP pushing a record means it is in use.
    pub active_status: Option<(&'static str, &'static str)>,
    /// For messages: "contact", "item", "invoice", "bill" ...
    pub noun: &'static str,
}
pub(super) fn error_of(code: ErrorCode, message: impl Into<String>, path: Option<String>) -> RecordError {
    RecordError { code, message: message.into(), path }
}

pub(super) fn call_error(e: &Error) -> RecordError {
    let mut message = e.message.clone();
    if e.retryable {
        message.push_str(" (retryable: push again later)");
    }
    error_of(e.code, message, e.path.clone())
}

/// Xero's totals of a document element.
pub fn totals_of(elem: &Value) -> DocumentTotals {
    DocumentTotals {
        sub_total: member_decimal(elem, "SubTotal"),
        total_tax: member_decimal(elem, "TotalTax"),
        total: member_decimal(elem, "Total"),
        amount_due: member_decimal(elem, "AmountDue").or_else(|| member_decimal(elem, "RemainingCredit")),
    }
}

pub(super) fn totals_json(t: &DocumentTotals) -> String {
    serde_json::to_string(t).unwrap_or_default()
}

pub(super) fn totals_from_json(text: &str) -> Option<DocumentTotals> {
    let v: Value = serde_json::from_str(text).ok()?;
    let d = |k: &str| v.get(k).and_then(Value::as_str).and_then(|s| s.parse().ok());
    Some(DocumentTotals {
        sub_total: d("sub_total"),
        total_tax: d("total_tax"),
        total: d("total"),
        amount_due: d("amount_due"),
    })
}

impl Spec {
    pub(super) fn result_from(&self, c: &Candidate, outcome: Outcome, elem: &Value) -> RecordResult {
        let mut r = RecordResult::new(c.index, c.key.clone(), outcome);
        r.xero_id = member(elem, self.id_field).map(str::to_owned);
        r.number = self.number_field.and_then(|f| member(elem, f)).map(str::to_owned);
        r.xero_status = self.status_field.and_then(|f| member(elem, f)).map(str::to_owned);
        if self.document {
            r.totals = Some(totals_of(elem));
        }
        r
    }

    /// The members of Xero's answer to a write that [`Spec::result_from`] and the write's checks read; the rest
    /// of each element (its lines above all) is skipped unparsed.
    pub(super) fn answer_members(&self) -> Vec<&'static str> {
        let mut keep = vec![self.id_field, "ValidationErrors", "Warnings", "StatusAttributeString"];
        keep.extend(self.number_field);
        keep.extend(self.status_field);
        if self.document {
            keep.extend(["SubTotal", "TotalTax", "Total", "AmountDue", "RemainingCredit"]);
        }
        keep
    }

    pub(super) fn result_from_entry(&self, c: &Candidate, outcome: Outcome, e: &Entry) -> RecordResult {
        let mut r = RecordResult::new(c.index, c.key.clone(), outcome);
        r.xero_id = e.xero_id.clone();
        r.number = e.xero_number.clone();
        r.xero_status = e.xero_status.clone();
        if self.document {
            r.totals = e.totals.as_deref().and_then(totals_from_json);
        }
        r
    }

    /// The natural key of an element found in Xero (lower case), as [`Candidate::matching`] is built.
    pub(super) fn natural_of(&self, found: &Value) -> Option<String> {
        self.lookup.natural_of(found)
    }

    /// Whether Xero still lets us change a record as it stands in Xero (`found`) into `sent`.
    pub(super) fn editable(&self, found: &Value, sent: &Value) -> Editable {
        if !self.document {
            return Editable::Yes { warning: None };
        }
        let noun = self.noun;
        let status = member(found, "Status").unwrap_or("");
        let sent_status = member(sent, "Status").unwrap_or("AUTHORISED");
        if status == "AUTHORISED" && sent_status != "AUTHORISED" {
            return Editable::No(format!(
                "the {noun} is AUTHORISED in Xero and cannot go back to {sent_status}: push it as authorised, or \
                 void it in Xero and push the corrected one under a new number"
            ));
        }
        let zero = rust_decimal::Decimal::ZERO;
        let paid = member_decimal(found, "AmountPaid").unwrap_or(zero) != zero
            || member_decimal(found, "AmountCredited").unwrap_or(zero) != zero
            || (member_decimal(found, "RemainingCredit").is_some()
                && member_decimal(found, "RemainingCredit") != member_decimal(found, "Total"));
        match status {
            "DELETED" | "VOIDED" => Editable::No(format!(
                "the {noun} is {status} in Xero, which keeps its number; push the corrected {noun} under a new number"
            )),
            "PAID" => Editable::No(format!(
                "the {noun} is PAID in Xero and Xero allows no changes to it: to correct it, push a credit note \
                 (or remove its payments in Xero, then push again)"
            )),
            "AUTHORISED" if paid => Editable::No(format!(
                "the {noun} is AUTHORISED in Xero with payments or credit applied, so Xero allows no changes to \
                 its lines or amounts: push a credit note for the difference, or remove the payments in Xero and \
                 push again"
            )),
            "AUTHORISED" => Editable::Yes {
                warning: Some(format!(
                    "the {noun} was AUTHORISED in Xero; it was updated in place (Xero allows this while nothing is \
                     paid or credited)"
                )),
            },
            _ => Editable::Yes { warning: None },
        }
    }
}

/// Whether a record Xero holds may be changed.
pub(super) enum Editable {
    /// Yes, with what the host should know about it.
    Yes { warning: Option<String> },
    /// No: why, and what to do instead.
    No(String),
}
