//! Credit-note allocations: moving credit from an AUTHORISED credit note to an invoice, and taking it back.

use super::*;

pub fn render_allocation(org: &Organisation, a: &Allocation) -> Value {
    let mut m = Map::new();
    m.insert("AllocationID".into(), json!(a.id.to_string()));
    m.insert("Amount".into(), money::money(a.amount));
    m.insert("Date".into(), json!(dates::ms_date(a.date)));
    if let Some(i) = org.doc(a.invoice_id) {
        m.insert("Invoice".into(), docs::summary(org, i));
    }
    if let Some(c) = org.doc(a.credit_note_id) {
        m.insert("CreditNote".into(), docs::summary(org, c));
    }
    m.insert("IsDeleted".into(), json!(false));
    Value::Object(m)
}

pub fn handle_allocations(org: &mut Organisation, ctx: &Ctx, cn_key: &str, body: Option<&[u8]>) -> ApiResponse {
    let Some(cn_id) = docs::find(org, DocKind::CreditNote, cn_key) else {
        return errors::not_found();
    };
    let elems = match parse_elements(body, "Allocations") {
        Ok(e) => e,
        Err(r) => return r,
    };
    run_batch(
        org,
        ctx,
        "Allocations",
        None,
        elems,
        |o, c, e| allocate(o, c, e, cn_id),
        |o, _, id| {
            let a = o.allocations.iter().find(|a| a.id == id).expect("stored");
            let mut v = render_allocation(o, a);
            if let Some(m) = v.as_object_mut() {
                m.insert("ValidationErrors".into(), json!([]));
            }
            v
        },
    )
}

/// `DELETE /CreditNotes/{id}/Allocations/{allocationId}` (Xero's spec, `deleteCreditNoteAllocations`): the credit
/// goes back to both documents (a PAID one is AUTHORISED again); the answer is the allocation with `IsDeleted`.
pub fn delete_allocation(org: &mut Organisation, ctx: &Ctx, cn_key: &str, allocation: &str) -> ApiResponse {
    let Some(cn_id) = docs::find(org, DocKind::CreditNote, cn_key) else {
        return errors::not_found();
    };
    let found = Uuid::parse_str(allocation)
        .ok()
        .and_then(|id| org.allocations.iter().position(|a| a.id == id && a.credit_note_id == cn_id));
    let Some(i) = found else {
        return errors::not_found();
    };
    let mut rendered = render_allocation(org, &org.allocations[i]);
    rendered["IsDeleted"] = json!(true);
    let a = org.allocations.remove(i);
    for doc_id in [a.invoice_id, a.credit_note_id] {
        let d = org.doc_mut(doc_id).expect("exists");
        d.amount_credited -= a.amount;
        d.updated_ms = ctx.now_ms;
        if d.status == "PAID" && d.outstanding() > Decimal::ZERO {
            d.status = "AUTHORISED".into();
            d.fully_paid_on = None;
        }
    }
    ApiResponse { status: 200, body: rendered }
}

fn allocate(org: &mut Organisation, ctx: &Ctx, elem: &Value, cn_id: Uuid) -> ElementResult {
    let Some(obj) = elem.as_object() else {
        return Err(vec!["An Allocation must be a JSON object.".into()]);
    };
    let mut errs = Vec::new();
    let cn = org.doc(cn_id).cloned().expect("exists");
    let inv = match find_doc(org, obj, DocKind::Invoice) {
        Ok(Some(id)) => org.doc(id).cloned(),
        Ok(None) => {
            errs.push("An allocation must specify the Invoice (by InvoiceID or InvoiceNumber).".into());
            None
        }
        Err(e) => {
            errs.push(e);
            None
        }
    };
    let amount = match get(obj, "Amount").and_then(money::parse) {
        Some(a) if a > Decimal::ZERO => Some(money::round(a, 2)),
        _ => {
            errs.push("Allocation Amount must be a number greater than zero.".into());
            None
        }
    };
    let date = element_date(obj, ctx, &mut errs);
    check_allocation(&cn, inv.as_ref(), amount, &mut errs);
    if !errs.is_empty() {
        return Err(errs);
    }
    let (inv, amount) = (inv.expect("checked"), amount.expect("checked"));
    let a = Allocation { id: Uuid::new_v4(), credit_note_id: cn_id, invoice_id: inv.id, amount, date };
    let id = a.id;
    for doc_id in [inv.id, cn_id] {
        let d = org.doc_mut(doc_id).expect("exists");
        d.amount_credited += amount;
        d.updated_ms = ctx.now_ms;
        if d.outstanding() == Decimal::ZERO {
            d.status = "PAID".into();
            d.fully_paid_on = Some(date);
        }
    }
    org.allocations.push(a);
    Ok(id)
}

/// The credit note and the invoice must both be AUTHORISED, of matching side, contact and currency, and `amount`
/// within what each has outstanding.
fn check_allocation(cn: &Doc, inv: Option<&Doc>, amount: Option<Decimal>, errs: &mut Vec<String>) {
    if cn.status != "AUTHORISED" {
        if cn.status == "PAID" {
            errs.push("Credit Note cannot be allocated as amount is greater than amount outstanding".into());
        } else {
            errs.push(format!("Only AUTHORISED credit notes can be allocated; this credit note is {}.", cn.status));
        }
    }
    if let Some(inv) = inv {
        if inv.status == "PAID" {
            errs.push("The invoice you are trying to allocate to has already been paid off".into());
        } else if inv.status != "AUTHORISED" {
            errs.push(format!(
                "Credit notes can only be allocated to AUTHORISED invoices; this invoice is {}.",
                inv.status
            ));
        }
        let expected = if cn.typ == "ACCRECCREDIT" { "ACCREC" } else { "ACCPAY" };
        if inv.typ != expected {
            errs.push("Credit Note cannot be allocated to an incorrect invoice type".into());
        }
        if inv.contact_id != cn.contact_id {
            errs.push("The credit note and the invoice must belong to the same contact.".into());
        }
        if inv.currency_code != cn.currency_code {
            errs.push("The credit note and the invoice must be in the same currency.".into());
        }
        if let Some(a) = amount {
            if cn.status == "AUTHORISED"
                && inv.status == "AUTHORISED"
                && (a > cn.outstanding() || a > inv.outstanding())
            {
                errs.push("Credit Note cannot be allocated as amount is greater than amount outstanding".into());
            }
        }
    }
}
