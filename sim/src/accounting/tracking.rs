//! Writes to tracking categories and their options, within Xero's limit: "A Xero organisation can have a maximum
//! of two ACTIVE tracking categories and four tracking categories total (ACTIVE and ARCHIVED)"
//! (developer.xero.com/documentation/api/accounting/trackingcategories). Reading them is in `settings`.

use super::json::{get, str_of};
use super::model::{TrackingCategory, TrackingOption};
use super::settings::render_tracking;
use super::{ApiResponse, Ctx, Organisation, envelope, errors};
use serde_json::{Map, Value, json};
use uuid::Uuid;

/// Active tracking categories an organisation may have.
pub const MAX_ACTIVE: usize = 2;
/// Tracking categories, active and archived, an organisation may have.
pub const MAX_TOTAL: usize = 4;

/// PUT /TrackingCategories, POST /TrackingCategories/{id}, PUT and POST of .../{id}/Options[/{optionId}].
pub fn handle_write(
    org: &mut Organisation,
    ctx: &Ctx,
    method: &str,
    rest: &[&str],
    body: Option<&[u8]>,
) -> ApiResponse {
    let element = match one_element(body) {
        Ok(e) => e,
        Err(r) => return r,
    };
    match (method, rest) {
        ("PUT", []) => create_category(org, ctx, element),
        ("POST", [id]) => match category_index(org, id) {
            Some(i) => update_category(org, ctx, i, element),
            None => errors::not_found(),
        },
        ("PUT", [id, options]) if options.eq_ignore_ascii_case("Options") => match category_index(org, id) {
            Some(i) => create_option(org, ctx, i, element),
            None => errors::not_found(),
        },
        ("POST", [id, options, opt]) if options.eq_ignore_ascii_case("Options") => {
            let Some(i) = category_index(org, id) else { return errors::not_found() };
            match Uuid::parse_str(opt).ok().and_then(|u| org.tracking[i].options.iter().position(|o| o.id == u)) {
                Some(o) => update_option(org, ctx, (i, o), element),
                None => errors::not_found(),
            }
        }
        _ => errors::method_not_allowed(),
    }
}

fn one_element(body: Option<&[u8]>) -> Result<Map<String, Value>, ApiResponse> {
    match super::parse_elements(body, "TrackingCategories")?.into_iter().next() {
        Some(Value::Object(m)) => Ok(m),
        _ => Err(errors::post_data_invalid("JSON for post data was invalid,an object was expected.")),
    }
}

fn category_index(org: &Organisation, id: &str) -> Option<usize> {
    let id = Uuid::parse_str(id).ok()?;
    org.tracking.iter().position(|t| t.id == id && t.status != "DELETED")
}

fn refused(element: Map<String, Value>, message: String) -> ApiResponse {
    let mut e = element;
    e.insert("ValidationErrors".into(), json!([{ "Message": message }]));
    errors::validation_exception(vec![Value::Object(e)])
}

/// The limit's message. Xero's own wording was not found; this one restates its documented rule.
fn over_limit() -> String {
    format!(
        "An organisation can have a maximum of {MAX_ACTIVE} ACTIVE tracking categories and {MAX_TOTAL} tracking \
         categories in total (ACTIVE and ARCHIVED)."
    )
}

fn counts(org: &Organisation) -> (usize, usize) {
    let active = org.tracking.iter().filter(|t| t.status == "ACTIVE").count();
    let total = org.tracking.iter().filter(|t| t.status != "DELETED").count();
    (active, total)
}

fn name_taken(org: &Organisation, name: &str, except: Option<usize>) -> bool {
    org.tracking
        .iter()
        .enumerate()
        .any(|(i, t)| Some(i) != except && t.status != "DELETED" && t.name.eq_ignore_ascii_case(name))
}

