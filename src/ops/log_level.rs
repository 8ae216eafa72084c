//! `set_log_level`: which log records reach the host's callback.

use crate::error::Result;
use crate::log::{self, Level};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub level: Level,
}

#[derive(Serialize)]
pub struct Response {
    pub level: Level,
    pub previous: Level,
}

pub fn run(request: Request) -> Result<Response> {
    let previous = log::max_level();
    log::set_max_level(request.level);
    Ok(Response { level: request.level, previous })
}
