//! The ERP of the model-based push test: a few debtors, creditors, items, sales invoices and bills, payments (and
//! credit notes: [`super::credit`]), each in its current state, edited at random; the push requests a host makes from
//! them; and what Xero should then hold. Every edit is given as small numbers (slots and choices) read against the
//! current state, so any sequence of edits is valid and a shrunk sequence still means something.

use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::str::FromStr;

pub use super::credit::{CreditNote, credit_note_numbers};

/// Keys as an ERP writes them, in mixed case: Xero's `where` equality is case-sensitive (calcinai/xero-php#416),
/// item codes are unique in Xero whatever their case.
pub const DEBTORS: [&str; 3] = ["D1", "Deb-b2", "dEb3"];
pub const CREDITORS: [&str; 2] = ["C1", "Sup-b2"];
pub const ITEMS: [&str; 3] = ["BEAM-6M", "Bolt-m8", "nut"];
pub const SALES_INVOICES: [&str; 4] = ["SI-1", "Si-2", "si-3", "SI-4"];
/// Bills; bill `i` always comes from `CREDITORS[i % 2]`: a bill's number is its supplier's, so Xero finds a bill
/// by number and supplier, and a bill that changed supplier would be another document.
pub const BILLS: [&str; 3] = ["BILL-1", "Bill-2", "bill-3"];
/// Payments, by the ERP's payment id (also sent as the payment's reference, which is how Xero shows it).
pub const PAYMENTS: [&str; 4] = ["PAY-1", "Pay-2", "pay-3", "PAY-4"];

const NAME_VARIANTS: [&str; 3] = ["Ltd", "Pty Ltd", "Group"];
const ITEM_PRICES: [&str; 3] = ["19.995", "12.40", "7"];
/// Quantities and unit prices of lines: up to 4 decimal places, so line amounts need Xero's rounding.
const QUANTITIES: [&str; 4] = ["1", "2", "1.5", "0.25"];
const PRICES: [&str; 5] = ["19.995", "12.40", "7", "100.01", "0.333"];
const PAYMENT_AMOUNTS: [&str; 3] = ["1.00", "5.50", "40.00"];

/// Which kind of record a key names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Contact,
    Item,
    Invoice,
    CreditNote,
    Payment,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    pub debtor: bool,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub name: String,
    pub price: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub item: Option<String>,
    pub description: String,
    pub quantity: &'static str,
    pub unit_price: &'static str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Invoice {
    pub sales: bool,
    /// The debtor's or creditor's code.
    pub contact: String,
    pub authorised: bool,
    pub lines: Vec<Line>,
}

/// A payment on an invoice or bill: made once, never changed (Xero never changes a payment).
#[derive(Debug, Clone, PartialEq)]
pub struct Payment {
    pub invoice: String,
    pub sales: bool,
    pub amount: String,
}

impl Line {
    /// Xero's line amount: quantity × unit price, rounded to the cent half away from zero.
    pub fn amount(&self) -> Decimal {
        let product = dec(self.quantity) * dec(self.unit_price);
        product.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    }
}

impl Invoice {
    /// The total of a document without tax (`amounts: no_tax`): the sum of its line amounts.
    pub fn total(&self) -> Decimal {
        self.lines.iter().map(Line::amount).sum()
    }
}

pub fn dec(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// A line as generated: an item slot (`None`: no item), a quantity choice, a price choice.
pub type LineChoice = (Option<u8>, u8, u8);

/// The ERP's records as they stand now.
#[derive(Debug, Default, Clone)]
pub struct Erp {
    pub contacts: BTreeMap<String, Contact>,
    pub items: BTreeMap<String, Item>,
    pub invoices: BTreeMap<String, Invoice>,
    pub credit_notes: BTreeMap<String, CreditNote>,
    pub payments: BTreeMap<String, Payment>,
}

pub(super) fn pick<T: Copy>(pool: &[T], slot: u8) -> T {
    pool[slot as usize % pool.len()]
}

/// The invoice numbers of both types, sales first.
pub fn invoice_numbers() -> impl Iterator<Item = &'static str> {
    SALES_INVOICES.iter().chain(BILLS.iter()).copied()
}

impl Erp {
    /// A new debtor or creditor, or a new name for one the ERP has. Names carry the code, so no two ERP
    /// contacts ever want one Xero name.
    pub fn upsert_contact(&mut self, slot: u8, variant: u8) -> String {
        let codes: Vec<&str> = DEBTORS.iter().chain(CREDITORS.iter()).copied().collect();
        let code = pick(&codes, slot);
        let name = format!("{code} {}", pick(&NAME_VARIANTS, variant));
        let debtor = DEBTORS.contains(&code);
        let old = self.contacts.insert(code.to_owned(), Contact { debtor, name: name.clone() });
        format!("{} contact {code} named {name:?}", if old.is_some() { "edited" } else { "new" })
    }

