//! The checks that fields of every section share: a connection name, a text's length, a number's range.

use crate::error::{Error, Result};

const MAX_NAME_LEN: usize = 64;

/// Connection names become file names and store keys: keep them plain.
pub fn validate_connection_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > MAX_NAME_LEN {
        return Err(Error::validation(format!("a connection name has 1 to {MAX_NAME_LEN} characters")));
    }
    if !name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.')) {
        return Err(Error::validation(
            "a connection name uses only letters, digits, '-', '_' and '.' (e.g. xero-hugeerp)",
        ));
    }
    Ok(())
}

/// `value` has `min` to `max` characters and no control character; an error names `path`.
pub(super) fn check_text(path: &str, value: &str, min: usize, max: usize) -> Result<()> {
    let len = value.chars().count();
    if len < min || len > max {
        return Err(Error::validation(format!("must have {min} to {max} characters, has {len}")).at(path));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::validation("must not contain control characters").at(path));
    }
    Ok(())
}

/// `value` is between `min` and `max`, both included; an error names `path`.
pub(super) fn check_range(path: &str, value: u64, min: u64, max: u64) -> Result<()> {
    if value < min || value > max {
        return Err(Error::validation(format!("must be between {min} and {max}, is {value}")).at(path));
    }
    Ok(())
}
