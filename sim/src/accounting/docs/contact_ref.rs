//! The contact a document names: by ContactID, ContactNumber or Name, or a new one by Name.

use crate::accounting::Organisation;
use crate::accounting::contacts;
use crate::accounting::json::{str_of, uuid_of};
use serde_json::{Map, Value};
use uuid::Uuid;

pub(super) enum ContactRef {
    Existing(Uuid),
    New { name: String, number: Option<String> },
}

const IDENTIFY_CONTACT: &str = "The Contact must contain at least 1 of the following elements to identify the contact: Name, ContactID, ContactNumber";

pub(super) fn resolve_contact(org: &Organisation, c: Option<&Map<String, Value>>) -> Result<ContactRef, String> {
    let Some(c) = c else {
        return Err(IDENTIFY_CONTACT.into());
    };
    let id = uuid_of(c, "ContactID")?;
    let number = str_of(c, "ContactNumber").map(|s| s.trim().to_string());
    let name = str_of(c, "Name").map(|s| s.trim().to_string());
    let by_name = |n: &str| {
        org.contacts
            .iter()
            .find(|x| x.status == "ACTIVE" && x.name.eq_ignore_ascii_case(n))
            .or_else(|| org.contacts.iter().find(|x| x.name.eq_ignore_ascii_case(n)))
    };
    let found = if let Some(id) = id {
        Some(org.contact(id).ok_or_else(|| format!("The contact with ContactID {id} could not be found."))?)
    } else if let Some(n) = &number {
        match org.contacts.iter().find(|x| x.number.as_deref().is_some_and(|v| v.eq_ignore_ascii_case(n))) {
            Some(x) => Some(x),
            None => match &name {
                Some(nm) => by_name(nm),
                None => {
                    return Err(format!("The contact with ContactNumber {n} could not be found."));
                }
            },
        }
    } else if let Some(n) = &name {
        by_name(n)
    } else {
        return Err(IDENTIFY_CONTACT.into());
    };
    match found {
        Some(x) if x.status == "ARCHIVED" => Err(format!(
            "The contact {} is archived. Archived contacts cannot be used on new or updated transactions.",
            x.name
        )),
        Some(x) => Ok(ContactRef::Existing(x.id)),
        None => {
            let name = name.unwrap_or_default();
            contacts::check_new_name(&name)?;
            Ok(ContactRef::New { name, number })
        }
    }
}
