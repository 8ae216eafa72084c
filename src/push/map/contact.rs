//! A debtor or creditor → a Xero contact, keyed by its code.

use super::*;

/// A debtor or creditor → a Xero contact. The key is the code.
pub fn contact(c: &ErpContact, path: &str) -> Result<Element, Problems> {
    let mut p = Problems::default();
    p.text(&format!("{path}.code"), &c.code, 50);
    p.text(&format!("{path}.name"), &c.name, 255);
    p.opt_text(&format!("{path}.first_name"), &c.first_name, 255);
    p.opt_text(&format!("{path}.last_name"), &c.last_name, 255);
    p.opt_text(&format!("{path}.email"), &c.email, 255);
    if let Some(e) = &c.email {
        if !e.is_empty() && !e.contains('@') {
            p.add(format!("{path}.email"), format!("\"{e}\" is not an e-mail address"));
        }
    }
    for (field, v) in [("phone", &c.phone), ("mobile", &c.mobile), ("fax", &c.fax)] {
        p.opt_text(&format!("{path}.{field}"), v, 50);
    }
    p.opt_text(&format!("{path}.tax_number"), &c.tax_number, 50);
    p.opt_text(&format!("{path}.company_number"), &c.company_number, 50);
    p.opt_text(&format!("{path}.account_number"), &c.account_number, 50);
    p.currency(&format!("{path}.currency"), &c.currency);
    let addresses = addresses(c, path, &mut p);
    if !p.is_empty() {
        return Err(p);
    }
    let mut phones = Vec::new();
    for (kind, v) in [("DEFAULT", &c.phone), ("MOBILE", &c.mobile), ("FAX", &c.fax)] {
        if let Some(n) = some_text(v) {
            phones.push(xero::Phone { phone_type: kind.into(), phone_number: Some(n) });
        }
    }
    let x = xero::Contact {
        contact_number: Some(c.code.clone()),
        name: Some(c.name.clone()),
        first_name: some_text(&c.first_name),
        last_name: some_text(&c.last_name),
        email_address: some_text(&c.email),
        tax_number: some_text(&c.tax_number),
        company_number: some_text(&c.company_number),
        account_number: some_text(&c.account_number),
        default_currency: some_text(&c.currency),
        addresses: (!addresses.is_empty()).then_some(addresses),
        phones: (!phones.is_empty()).then_some(phones),
        ..Default::default()
    };
    let mut v = to_value(&x);
    merge(&mut v, &c.xero);
    Ok(Element::of(&v))
}

/// The postal (`POBOX`) and street (`STREET`) addresses, checked as Xero has them (4 lines of 500).
fn addresses(c: &ErpContact, path: &str, p: &mut Problems) -> Vec<xero::Address> {
    let mut addresses = Vec::new();
    for (field, kind, a) in [("address", "POBOX", &c.address), ("street_address", "STREET", &c.street_address)] {
        let Some(a) = a else { continue };
        let ap = format!("{path}.{field}");
        if a.lines.len() > 4 {
            p.add(format!("{ap}.lines"), format!("has {} lines; Xero allows at most 4", a.lines.len()));
        }
        for (i, l) in a.lines.iter().enumerate() {
            p.opt_text(&format!("{ap}.lines[{i}]"), &Some(l.clone()), 500);
        }
        p.opt_text(&format!("{ap}.city"), &a.city, 255);
        p.opt_text(&format!("{ap}.region"), &a.region, 255);
        p.opt_text(&format!("{ap}.postal_code"), &a.postal_code, 50);
        p.opt_text(&format!("{ap}.country"), &a.country, 50);
        p.opt_text(&format!("{ap}.attention_to"), &a.attention_to, 255);
        let line = |i: usize| a.lines.get(i).filter(|s| !s.is_empty()).cloned();
        addresses.push(xero::Address {
            address_type: kind.into(),
            address_line1: line(0),
            address_line2: line(1),
            address_line3: line(2),
            address_line4: line(3),
            city: some_text(&a.city),
            region: some_text(&a.region),
            postal_code: some_text(&a.postal_code),
            country: some_text(&a.country),
            attention_to: some_text(&a.attention_to),
        });
    }
    addresses
}
