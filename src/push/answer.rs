//! Reading Xero's answer to a batch write: only the members the push reads are kept. Xero echoes every element
//! whole (lines, contact, tracking, links); building and dropping all of that as `Value`s cost more than the
//! rest of the push, so the rest is skipped by the parser without being built.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// The elements of `{"<collection>": [...]}` (or of Xero's `{"Elements": [...]}` error form), each with the
/// members named in `keep` only. `None` when the body is not such an answer.
pub fn elements(body: &[u8], collection: &str, keep: &[&str]) -> Option<Vec<Value>> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let found = Answer { collection, keep }.deserialize(&mut de).ok()?;
    de.end().ok()?;
    found
}

struct Answer<'k> {
    collection: &'k str,
    keep: &'k [&'k str],
}

impl<'de> DeserializeSeed<'de> for Answer<'_> {
    type Value = Option<Vec<Value>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Answer<'_> {
    type Value = Option<Vec<Value>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "an object with a {} array", self.collection)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut ours, mut elements) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            let slot = match key.as_str() {
                k if k == self.collection => &mut ours,
                "Elements" => &mut elements,
                _ => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
            *slot = map.next_value_seed(Sparse(self.keep))?;
        }
        // Xero names the collection; its error form says `Elements`.
        Ok(ours.or(elements))
    }
}

/// A member name, owned only when it is kept (else empty).
struct Key<'k>(&'k [&'k str]);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a member name")
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
        Ok(if self.0.contains(&v) { v.to_owned() } else { String::new() })
    }
}

/// An array of objects, each reduced to the members in `keep`; `null` or anything but an array is `None`.
struct Sparse<'k>(&'k [&'k str]);

impl<'de> DeserializeSeed<'de> for Sparse<'_> {
    type Value = Option<Vec<Value>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Sparse<'_> {
    type Value = Option<Vec<Value>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of elements")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(el) = seq.next_element_seed(SparseElement(self.0))? {
            out.push(el);
        }
        Ok(Some(out))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(None)
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
}

struct SparseElement<'k>(&'k [&'k str]);

impl<'de> DeserializeSeed<'de> for SparseElement<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SparseElement<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an element object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key_seed(Key(self.0))? {
            if key.is_empty() {
                map.next_value::<IgnoredAny>()?;
            } else {
                out.insert(key, map.next_value()?);
            }
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const KEEP: &[&str] = &["InvoiceID", "Total", "ValidationErrors"];

    #[test]
    fn keeps_only_the_named_members_of_each_element() {
        let body = json!({"Id": "x", "Status": "OK", "Invoices": [
            {"InvoiceID": "a", "Total": "10.00", "LineItems": [{"Quantity": 1}], "Contact": {"Name": "C"}},
            {"InvoiceID": "b", "ValidationErrors": [{"Message": "bad"}], "HasErrors": true}
        ]});
        let got = elements(body.to_string().as_bytes(), "Invoices", KEEP).unwrap();
        assert_eq!(
            got,
            vec![
                json!({"InvoiceID": "a", "Total": "10.00"}),
                json!({"InvoiceID": "b", "ValidationErrors": [{"Message": "bad"}]})
            ]
        );
    }

    #[test]
    fn reads_the_elements_form_of_an_error_and_prefers_the_collection() {
        let err = json!({"ErrorNumber": 10, "Type": "ValidationException", "Elements": [{"InvoiceID": "a", "X": 1}]});
        assert_eq!(elements(err.to_string().as_bytes(), "Invoices", KEEP), Some(vec![json!({"InvoiceID": "a"})]));
        let both = json!({"Elements": [{"InvoiceID": "e"}], "Invoices": [{"InvoiceID": "i"}]});
        assert_eq!(elements(both.to_string().as_bytes(), "Invoices", KEEP), Some(vec![json!({"InvoiceID": "i"})]));
    }

    #[test]
    fn anything_else_is_not_an_answer() {
        for body in
            [&b"not json"[..], b"[]", b"{\"Invoices\": null}", b"{\"Invoices\": [1]}", b"{}", b"{\"Invoices\": []} x"]
        {
            assert!(elements(body, "Invoices", KEEP).is_none_or(|v| v.is_empty()), "{}", String::from_utf8_lossy(body));
        }
        assert_eq!(elements(b"{\"Invoices\": []}", "Invoices", KEEP), Some(vec![]));
        assert_eq!(elements(b"{}", "Invoices", KEEP), None);
    }
}
