//! The defaults of the seed's screen, chosen from the organisation's own data once signed in: "Xero Sales Acc"
//! and "Xero COS Acc" from its accounts (revenue, respectively direct-cost types first), "Xero Division" and
//! "Xero Sales Rep" from the options of the tracking categories the connection maps to them.

use super::interactive::select;
use crate::failure::Failure;
use crate::library;
use serde_json::{Value, json};

const NO_DEFAULT: &str = "(no default)";

pub fn choose(connection: &str, config: &mut Value) -> Result<(), Failure> {
    let accounts = library::on(connection, "get_accounts", json!({}))?;
    let accounts: Vec<Value> = accounts["accounts"].as_array().cloned().unwrap_or_default();
    let sales = account(
        &accounts,
        &["REVENUE", "SALES", "OTHERINCOME"],
        "Xero Sales Acc",
        &config["defaults"]["sales_account"],
    )?;
    set_default(config, "sales_account", sales);
    let cos = account(
        &accounts,
        &["DIRECTCOSTS", "EXPENSE", "OVERHEADS"],
        "Xero COS Acc",
        &config["defaults"]["cos_account"],
    )?;
    set_default(config, "cos_account", cos);
    let categories = library::on(connection, "get_tracking_categories", json!({}))?;
    for (maps, label) in [("division", "Xero Division"), ("sales_rep", "Xero Sales Rep")] {
        let category = categories["tracking_categories"].as_array().into_iter().flatten().find(|c| c["maps"] == maps);
        let Some(category) = category else {
            eprintln!("{label}: the organisation has no tracking category mapped to {maps}; no default.");
            continue;
        };
        let options: Vec<String> = category["options"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["name"].as_str().map(str::to_owned))
            .collect();
        let chosen =
            pick(&format!("{label} ({})", crate::output::cell(&category["name"])), options, &config["defaults"][maps])?;
        set_default(config, maps, chosen);
    }
    Ok(())
}

/// An account code, the types in `first` listed first (in the organisation's order otherwise).
fn account(accounts: &[Value], first: &[&str], label: &str, current: &Value) -> Result<Option<String>, Failure> {
    let rank = |a: &Value| first.iter().position(|t| a["type"] == *t).unwrap_or(first.len());
    let mut sorted: Vec<&Value> = accounts.iter().collect();
    sorted.sort_by_key(|a| rank(a));
    let codes: Vec<String> = sorted.iter().map(|a| crate::output::cell(&a["code"])).collect();
    let labels: Vec<String> = sorted
        .iter()
        .map(|a| {
            format!(
                "{:<6} {} ({})",
                crate::output::cell(&a["code"]),
                crate::output::cell(&a["name"]),
                crate::output::cell(&a["type"])
            )
        })
        .collect();
    let chosen = pick_labelled(label, &codes, labels, current)?;
    Ok(chosen)
}

fn pick(label: &str, values: Vec<String>, current: &Value) -> Result<Option<String>, Failure> {
    pick_labelled(label, &values, values.clone(), current)
}

/// One of `values` (shown as `labels`), or none; the current value preselected.
fn pick_labelled(
    label: &str,
    values: &[String],
    mut labels: Vec<String>,
    current: &Value,
) -> Result<Option<String>, Failure> {
    labels.push(NO_DEFAULT.to_owned());
    let preselected = match current.as_str() {
        Some(c) => values.iter().position(|v| v == c).unwrap_or(0),
        None if values.is_empty() => 0,
        None => 0,
    };
    let chosen = select(label, &labels, preselected)?;
    Ok(values.get(chosen).cloned())
}

fn set_default(config: &mut Value, key: &str, value: Option<String>) {
    match value {
        Some(value) => config["defaults"][key] = json!(value),
        None => {
            if let Some(defaults) = config["defaults"].as_object_mut() {
                defaults.remove(key);
            }
        }
    }
}
