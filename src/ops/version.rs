//! `version`: the library's version and ABI version, as data.

use crate::error::Result;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {}

#[derive(Serialize)]
pub struct VersionInfo {
    pub version: &'static str,
    pub abi_version: u32,
}

pub fn run(_: Request) -> Result<VersionInfo> {
    Ok(VersionInfo { version: crate::VERSION, abi_version: crate::ABI_VERSION })
}
