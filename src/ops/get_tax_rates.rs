//! `get_tax_rates`: not built yet.

use crate::error::{Error, Result};
use serde_json::Value;

pub fn run(_request: Value) -> Result<Value> {
    Err(Error::not_implemented("get_tax_rates"))
}