    pub fn upsert_item(&mut self, slot: u8, variant: u8) -> String {
        let code = pick(&ITEMS, slot);
        let item =
            Item { name: format!("{code} {}", pick(&NAME_VARIANTS, variant)), price: pick(&ITEM_PRICES, variant) };
        let note = format!("item {code}: {item:?}");
        let old = self.items.insert(code.to_owned(), item);
        format!("{} {note}", if old.is_some() { "edited" } else { "new" })
    }

    /// A new sales invoice or bill, or new lines (and debtor, status) for one the ERP has. A debtor, creditor or
    /// item it names that the ERP lacks is added first, as an ERP adds the customer of a new order. An authorised
    /// document stays authorised (Xero never takes one back to draft).
    pub fn upsert_invoice(&mut self, slot: u8, contact: u8, lines: &[LineChoice], authorise: bool) -> String {
        let numbers: Vec<&str> = invoice_numbers().collect();
        let i = slot as usize % numbers.len();
        let number = numbers[i];
        let sales = i < SALES_INVOICES.len();
        let contact = match sales {
            true => pick(&DEBTORS, contact),
            false => CREDITORS[(i - SALES_INVOICES.len()) % CREDITORS.len()],
        };
        // An invoice with credit allocated keeps its debtor: the credit is the debtor's.
        let contact = match self.credited(number) > Decimal::ZERO {
            true => self.invoices.get(number).map_or(contact, |old| old.contact.as_str()).to_owned(),
            false => contact.to_owned(),
        };
        let mut added = Vec::new();
        let lines = self.lines_for(&contact, sales, lines, &mut added);
        let authorised = authorise || self.invoices.get(number).is_some_and(|old| old.authorised);
        let invoice = Invoice { sales, contact, authorised, lines };
        let note = format!("{number}: {invoice:?}");
        let old = self.invoices.insert(number.to_owned(), invoice);
        added.push(format!("{} {note}", if old.is_some() { "edited" } else { "new" }));
        added.join("; ")
    }

    /// The lines of a document of `contact` as generated, adding the contact and items the ERP lacks first (as an
    /// ERP adds the customer of a new order), with what was added.
    pub fn lines_for(
        &mut self,
        contact: &str,
        sales: bool,
        lines: &[LineChoice],
        added: &mut Vec<String>,
    ) -> Vec<Line> {
        if !self.contacts.contains_key(contact) {
            let slot = DEBTORS.iter().chain(CREDITORS.iter()).position(|c| *c == contact).unwrap_or(0) as u8;
            added.push(self.upsert_contact(slot, 0));
        }
        let lines: Vec<Line> = lines
            .iter()
            .enumerate()
            .map(|(j, (item, quantity, price))| Line {
                // Purchase documents carry no item lines: an item bought needs purchase details the model's items
                // lack.
                item: item.filter(|_| sales).map(|s| pick(&ITEMS, s).to_owned()),
                description: format!("Line {}", j + 1),
                quantity: pick(&QUANTITIES, *quantity),
                unit_price: pick(&PRICES, *price),
            })
            .collect();
        for code in lines.iter().filter_map(|l| l.item.clone()) {
            if !self.items.contains_key(&code) {
                let slot = ITEMS.iter().position(|i| *i == code).unwrap_or(0) as u8;
                added.push(self.upsert_item(slot, 0));
            }
        }
        lines
    }

    /// What the ERP has outstanding on invoice `number`: its total less its payments and the credit allocated to it.
    pub fn due(&self, number: &str) -> Decimal {
        let Some(inv) = self.invoices.get(number) else { return Decimal::ZERO };
        let paid: Decimal = self.payments.values().filter(|p| p.invoice == number).map(|p| dec(&p.amount)).sum();
        inv.total() - paid - self.credited(number)
    }

    /// The credit the ERP's credit notes allocate to invoice `number`.
    pub fn credited(&self, number: &str) -> Decimal {
        let allocations = self.credit_notes.values().flat_map(|cn| &cn.allocations);
        allocations.filter(|(invoice, _)| invoice == number).map(|(_, amount)| dec(amount)).sum()
    }

