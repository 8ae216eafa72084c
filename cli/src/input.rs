//! Reading the records to push: a JSON array of records, a request object (`{"invoices": [...], ...}`), one
//! record as an object, or NDJSON (one record per line); from a file or stdin. Amounts stay exact decimal text
//! (serde_json with `arbitrary_precision`), never floating point.

use crate::failure::Failure;
use serde_json::{Map, Value};
use std::io::Read as _;
use std::path::Path;

/// The records under `member`, and the request's other members (e.g. `contacts` an invoice push carries).
pub struct Records {
    pub records: Vec<Value>,
    pub other_members: Map<String, Value>,
}

pub fn read(file: &Path) -> Result<String, Failure> {
    let mut text = String::new();
    let read = if file == Path::new("-") {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_string(&mut text)).map(|_| ())
    };
    read.map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?;
    Ok(text)
}

pub fn parse(text: &str, member: &str) -> Result<Records, Failure> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Array(records)) => Ok(Records { records, other_members: Map::new() }),
        Ok(Value::Object(mut request)) if request.contains_key(member) => {
            let records = match request.remove(member) {
                Some(Value::Array(records)) => records,
                _ => return Err(refused(format!("`{member}` must be an array of records"), Some(member))),
            };
            // The connection comes from the configuration, never from the file.
            request.remove("connection");
            request.remove("dry_run");
            Ok(Records { records, other_members: request })
        }
        Ok(record @ Value::Object(_)) => Ok(Records { records: vec![record], other_members: Map::new() }),
        Ok(_) => Err(refused("expected records: a JSON array, an object or NDJSON".into(), None)),
        Err(_) if text.trim().is_empty() => Err(refused("the input is empty: no records".into(), None)),
        Err(whole) => ndjson(text).map_err(|line_error| if whole.line() > 1 { line_error } else { json_error(&whole) }),
    }
}

/// One record per line; blank lines are skipped. An error names the line.
fn ndjson(text: &str) -> Result<Records, Failure> {
    let mut records = Vec::new();
    for (n, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let record: Value = serde_json::from_str(line)
            .map_err(|e| refused(format!("line {} is not a JSON record: {e}", n + 1), None))?;
        records.push(record);
    }
    Ok(Records { records, other_members: Map::new() })
}

fn json_error(e: &serde_json::Error) -> Failure {
    refused(format!("the input is not JSON: {e}"), None)
}

fn refused(message: String, field: Option<&str>) -> Failure {
    Failure::Validation { message, field: field.map(str::to_owned) }
}
