//! `debug_panic`: panics on purpose, so hosts and tests can see that a panic inside the library comes back
//! as an `internal` error and the process lives on. Asks for a confirmation so it is never hit by accident.

use crate::error::{Error, Result};
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub confirm: String,
}

pub fn run(request: Request) -> Result<Value> {
    if request.confirm != "panic" {
        return Err(Error::bad_request("debug_panic panics only with \"confirm\": \"panic\"").at("confirm"));
    }
    panic!("debug_panic was asked to panic");
}
