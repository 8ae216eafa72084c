//! The ERP's credit notes in the model-based push test: sales ones for debtors, purchase ones from creditors,
//! with lines as invoices have, authorised or draft, and up to two allocations each to the ERP's authorised
//! invoices of the same side and contact.
//!
//! An allocation is made once and never changed, as Xero never changes one (it can only be deleted: "Allocations"
//! on developer.xero.com/documentation/api/accounting/creditnotes), and its amount fits both the credit note's
//! remaining credit and the invoice's amount due in the ERP, since Xero refuses more than either.

use super::erp::{CREDITORS, DEBTORS, Erp, Invoice, LineChoice, dec, invoice_json, pick};
use rust_decimal::Decimal;
use serde_json::{Value, json};

/// Sales credit notes, in mixed case as the other keys.
pub const SALES_CREDIT_NOTES: [&str; 3] = ["CN-1", "Cn-2", "cn-3"];
/// Purchase credit notes; the `i`th always comes from `CREDITORS[i % 2]`, as bills do (a supplier's number).
pub const PURCHASE_CREDIT_NOTES: [&str; 2] = ["SCN-1", "Scn-2"];
const ALLOCATION_AMOUNTS: [&str; 3] = ["2.00", "15.50", "60.00"];
/// The most allocations a credit note has.
const MAX_ALLOCATIONS: usize = 2;

/// The credit note numbers of both types, sales first.
pub fn credit_note_numbers() -> impl Iterator<Item = &'static str> {
    SALES_CREDIT_NOTES.iter().chain(PURCHASE_CREDIT_NOTES.iter()).copied()
}

#[derive(Debug, Clone, PartialEq)]
pub struct CreditNote {
    /// Its side, contact, status and lines, as an invoice's.
    pub doc: Invoice,
    /// (invoice number, amount), in the order the ERP made them; one per invoice.
    pub allocations: Vec<(String, String)>,
}

impl CreditNote {
    /// The credit the ERP allocated.
    pub fn allocated(&self) -> Decimal {
        self.allocations.iter().map(|(_, a)| dec(a)).sum()
    }
}

impl Erp {
    /// A new credit note, or new lines (and debtor, status) for one the ERP has. An allocated credit note keeps
    /// its contact, and lines that would leave less credit than it allocated are not taken; an authorised one
    /// stays authorised.
    pub fn upsert_credit_note(&mut self, slot: u8, contact: u8, lines: &[LineChoice], authorise: bool) -> String {
        let numbers: Vec<&str> = credit_note_numbers().collect();
        let i = slot as usize % numbers.len();
        let number = numbers[i];
        let sales = i < SALES_CREDIT_NOTES.len();
        let old = self.credit_notes.get(number).cloned();
        let allocations = old.as_ref().map(|cn| cn.allocations.clone()).unwrap_or_default();
        let contact = match (&old, sales) {
            (Some(cn), _) if !allocations.is_empty() => cn.doc.contact.clone(),
            // Mostly a debtor the ERP invoiced, as a credit note is mostly for something sold.
            (_, true) => {
                let mut invoiced: Vec<&str> =
                    self.invoices.values().filter(|i| i.sales).map(|i| i.contact.as_str()).collect();
                invoiced.sort_unstable();
                invoiced.dedup();
                match contact {
                    0 | 1 if !invoiced.is_empty() => pick(&invoiced, contact),
                    _ => pick(&DEBTORS, contact),
                }
                .to_owned()
            }
            (_, false) => CREDITORS[(i - SALES_CREDIT_NOTES.len()) % CREDITORS.len()].to_owned(),
        };
        let mut added = Vec::new();
        let lines = self.lines_for(&contact, sales, lines, &mut added);
        let authorised = authorise || old.as_ref().is_some_and(|cn| cn.doc.authorised);
        let cn = CreditNote { doc: Invoice { sales, contact, authorised, lines }, allocations };
        if cn.doc.total() < cn.allocated() {
            added.push(format!("{number}: lines totalling {} would leave less than allocated: kept", cn.doc.total()));
            return added.join("; ");
        }
        let note = format!("{number}: {cn:?}");
        self.credit_notes.insert(number.to_owned(), cn);
        added.push(format!("{} {note}", if old.is_some() { "edited" } else { "new" }));
        added.join("; ")
    }

    /// The ERP allocates the `slot`th of its authorised credit notes that have room for another allocation and
    /// an invoice to take it to the `invoice`th of those invoices (authorised, of the same side and contact, with
    /// something due, not allocated to by the credit note yet), of at most what both have outstanding.
    pub fn allocate(&mut self, slot: u8, invoice: u8, amount: u8) -> String {
        let open: Vec<(String, Vec<String>)> = (self.credit_notes.iter())
            .filter(|(_, cn)| cn.doc.authorised && cn.allocations.len() < MAX_ALLOCATIONS)
            .map(|(n, cn)| (n.clone(), self.allocatable(cn)))
            .filter(|(_, invoices)| !invoices.is_empty())
            .collect();
        let Some((number, invoices)) = open.get(slot as usize % open.len().max(1)).cloned() else {
            return "no authorised credit note with an invoice to allocate to".into();
        };
        let target = pick(&invoices.iter().map(String::as_str).collect::<Vec<_>>(), invoice).to_owned();
        let cn = &self.credit_notes[&number];
        let room = (cn.doc.total() - cn.allocated()).min(self.due(&target));
        let amount = dec(pick(&ALLOCATION_AMOUNTS, amount)).min(room);
        if amount <= Decimal::ZERO {
            return format!("{number}: no credit left to allocate to {target}");
        }
        let cn = self.credit_notes.get_mut(&number).expect("listed");
        cn.allocations.push((target.clone(), amount.to_string()));
        format!("{number} allocates {amount} to {target}")
    }

    /// The ERP's invoices credit note `cn` may be allocated to.
    fn allocatable(&self, cn: &CreditNote) -> Vec<String> {
        (self.invoices.iter())
            .filter(|(_, i)| i.authorised && i.sales == cn.doc.sales && i.contact == cn.doc.contact)
            .filter(|(n, _)| !cn.allocations.iter().any(|(a, _)| a == *n) && self.due(n) > Decimal::ZERO)
            .map(|(n, _)| n.clone())
            .collect()
    }

    pub fn credit_notes_json(&self) -> Vec<Value> {
        self.credit_notes
            .iter()
            .map(|(number, cn)| {
                let mut request = invoice_json(number, &cn.doc);
                request.as_object_mut().expect("an object").remove("due_date");
                let allocations: Vec<Value> = cn
                    .allocations
                    .iter()
                    .map(|(invoice, amount)| json!({"invoice": invoice, "amount": amount}))
                    .collect();
                if !allocations.is_empty() {
                    request["allocations"] = json!(allocations);
                }
                request
            })
            .collect()
    }
}
