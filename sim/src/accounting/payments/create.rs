//! Creating a payment against an invoice or credit note, and deleting one.

use super::*;

pub(super) fn create(org: &mut Organisation, ctx: &Ctx, elem: &Value) -> ElementResult {
    let Some(obj) = elem.as_object() else {
        return Err(vec!["A Payment must be a JSON object.".into()]);
    };
    let mut errs = Vec::new();
    let inv = find_doc(org, obj, DocKind::Invoice).map_err(|e| vec![e])?;
    let cn = find_doc(org, obj, DocKind::CreditNote).map_err(|e| vec![e])?;
    let doc = match (inv, cn) {
        (Some(i), _) => org.doc(i).cloned(),
        (None, Some(c)) => org.doc(c).cloned(),
        (None, None) => {
            errs.push("A payment must specify the Invoice or CreditNote it applies to (by ID or number).".into());
            None
        }
    };
    let account = payment_account(org, obj, &mut errs)?;
    let amount = payment_amount(obj, &mut errs);
    let date = element_date(obj, ctx, &mut errs);
    if let Some(d) = &doc {
        check_payable(d, amount, &mut errs);
    }
    if str_of(obj, "Status").is_some_and(|s| !s.eq_ignore_ascii_case("AUTHORISED")) {
        errs.push("A payment can only be created with Status AUTHORISED.".into());
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    let (doc, account, amount) = (doc.expect("checked"), account.expect("checked"), amount.expect("checked"));
    let currency_rate = if doc.currency_code == org.base_currency {
        Decimal::ONE
    } else {
        get(obj, "CurrencyRate")
            .and_then(money::parse)
            .filter(|r| *r > Decimal::ZERO)
            .map(|r| money::round(r, 6))
            .unwrap_or(doc.currency_rate)
    };
    let bank_currency = account.currency_code.clone().unwrap_or_else(|| org.base_currency.clone());
    let bank_amount = if bank_currency == doc.currency_code { amount } else { money::round(amount / currency_rate, 2) };
    let p = Payment {
        id: Uuid::new_v4(),
        doc_id: doc.id,
        doc_kind: doc.kind,
        account_id: account.id,
        date,
        amount,
        bank_amount,
        currency_rate,
        reference: str_of(obj, "Reference"),
        is_reconciled: bool_of(obj, "IsReconciled").unwrap_or(false),
        status: "AUTHORISED".into(),
        payment_type: payment_type(&doc.typ).into(),
        updated_ms: ctx.now_ms,
    };
    Ok(record(org, p, ctx.now_ms))
}

pub(super) fn delete(org: &mut Organisation, ctx: &Ctx, elem: &Value, pid: Uuid) -> ElementResult {
    let obj = elem.as_object().cloned().unwrap_or_default();
    if !str_of(&obj, "Status").is_some_and(|s| s.eq_ignore_ascii_case("DELETED")) {
        return Err(vec![
            "Payments can only be deleted (Status DELETED); delete the payment and create a new one to change it."
                .into(),
        ]);
    }
    if json::has(&obj, "PaymentID") {
        if let Ok(Some(id)) = uuid_of(&obj, "PaymentID") {
            if id != pid {
                return Err(vec!["The PaymentID in the body does not match the one in the URL.".into()]);
            }
        }
    }
    let p = org.payments.iter().find(|p| p.id == pid).cloned().expect("exists");
    if p.status == "DELETED" {
        return Err(vec!["This payment has already been deleted.".into()]);
    }
    if p.is_reconciled {
        return Err(vec!["A reconciled payment cannot be deleted.".into()]);
    }
    let d = org.doc_mut(p.doc_id).expect("exists");
    d.amount_paid -= p.amount;
    d.updated_ms = ctx.now_ms;
    if d.status == "PAID" && d.outstanding() > Decimal::ZERO {
        d.status = "AUTHORISED".into();
        d.fully_paid_on = None;
    }
    let pm = org.payments.iter_mut().find(|x| x.id == pid).expect("exists");
    pm.status = "DELETED".into();
    pm.updated_ms = ctx.now_ms;
    Ok(pid)
}

/// The account paid from: by Account.AccountID, Account.Code or Code; an active BANK account or one with payments
/// enabled. A malformed AccountID refuses the element alone.
fn payment_account(
    org: &Organisation,
    obj: &Map<String, Value>,
    errs: &mut Vec<String>,
) -> Result<Option<Account>, Vec<String>> {
    let account_ref = obj_of(obj, "Account");
    let account = match (
        account_ref.map(|a| uuid_of(a, "AccountID")).transpose().map_err(|e| vec![e])?.flatten(),
        account_ref.and_then(|a| str_of(a, "Code")).or_else(|| str_of(obj, "Code")),
    ) {
        (Some(id), _) => org.account(id).cloned().or_else(|| {
            errs.push(format!("Account with AccountID {id} could not be found."));
            None
        }),
        (None, Some(code)) => org.account_by_code(&code).cloned().or_else(|| {
            errs.push(format!("Account code '{code}' is not a valid code."));
            None
        }),
        (None, None) => {
            errs.push("You must specify and Account code or Account ID for the payment".into());
            None
        }
    };
    if let Some(a) = &account {
        if !a.active() || !(a.typ == "BANK" || a.enable_payments) {
            errs.push(format!(
                "Account {} cannot be used for payments: payments must be made from an active BANK account or an account with payments enabled.",
                a.code
            ));
        }
    }
    Ok(account)
}

/// The document must be AUTHORISED, with at least `amount` outstanding.
fn check_payable(d: &Doc, amount: Option<Decimal>, errs: &mut Vec<String>) {
    if d.status != "AUTHORISED" {
        if d.status == "PAID" {
            errs.push("Payment amount exceeds the amount outstanding on this document".into());
        } else {
            errs.push(format!(
                "Payments can only be made against AUTHORISED documents; this {} is {}.",
                d.kind.noun(),
                d.status
            ));
        }
    } else if let Some(a) = amount {
        if a > d.outstanding() {
            errs.push("Payment amount exceeds the amount outstanding on this document".into());
        }
    }
}

/// Stores the payment and applies it to its document (PAID when nothing remains).
fn record(org: &mut Organisation, p: Payment, now_ms: i64) -> Uuid {
    let id = p.id;
    let d = org.doc_mut(p.doc_id).expect("exists");
    d.amount_paid += p.amount;
    d.updated_ms = now_ms;
    if d.outstanding() == Decimal::ZERO {
        d.status = "PAID".into();
        d.fully_paid_on = Some(p.date);
    }
    org.payments.push(p);
    id
}

/// The Amount, more than zero, rounded to cents.
fn payment_amount(obj: &Map<String, Value>, errs: &mut Vec<String>) -> Option<Decimal> {
    match get(obj, "Amount").and_then(money::parse) {
        Some(a) if a > Decimal::ZERO => Some(money::round(a, 2)),
        Some(_) => {
            errs.push("Payment amount must be greater than zero.".into());
            None
        }
        None => {
            errs.push("Payment Amount must be specified.".into());
            None
        }
    }
}
