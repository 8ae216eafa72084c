//! How answers are shown: tables for people, JSON for scripts, the progress bar of a push.

use comfy_table::{ContentArrangement, Table, presets};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::Value;

/// A table with these headers, drawn in plain ASCII (readable in any terminal, log file or e-mail).
pub fn table<const N: usize>(headers: [&str; N]) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::ASCII_MARKDOWN).set_content_arrangement(ContentArrangement::Disabled);
    table.set_header(headers);
    table
}

pub fn print_json(value: &Value) {
    println!("{}", serde_json::to_string_pretty(value).unwrap_or_default());
}

/// A JSON value shown in a cell: strings without quotes, nothing for null.
pub fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A progress bar on stderr, fed by the library's progress events until the guard drops; hidden when stderr is
/// not a terminal (indicatif draws nothing then), so scripts and logs get no control characters. The library
/// reports each step of a push on its own (e.g. sales invoices, then bills), so the bar follows the step it
/// names; the message is cut to the terminal's width rather than wrapped.
pub fn push_progress(label: &str, records: u64) -> (ProgressBar, crate::library::SinkGuard) {
    let style = ProgressStyle::with_template("{prefix} [{bar:20}] {pos}/{len} {wide_msg}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
    let bar = ProgressBar::new(records).with_style(style).with_prefix(label.to_owned());
    let fed = bar.clone();
    let guard = crate::library::progress_to(move |event| {
        // Length and position change together, so no frame shows more done than the step's total.
        fed.update(|state| {
            state.set_len(event.total);
            state.set_pos(event.done);
        });
        let step = event.operation.replace('_', " ");
        match (event.waiting_seconds, event.limit) {
            (Some(seconds), Some(limit)) => {
                fed.set_message(format!("{step}: waiting {seconds} s for Xero's {limit} limit"))
            }
            _ => fed.set_message(step),
        }
    });
    (bar, guard)
}
