//! Decoding one record on its own ([`Record`]): a malformed record fails alone, with its field path; and the
//! bounds every request keeps (records per call).

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;
use std::borrow::Cow;

/// One record of a request, decoded on its own: a malformed record becomes a failed result, not a failed call.
#[derive(Debug, Clone)]
pub enum Record<T> {
    Valid(T),
    /// The decoding error and its path inside the record (`lines[2].quantity`).
    Invalid {
        message: String,
        path: String,
        raw: Value,
    },
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Record<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // The record's text, decoded on its own: no tree of values is built for a valid record.
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        let mut de = serde_json::Deserializer::from_str(raw.get());
        Ok(match serde_path_to_error::deserialize::<_, T>(&mut de) {
            Ok(v) => Record::Valid(v),
            Err(e) => {
                let mut message = e.inner().to_string();
                let path = crate::json::error_path(&e.path().to_string(), &message);
                let raw = match serde_json::from_str(raw.get()) {
                    Ok(v) => v,
                    // Read again with the unpaired surrogates replaced, only so the result can name the record.
                    Err(_) => {
                        serde_json::from_str(&crate::json::replace_lone_surrogates(raw.get())).unwrap_or(Value::Null)
                    }
                };
                if message.contains("hex escape") || message.contains("surrogate") {
                    message = format!(
                        "holds a \\u escape of half a UTF-16 surrogate pair (such as \\ud800), which is no \
                         character: send the text as valid Unicode ({message})"
                    );
                }
                Record::Invalid { message, path, raw }
            }
        })
    }
}

impl<T: Serialize> Serialize for Record<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Record::Valid(v) => v.serialize(s),
            Record::Invalid { raw, .. } => raw.serialize(s),
        }
    }
}

impl<T: JsonSchema> JsonSchema for Record<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }
    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }
    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

impl<T> From<T> for Record<T> {
    fn from(v: T) -> Self {
        Record::Valid(v)
    }
}

/// An object member as the published schema has it: serde would also take a struct from an array of its values
/// (`"address": []`), which the schema refuses.
pub(super) fn object_or_null<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    match Value::deserialize(d)? {
        Value::Null => Ok(None),
        v @ Value::Object(_) => serde_json::from_value(v).map(Some).map_err(serde::de::Error::custom),
        other => Err(serde::de::Error::custom(format!("expected an object, got {}", crate::json::kind_of(&other)))),
    }
}

/// The most records of one kind a call carries. A call is answered whole, so its memory grows with what it
/// carries: a host with more records splits them over calls (the library batches within a call anyway).
pub const MAX_RECORDS: usize = 10_000;

/// A request's array of records, refused as soon as it holds more than [`MAX_RECORDS`] (before the rest is read).
pub(super) fn bounded_records<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Vec<Record<T>>, D::Error> {
    struct Bounded<T>(std::marker::PhantomData<T>);
    impl<'de, T: DeserializeOwned> serde::de::Visitor<'de> for Bounded<T> {
        type Value = Vec<Record<T>>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            write!(f, "an array of at most {MAX_RECORDS} records")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_RECORDS));
            while let Some(r) = seq.next_element::<Record<T>>()? {
                if out.len() == MAX_RECORDS {
                    return Err(serde::de::Error::custom(format!(
                        "more than {MAX_RECORDS} records in one call: split them over several calls"
                    )));
                }
                out.push(r);
            }
            Ok(out)
        }
    }
    d.deserialize_seq(Bounded(std::marker::PhantomData))
}
