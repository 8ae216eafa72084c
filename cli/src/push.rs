//! `push KIND FILE`: the records handed to the library's push operation (in calls of at most 10,000, the
//! library's limit per call), a progress bar while it works, the results as tables or JSON.

use crate::args::PushArgs;
use crate::failure::Failure;
use crate::{config_file, input, library, output};
use serde_json::{Value, json};
use std::path::Path;

/// The library refuses more records of a kind in one call (README, "Records in, results out").
const RECORDS_PER_CALL: usize = 10_000;

pub fn run(connection: &str, config_path: &Path, args: &PushArgs) -> Result<(), Failure> {
    let (op, member) = args.kind.operation();
    let input = input::parse(&input::read(&args.file)?, member)?;
    let label = member.replace('_', " ");
    let answer = push_records(connection, op, member, input, args.dry_run, &label)?;
    if !args.dry_run {
        remember(config_path, member, &answer);
    }
    if args.json {
        output::print_json(&answer);
    } else {
        print_results(&answer, args.all);
    }
    let failed = count(&answer["summary"], "failed") + count(&answer["summary"], "uncertain");
    if failed > 0 { Err(Failure::RecordsFailed { count: failed as usize, code: shared_code(&answer) }) } else { Ok(()) }
}

/// The error code every failed or uncertain record has, when they all have the same one.
fn shared_code(answer: &Value) -> Option<String> {
    let mut codes = answer["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["outcome"] == "failed" || r["outcome"] == "uncertain")
        .map(|r| if r["outcome"] == "uncertain" { "uncertain" } else { r["errors"][0]["code"].as_str().unwrap_or("") });
    let first = codes.next()?;
    codes.all(|c| c == first).then(|| first.to_owned())
}

/// Pushes `input` through `op`, with a progress bar labelled `label`; one answer for all its calls.
pub fn push_records(
    connection: &str,
    op: &str,
    member: &str,
    input: input::Records,
    dry_run: bool,
    label: &str,
) -> Result<Value, Failure> {
    let (bar, _sink) = output::push_progress(label, input.records.len() as u64);
    let mut other_members = Some(input.other_members);
    let mut merged = json!({"dry_run": dry_run, "summary": {}, "results": []});
    for (n, chunk) in input.records.chunks(RECORDS_PER_CALL).enumerate() {
        // What the records carry along (e.g. the contacts of invoices) goes with the first call only.
        let mut request = Value::Object(other_members.take().unwrap_or_default());
        request[member] = Value::Array(chunk.to_vec());
        request["dry_run"] = json!(dry_run);
        let answer = library::on(connection, op, request);
        let answer = answer.inspect_err(|_| bar.abandon())?;
        merge(&mut merged, answer, n * RECORDS_PER_CALL);
    }
    bar.finish_and_clear();
    Ok(merged)
}

/// Adds one call's answer to the whole: summaries summed, results renumbered to the input's order.
fn merge(whole: &mut Value, part: Value, offset: usize) {
    for (outcome, n) in part["summary"].as_object().into_iter().flatten() {
        let sum = count(&whole["summary"], outcome) + n.as_u64().unwrap_or(0);
        whole["summary"][outcome] = json!(sum);
    }
    let results = whole["results"].as_array_mut().expect("made as an array above");
    for mut result in part["results"].as_array().cloned().unwrap_or_default() {
        let index = result["index"].as_u64().unwrap_or(0) as usize + offset;
        result["index"] = json!(index);
        results.push(result);
    }
}

pub fn count(summary: &Value, outcome: &str) -> u64 {
    summary[outcome].as_u64().unwrap_or(0)
}

fn print_results(answer: &Value, all: bool) {
    let listed: Vec<&Value> = answer["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| all || r["outcome"] == "failed" || r["outcome"] == "uncertain")
        .collect();
    if !listed.is_empty() {
        let mut table = output::table(["#", "key", "outcome", "xero number", "xero status", "total", "problem"]);
        for r in &listed {
            table.add_row([
                output::cell(&r["index"]),
                output::cell(&r["key"]),
                output::cell(&r["outcome"]),
                output::cell(&r["number"]),
                output::cell(&r["xero_status"]),
                output::cell(&r["totals"]["total"]),
                problem(r),
            ]);
        }
        println!("{table}");
    }
    let summary = &answer["summary"];
    let mut table = output::table(["created", "updated", "unchanged", "failed", "uncertain"]);
    table.add_row(["created", "updated", "unchanged", "failed", "uncertain"].map(|o| count(summary, o).to_string()));
    let dry = if answer["dry_run"] == true { " (dry run: nothing was written)" } else { "" };
    println!("{table}{dry}");
}

/// A record's errors (or else its warnings), each as `code: message (path)`.
fn problem(result: &Value) -> String {
    let errors = result["errors"].as_array().filter(|e| !e.is_empty());
    let list = errors.or(result["warnings"].as_array()).cloned().unwrap_or_default();
    let lines: Vec<String> = list
        .iter()
        .map(|e| {
            let code = e["code"].as_str().map(|c| format!("{c}: ")).unwrap_or_default();
            let path = e["path"].as_str().map(|p| format!(" ({p})")).unwrap_or_default();
            format!("{code}{}{path}", e["message"].as_str().unwrap_or(""))
        })
        .collect();
    lines.join("; ")
}

/// Keeps this push's summary for `status` (best effort: a failure to write it never fails the push).
fn remember(config_path: &Path, member: &str, answer: &Value) {
    let path = config_file::last_push_path(config_path);
    let mut pushes = std::fs::read_to_string(&path)
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .filter(Value::is_object)
        .unwrap_or_else(|| json!({}));
    let at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    pushes[member] = json!({"at": at, "records": answer["results"].as_array().map_or(0, Vec::len),
                            "summary": answer["summary"]});
    let _ = config_file::write(&path, &pushes);
}
