//! Creating or updating one contact: which one a POST means, its name, number and AccountNumber unique.

use super::fields::check_fields;
use super::*;

pub(super) fn process(
    org: &mut Organisation,
    ctx: &Ctx,
    elem: &Value,
    mode: Mode,
    path_id: Option<Uuid>,
) -> ElementResult {
    let Some(obj) = elem.as_object() else {
        return Err(vec!["A Contact must be a JSON object.".into()]);
    };
    let mut errs = Vec::new();
    let id = uuid_of(obj, "ContactID").map_err(|e| vec![e])?;
    // PUT creates: an existing ContactID is ignored (XeroAPI/Xero-NetStandard#226); the new contact's name and
    // numbers then go through the uniqueness checks like any other.
    let id = match id {
        Some(i) if mode == Mode::Create && org.contact(i).is_some() => None,
        other => other,
    };
    let number = str_of(obj, "ContactNumber").map(|s| s.trim().to_string());
    let name = str_of(obj, "Name").map(|s| s.trim().to_string());

    let idx = matched_contact(org, mode, path_id.or(id), number.as_deref(), name.as_deref())?;
    let existing = idx.map(|i| org.contacts[i].clone());
    let self_id = existing.as_ref().map(|c| c.id);

    let final_name = contact_name(name, existing.as_ref(), &mut errs);
    let status = contact_status(obj, existing.as_ref(), &mut errs);
    check_name_free(org, self_id, &status, &final_name, &mut errs);
    let final_number = contact_number(org, obj, number, existing.as_ref(), self_id, &mut errs);
    let mut fields = existing.as_ref().map(|c| c.fields.clone()).unwrap_or_default();
    check_fields(org, obj, &mut fields, &mut errs);
    check_account_number(org, &fields, self_id, &mut errs);
    if !errs.is_empty() {
        return Err(errs);
    }
    let c = Contact {
        id: self_id.unwrap_or_else(Uuid::new_v4),
        name: final_name,
        number: final_number,
        status,
        is_supplier: existing.as_ref().is_some_and(|c| c.is_supplier),
        is_customer: existing.as_ref().is_some_and(|c| c.is_customer),
        fields,
        updated_ms: ctx.now_ms,
    };
    let id = c.id;
    match idx {
        Some(i) => org.contacts[i] = c,
        None => org.contacts.push(c),
    }
    Ok(id)
}

/// The stored contact a request element means (its index): by ContactID (in the path or the body), else on POST by
/// ContactNumber, else by Name among active contacts.
fn matched_contact(
    org: &Organisation,
    mode: Mode,
    id: Option<Uuid>,
    number: Option<&str>,
    name: Option<&str>,
) -> Result<Option<usize>, Vec<String>> {
    if let Some(pid) = id {
        return match org.contacts.iter().position(|c| c.id == pid) {
            Some(i) => Ok(Some(i)),
            None => Err(vec!["The contact with the specified ContactID could not be found.".into()]),
        };
    }
    if mode != Mode::Upsert {
        return Ok(None);
    }
    Ok(number
        .and_then(|n| org.contacts.iter().position(|c| c.number.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(n))))
        .or_else(|| {
            name.and_then(|n| org.contacts.iter().position(|c| c.status == "ACTIVE" && c.name.eq_ignore_ascii_case(n)))
        }))
}

/// An ACTIVE contact's name must be free among ACTIVE contacts (case ignored).
fn check_name_free(org: &Organisation, self_id: Option<Uuid>, status: &str, final_name: &str, errs: &mut Vec<String>) {
    if status == "ACTIVE"
        && !final_name.is_empty()
        && org
            .contacts
            .iter()
            .any(|c| Some(c.id) != self_id && c.status == "ACTIVE" && c.name.eq_ignore_ascii_case(final_name))
    {
        errs.push(name_taken_message(final_name));
    }
}

/// The ContactNumber to store (the one sent, else the stored one): at most 50 characters, unique.
fn contact_number(
    org: &Organisation,
    obj: &Map<String, Value>,
    number: Option<String>,
    existing: Option<&Contact>,
    self_id: Option<Uuid>,
    errs: &mut Vec<String>,
) -> Option<String> {
    let final_number = if json::has(obj, "ContactNumber") { number } else { existing.and_then(|c| c.number.clone()) };
    if let Some(n) = &final_number {
        if n.chars().count() > 50 {
            errs.push("The ContactNumber must not be more than 50 characters long.".into());
        }
        if org
            .contacts
            .iter()
            .any(|c| Some(c.id) != self_id && c.number.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(n)))
        {
            errs.push(format!(
                "The contact number {n} is already assigned to another contact. The contact number must be unique."
            ));
        }
    }
    final_number
}

fn check_account_number(
    org: &Organisation,
    fields: &Map<String, Value>,
    self_id: Option<Uuid>,
    errs: &mut Vec<String>,
) {
    // AccountNumber is unique too: Xero refuses a second one with this message (calcinai/xero-php#880, where the
    // holder could not be found by a `where`, so archived contacts count as well). Case ignored, like the others.
    let account_number = |f: &Map<String, Value>| match f.get("AccountNumber") {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    };
    if let Some(n) = account_number(fields) {
        if org
            .contacts
            .iter()
            .any(|c| Some(c.id) != self_id && account_number(&c.fields).is_some_and(|x| x.eq_ignore_ascii_case(&n)))
        {
            errs.push(ACCOUNT_NUMBER_TAKEN.into());
        }
    }
}

/// The name to store (the one sent, else the stored one): required, and valid as a new contact's.
fn contact_name(name: Option<String>, existing: Option<&Contact>, errs: &mut Vec<String>) -> String {
    let final_name = match (name, existing) {
        (Some(n), _) => n,
        (None, Some(c)) => c.name.clone(),
        (None, None) => {
            errs.push("The contact name must be specified.".into());
            String::new()
        }
    };
    if let Err(e) = check_new_name(&final_name) {
        errs.push(e);
    }
    final_name
}

/// ContactStatus: ACTIVE or ARCHIVED (the stored one, or ACTIVE, when absent).
fn contact_status(obj: &Map<String, Value>, existing: Option<&Contact>, errs: &mut Vec<String>) -> String {
    match str_of(obj, "ContactStatus").map(|s| s.to_uppercase()) {
        None => existing.map(|c| c.status.clone()).unwrap_or_else(|| "ACTIVE".into()),
        Some(s) if s == "ACTIVE" || s == "ARCHIVED" => s,
        Some(s) => {
            errs.push(format!("'{s}' is not a valid value for ContactStatus."));
            "ACTIVE".into()
        }
    }
}
