//! Idempotency keys for batch writes: the same content gives the same key, so a batch sent again after a lost
//! answer is never applied twice; a key whose answer came back is not reused.

use super::context::Ctx;
use crate::store::ledger::Scope;
use crate::transport::ApiCall;
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// Idempotency-Key: the same request content gives the same key, whichever attempt or push sends it. So a batch
/// sent again after a lost answer, with nothing of it found in Xero, is either processed now or (if the first
/// request was only slow and committed meanwhile) answered with Xero's original response: never a duplicate.
/// A batch sent again without the records that did land has other content and so a new key.
pub(super) fn idempotency_key(scope: &Scope, call: &ApiCall) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for part in [scope.connection.as_bytes(), scope.tenant_id.as_bytes(), call.method.as_str().as_bytes()] {
        h.update(part);
        h.update([0]);
    }
    h.update(call.path.as_bytes());
    for (k, v) in &call.query {
        h.update(k.as_bytes());
        h.update(b"=");
        h.update(v.as_bytes());
        h.update(b"&");
    }
    h.update(call.body.as_deref().unwrap_or_default());
    format!("xero-link-{}", hex::encode(h.finalize()))
}

/// Idempotency keys whose answer this process received. Xero replays the answer of a key for 6 minutes
/// (Idempotency-Key in Xero's accounting spec): sent again, a batch Xero refused would get the old refusal even
/// after its cause was fixed (an archived contact restored, an account added). Only a lost answer needs the
/// replay, so a key whose answer came back is not used again.
static ANSWERED_KEYS: Lazy<Mutex<HashMap<String, Instant>>> = Lazy::new(Default::default);
/// Keys remembered before those past Xero's retention are dropped.
const ANSWERED_KEYS_PRUNE_AT: usize = 1_024;

/// `key`, or a new one when `key`'s answer was already received within Xero's retention (6 of its minutes).
pub(super) fn unanswered_key(ctx: &Ctx<'_>, key: String) -> String {
    let retention = Duration::from_millis(ctx.config.limits.minute_ms.saturating_mul(6));
    let mut answered = ANSWERED_KEYS.lock();
    if answered.len() >= ANSWERED_KEYS_PRUNE_AT {
        answered.retain(|_, at| at.elapsed() < retention);
    }
    match answered.get(&key) {
        Some(at) if at.elapsed() < retention => format!("{key}-{:016x}", rand::random::<u64>()),
        _ => key,
    }
}

/// Notes that the answer to `key` came back.
pub(super) fn answered(key: &str) {
    ANSWERED_KEYS.lock().insert(key.to_owned(), Instant::now());
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transport::MAX_IDEMPOTENCY_KEY_LEN;

    fn call(body: &str) -> ApiCall {
        ApiCall {
            method: http::Method::PUT,
            path: "/Invoices".into(),
            query: vec![("summarizeErrors".into(), "false".into())],
            body: Some(body.as_bytes().to_vec()),
            idempotency_key: None,
        }
    }

    #[test]
    fn the_key_is_the_same_for_the_same_request_and_fits_xero() {
        let scope = Scope { connection: "xero-a".into(), tenant_id: "t1".into() };
        let key = idempotency_key(&scope, &call(r#"{"Total":"10.00"}"#));
        assert_eq!(key, idempotency_key(&scope, &call(r#"{"Total":"10.00"}"#)));
        assert!(key.len() <= MAX_IDEMPOTENCY_KEY_LEN - 17 && key.bytes().all(|b| b.is_ascii_graphic()), "{key}");
        assert_ne!(key, idempotency_key(&scope, &call(r#"{"Total":"10.01"}"#)));
        let other = Scope { connection: "xero-a".into(), tenant_id: "t2".into() };
        assert_ne!(key, idempotency_key(&other, &call(r#"{"Total":"10.00"}"#)));
    }
}
