//! The organisation's invoices and credit notes, indexed by id and by number: Xero answers as fast with 100,000
//! documents as with ten, and so must the simulator (a linear scan per check made large benchmarks crawl).

use super::model::{Doc, DocKind};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Debug, Clone, Default)]
pub struct DocStore {
    all: Vec<Doc>,
    by_id: HashMap<Uuid, usize>,
    /// (kind, number in ASCII lower case) → positions in `all`, oldest first. Empty numbers are not indexed.
    by_number: HashMap<(DocKind, String), Vec<usize>>,
}

impl DocStore {
    /// Every document, oldest first.
    pub fn iter(&self) -> std::slice::Iter<'_, Doc> {
        self.all.iter()
    }

    pub fn get(&self, id: Uuid) -> Option<&Doc> {
        self.by_id.get(&id).map(|&i| &self.all[i])
    }

    /// A document to change in place; its number must stay as it is (a new number goes through [`Self::replace`]).
    pub fn get_mut(&mut self, id: Uuid) -> Option<&mut Doc> {
        self.by_id.get(&id).map(|&i| &mut self.all[i])
    }

    /// Documents of `kind` numbered `number` (ASCII case ignored, as Xero compares them), oldest first.
    pub fn with_number<'a>(&'a self, kind: DocKind, number: &str) -> impl Iterator<Item = &'a Doc> + 'a {
        let number = number.to_owned();
        self.by_number
            .get(&(kind, number.to_ascii_lowercase()))
            .into_iter()
            .flatten()
            .map(|&i| &self.all[i])
            .filter(move |d| d.number.eq_ignore_ascii_case(&number))
    }

    pub fn push(&mut self, doc: Doc) {
        let at = self.all.len();
        self.by_id.insert(doc.id, at);
        self.index_number(&doc, at);
        self.all.push(doc);
    }

    /// Puts `doc` in place of the stored document with its id (number changes included).
    pub fn replace(&mut self, doc: Doc) {
        let Some(&at) = self.by_id.get(&doc.id) else { return self.push(doc) };
        let old = &self.all[at];
        if old.number != doc.number {
            if let Some(list) = self.by_number.get_mut(&(old.kind, old.number.to_ascii_lowercase())) {
                list.retain(|&i| i != at);
            }
            self.index_number(&doc, at);
        }
        self.all[at] = doc;
    }

    fn index_number(&mut self, doc: &Doc, at: usize) {
        if !doc.number.is_empty() {
            let list = self.by_number.entry((doc.kind, doc.number.to_ascii_lowercase())).or_default();
            list.push(at);
            list.sort_unstable();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use rust_decimal::Decimal;

    fn doc(kind: DocKind, number: &str) -> Doc {
        Doc {
            kind,
            id: Uuid::new_v4(),
            typ: "ACCREC".into(),
            contact_id: Uuid::new_v4(),
            number: number.into(),
            reference: None,
            date: NaiveDate::from_ymd_opt(2026, 11, 26).unwrap(),
            due_date: None,
            line_amount_types: "Exclusive".into(),
            currency_code: "AUD".into(),
            currency_rate: Decimal::ONE,
            status: "DRAFT".into(),
            lines: Vec::new(),
            sub_total: Decimal::ZERO,
            total_tax: Decimal::ZERO,
            total: Decimal::ZERO,
            total_discount: Decimal::ZERO,
            amount_paid: Decimal::ZERO,
            amount_credited: Decimal::ZERO,
            url: None,
            branding_theme_id: None,
            sent_to_contact: false,
            expected_payment_date: None,
            planned_payment_date: None,
            fully_paid_on: None,
            updated_ms: 0,
            warnings: Vec::new(),
        }
    }

    #[test]
    fn finds_by_id_and_by_number_of_its_kind_ignoring_case() {
        let mut store = DocStore::default();
        let (a, b, c) =
            (doc(DocKind::Invoice, "INV-1"), doc(DocKind::Invoice, "inv-1"), doc(DocKind::CreditNote, "INV-1"));
        let ids = (a.id, b.id, c.id);
        for d in [a, b, c, doc(DocKind::Invoice, "")] {
            store.push(d);
        }
        assert_eq!(store.get(ids.1).unwrap().number, "inv-1");
        let found: Vec<Uuid> = store.with_number(DocKind::Invoice, "Inv-1").map(|d| d.id).collect();
        assert_eq!(found, vec![ids.0, ids.1], "both invoices, oldest first, not the credit note");
        assert_eq!(store.with_number(DocKind::CreditNote, "inv-1").map(|d| d.id).collect::<Vec<_>>(), vec![ids.2]);
        assert_eq!(store.with_number(DocKind::Invoice, "").count(), 0, "no number, no match");
        assert_eq!(store.iter().count(), 4);
    }

    #[test]
    fn a_replaced_document_is_found_under_its_new_number_only() {
        let mut store = DocStore::default();
        let mut d = doc(DocKind::Invoice, "OLD-1");
        store.push(d.clone());
        d.number = "NEW-1".into();
        store.replace(d.clone());
        assert_eq!(store.with_number(DocKind::Invoice, "OLD-1").count(), 0);
        assert_eq!(store.with_number(DocKind::Invoice, "new-1").next().unwrap().id, d.id);
        assert_eq!(store.iter().count(), 1);
    }
}
