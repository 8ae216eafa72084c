//! A Xero element serialised once: the same bytes are hashed for the ledger, measured for batching and sent.

use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;

/// One Xero element (a JSON object) as its request text.
#[derive(Debug, Clone)]
pub struct Element(Box<RawValue>);

impl Element {
    /// `v` as an element; `v` serialises to a JSON object (every Xero wire type does).
    pub fn of<T: Serialize + ?Sized>(v: &T) -> Element {
        Element(serde_json::value::to_raw_value(v).expect("Xero wire types always serialise"))
    }

    /// The JSON text, as sent.
    pub fn json(&self) -> &str {
        self.0.get()
    }

    /// The element as a value, to compare with what Xero holds (rare: records the ledger does not settle).
    pub fn value(&self) -> Value {
        serde_json::from_str(self.json()).expect("an element is JSON we wrote")
    }

    /// A stable fingerprint of what is pushed for a record of `kind`: equal elements, equal hashes.
    pub fn hash(&self, kind: &str) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(kind.as_bytes());
        h.update([0u8]);
        h.update(self.json().as_bytes());
        hex::encode(h.finalize())
    }

    /// The element with the string member `field` set to `value` first (an update names the record it changes by
    /// its id); ours wins over a member of the same name from the host's pass-through.
    pub fn with_member(&self, field: &str, value: &str) -> Element {
        let text = self.json();
        let quoted_field = format!("\"{field}\"");
        if text.contains(&quoted_field) {
            let mut v = self.value();
            if let Some(obj) = v.as_object_mut() {
                obj.insert(field.to_owned(), Value::String(value.to_owned()));
            }
            return Element::of(&v);
        }
        // `{"Field":"id",` followed by the members: no parse, no copy of the value tree.
        let rest = text.strip_prefix('{').expect("an element is a JSON object").trim_start();
        let value = serde_json::to_string(value).expect("a string always serialises");
        let sep = if rest.starts_with('}') { "" } else { "," };
        let joined = format!("{{{quoted_field}:{value}{sep}{rest}");
        Element(RawValue::from_string(joined).expect("an element with an id member is JSON"))
    }
}

/// The body `{"<collection>":[e1,e2,...]}` of a batch write, from the elements' own text.
pub fn batch_body<'e>(collection: &str, elements: impl Iterator<Item = &'e Element>) -> Vec<u8> {
    let mut body = Vec::with_capacity(4096);
    body.extend_from_slice(b"{");
    body.extend_from_slice(serde_json::to_string(collection).expect("a string always serialises").as_bytes());
    body.extend_from_slice(b":[");
    for (n, el) in elements.enumerate() {
        if n > 0 {
            body.push(b',');
        }
        body.extend_from_slice(el.json().as_bytes());
    }
    body.extend_from_slice(b"]}");
    body
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn with_member_puts_the_id_first_and_keeps_every_member() {
        let el = Element::of(&json!({"Name": "A \"quoted\" name", "Lines": [1, 2]}));
        let updated = el.with_member("ContactID", "abc-1");
        assert_eq!(updated.value(), json!({"ContactID": "abc-1", "Name": "A \"quoted\" name", "Lines": [1, 2]}));
        assert_eq!(Element::of(&json!({})).with_member("ItemID", "x").value(), json!({"ItemID": "x"}));
    }

    #[test]
    fn with_member_overrides_an_id_from_the_pass_through() {
        let el = Element::of(&json!({"InvoiceID": "host-said", "Type": "ACCREC"}));
        let v = el.with_member("InvoiceID", "ours").value();
        assert_eq!(v, json!({"InvoiceID": "ours", "Type": "ACCREC"}));
    }

    #[test]
    fn equal_elements_hash_equal_and_kinds_do_not_collide() {
        let a = Element::of(&json!({"Code": "W1", "Name": "Widget"}));
        let b = Element::of(&json!({"Code": "W1", "Name": "Widget"}));
        let c = Element::of(&json!({"Code": "W1", "Name": "Widget 2"}));
        assert_eq!(a.hash("item"), b.hash("item"));
        assert_ne!(a.hash("item"), c.hash("item"));
        assert_ne!(a.hash("item"), a.hash("contact"));
    }

    #[test]
    fn a_batch_body_is_the_collection_of_the_elements() {
        let els = [Element::of(&json!({"A": 1})), Element::of(&json!({"B": "2.50"}))];
        let body: Value = serde_json::from_slice(&batch_body("Invoices", els.iter())).unwrap();
        assert_eq!(body, json!({"Invoices": [{"A": 1}, {"B": "2.50"}]}));
    }
}