fn create_category(org: &mut Organisation, ctx: &Ctx, element: Map<String, Value>) -> ApiResponse {
    let Some(name) = str_of(&element, "Name").map(|n| n.trim().to_owned()) else {
        return refused(element, "Tracking Category Name is required.".into());
    };
    if name_taken(org, &name, None) {
        // As Xero words it for options (calcinai/xero-php#920); assumed the same for categories.
        return refused(element, "For each specified tracking category the name must be unique.".into());
    }
    let (active, total) = counts(org);
    if active >= MAX_ACTIVE || total >= MAX_TOTAL {
        return refused(element, over_limit());
    }
    let category = TrackingCategory { id: Uuid::new_v4(), name, status: "ACTIVE".into(), options: Vec::new() };
    let rendered = render_tracking(&category, true);
    org.tracking.push(category);
    envelope(ctx, "TrackingCategories", vec![rendered], None)
}

fn update_category(org: &mut Organisation, ctx: &Ctx, i: usize, element: Map<String, Value>) -> ApiResponse {
    let status = match status_of(&element) {
        Ok(s) => s,
        Err(m) => return refused(element, m),
    };
    if let Some(name) = str_of(&element, "Name").map(|n| n.trim().to_owned()) {
        if name_taken(org, &name, Some(i)) {
            return refused(element, "For each specified tracking category the name must be unique.".into());
        }
        org.tracking[i].name = name;
    }
    if let Some(status) = status {
        let (active, _) = counts(org);
        if status == "ACTIVE" && org.tracking[i].status != "ACTIVE" && active >= MAX_ACTIVE {
            return refused(element, over_limit());
        }
        org.tracking[i].status = status;
    }
    envelope(ctx, "TrackingCategories", vec![render_tracking(&org.tracking[i], true)], None)
}

fn status_of(element: &Map<String, Value>) -> Result<Option<String>, String> {
    match get(element, "Status").and_then(Value::as_str).map(str::to_ascii_uppercase) {
        None => Ok(None),
        Some(s) if s == "ACTIVE" || s == "ARCHIVED" => Ok(Some(s)),
        Some(s) => Err(format!("'{s}' is not a status a tracking category or option can be given (ACTIVE, ARCHIVED).")),
    }
}

fn render_options(ctx: &Ctx, org: &Organisation, i: usize, only: Option<Uuid>) -> ApiResponse {
    let cat = render_tracking(&org.tracking[i], true);
    let options: Vec<Value> = cat["Options"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| only.is_none_or(|id| o["TrackingOptionID"] == json!(id.to_string())))
        .cloned()
        .collect();
    envelope(ctx, "Options", options, None)
}

fn create_option(org: &mut Organisation, ctx: &Ctx, i: usize, element: Map<String, Value>) -> ApiResponse {
    let Some(name) = str_of(&element, "Name").map(|n| n.trim().to_owned()) else {
        return refused(element, "Tracking Option Name is required.".into());
    };
    if org.tracking[i].options.iter().any(|o| o.name.eq_ignore_ascii_case(&name)) {
        // Xero's message (calcinai/xero-php#920).
        return refused(element, "For each specified tracking option the name must be unique.".into());
    }
    let option = TrackingOption { id: Uuid::new_v4(), name, status: "ACTIVE".into() };
    let id = option.id;
    org.tracking[i].options.push(option);
    render_options(ctx, org, i, Some(id))
}

fn update_option(
    org: &mut Organisation,
    ctx: &Ctx,
    (i, o): (usize, usize),
    element: Map<String, Value>,
) -> ApiResponse {
    let status = match status_of(&element) {
        Ok(s) => s,
        Err(m) => return refused(element, m),
    };
    if let Some(name) = str_of(&element, "Name").map(|n| n.trim().to_owned()) {
        let taken =
            org.tracking[i].options.iter().enumerate().any(|(n, x)| n != o && x.name.eq_ignore_ascii_case(&name));
        if taken {
            return refused(element, "For each specified tracking option the name must be unique.".into());
        }
        org.tracking[i].options[o].name = name;
    }
    if let Some(status) = status {
        org.tracking[i].options[o].status = status;
    }
    let id = org.tracking[i].options[o].id;
    render_options(ctx, org, i, Some(id))
}