    /// The ERP records a payment on one of its authorised invoices (the `invoice`th), of at most what the ERP
    /// has outstanding on it. A payment the ERP has is never changed.
    pub fn record_payment(&mut self, slot: u8, invoice: u8, amount: u8) -> String {
        let id = pick(&PAYMENTS, slot);
        if self.payments.contains_key(id) {
            return format!("{id} is made already");
        }
        let authorised: Vec<(&String, &Invoice)> = self.invoices.iter().filter(|(_, i)| i.authorised).collect();
        let Some((number, inv)) = authorised.get(invoice as usize % authorised.len().max(1)) else {
            return "no authorised invoice to pay".into();
        };
        let amount = dec(pick(&PAYMENT_AMOUNTS, amount)).min(self.due(number));
        if amount <= Decimal::ZERO {
            return format!("{number} is paid in full");
        }
        let payment = Payment { invoice: (*number).clone(), sales: inv.sales, amount: amount.to_string() };
        let note = format!("new {id}: {payment:?}");
        self.payments.insert(id.to_owned(), payment);
        note
    }

    /// The ERP deletes a record (Xero keeps it: the library deletes nothing). A contact, item or invoice another
    /// record of the ERP still uses is kept, and so is a credit note allocated (its allocations are its own).
    pub fn forget(&mut self, kind: Kind, slot: u8) -> String {
        let key = match kind {
            Kind::Contact => pick(&[DEBTORS.as_slice(), CREDITORS.as_slice()].concat(), slot),
            Kind::Item => pick(&ITEMS, slot),
            Kind::Invoice => pick(&invoice_numbers().collect::<Vec<_>>(), slot),
            Kind::CreditNote => pick(&credit_note_numbers().collect::<Vec<_>>(), slot),
            Kind::Payment => pick(&PAYMENTS, slot),
        };
        let mut documents = self.invoices.values().chain(self.credit_notes.values().map(|cn| &cn.doc));
        let used = documents.any(|doc| {
            (kind == Kind::Contact && doc.contact == key)
                || (kind == Kind::Item && doc.lines.iter().any(|l| l.item.as_deref() == Some(key)))
        }) || (kind == Kind::Invoice
            && (self.payments.values().any(|p| p.invoice == key) || self.credited(key) > Decimal::ZERO))
            || (kind == Kind::CreditNote && self.credit_notes.get(key).is_some_and(|cn| !cn.allocations.is_empty()));
        if used {
            return format!("{key} is in use: kept");
        }
        let gone = match kind {
            Kind::Contact => self.contacts.remove(key).is_some(),
            Kind::Item => self.items.remove(key).is_some(),
            Kind::Invoice => self.invoices.remove(key).is_some(),
            Kind::CreditNote => self.credit_notes.remove(key).is_some(),
            Kind::Payment => self.payments.remove(key).is_some(),
        };
        format!("{key} {}", if gone { "deleted from the ERP" } else { "was not in the ERP" })
    }

    pub fn contacts_json(&self) -> Vec<Value> {
        let role = |c: &Contact| if c.debtor { "debtor" } else { "creditor" };
        self.contacts.iter().map(|(code, c)| json!({"code": code, "role": role(c), "name": c.name})).collect()
    }

    pub fn items_json(&self) -> Vec<Value> {
        self.items.iter().map(|(code, i)| json!({"code": code, "name": i.name, "sales_price": i.price})).collect()
    }

    pub fn invoices_json(&self) -> Vec<Value> {
        self.invoices.iter().map(|(number, inv)| invoice_json(number, inv)).collect()
    }

    pub fn payments_json(&self) -> Vec<Value> {
        let side = |p: &Payment| if p.sales { "sales" } else { "purchase" };
        self.payments
            .iter()
            .map(|(id, p)| {
                json!({"id": id, "type": side(p), "invoice": p.invoice, "amount": p.amount, "date": "2026-11-26",
                       "bank_account": "090", "reference": id})
            })
            .collect()
    }
}

pub(super) fn invoice_json(number: &str, inv: &Invoice) -> Value {
    let lines: Vec<Value> = inv
        .lines
        .iter()
        .map(|l| {
            let mut line = json!({"description": l.description, "quantity": l.quantity, "unit_price": l.unit_price});
            if let Some(item) = &l.item {
                line["item"] = json!(item);
            }
            line
        })
        .collect();
    let (kind, who) = if inv.sales { ("sales", "debtor") } else { ("purchase", "creditor") };
    json!({"number": number, "type": kind, who: inv.contact, "date": "2026-11-25", "due_date": "2026-12-25",
           "amounts": "no_tax", "status": if inv.authorised { "authorised" } else { "draft" }, "lines": lines})
}
