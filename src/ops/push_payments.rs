//! `push_payments`: not built yet.

use crate::error::{Error, Result};
use serde_json::Value;

pub fn run(_request: Value) -> Result<Value> {
    Err(Error::not_implemented("push_payments"))
}
