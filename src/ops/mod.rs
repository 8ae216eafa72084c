//! Every operation of the API, by name: typed request in, typed result out, wrapped in the one envelope.
//!
//! The C functions (`xero_configure`, `xero_push_invoice`, ...) and `xero_call(name, json)` all end here, so an
//! operation behaves the same whichever way it is called, and a new operation needs no new C symbol.

mod authenticate;
mod authorize_url;
mod configure;
mod connections;
mod debug_panic;
mod disconnect;
mod export_state;
mod get_accounts;
mod get_documents;
mod get_tax_rates;
mod get_tracking_categories;
mod import_state;
mod log_level;
mod push_contacts;
mod push_credit_notes;
mod push_invoice;
mod push_invoices;
mod push_items;
mod push_payments;
mod set_tenant;
mod status;
mod version;

use crate::error::{Error, ErrorCode, Result};
use crate::json;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

/// One operation: its public name and its handler.
pub struct Operation {
    pub name: &'static str,
    run: fn(&[crate::json::Member<'_>]) -> Result<Box<RawValue>>,
}

/// The operations, in the order the README lists them.
pub static OPERATIONS: &[Operation] = &[
    Operation { name: "version", run: |v| typed(v, version::run) },
    Operation { name: "configure", run: |v| typed(v, configure::run) },
    Operation { name: "set_log_level", run: |v| typed(v, log_level::run) },
    Operation { name: "authorize_url", run: authorize_url::run },
    Operation { name: "authenticate", run: authenticate::run },
    Operation { name: "connections", run: connections::run },
    Operation { name: "set_tenant", run: set_tenant::run },
    Operation { name: "status", run: status::run },
    Operation { name: "disconnect", run: disconnect::run },
    Operation { name: "export_state", run: export_state::run },
    Operation { name: "import_state", run: import_state::run },
    Operation { name: "push_invoice", run: push_invoice::run },
    Operation { name: "push_invoices", run: push_invoices::run },
    Operation { name: "push_contacts", run: push_contacts::run },
    Operation { name: "push_items", run: push_items::run },
    Operation { name: "push_credit_notes", run: push_credit_notes::run },
    Operation { name: "push_payments", run: push_payments::run },
    Operation { name: "get_accounts", run: get_accounts::run },
    Operation { name: "get_tax_rates", run: get_tax_rates::run },
    Operation { name: "get_tracking_categories", run: get_tracking_categories::run },
    Operation { name: "get_documents", run: get_documents::run },
    Operation { name: "debug_panic", run: |v| typed(v, debug_panic::run) },
];

/// Runs the operation `name` on the request text and returns the envelope as JSON text.
///
/// `request` is `None` when the host passed NULL. The `request_id` member, when present, is echoed back.
pub fn call(name: &str, request: Option<&[u8]>) -> String {
    let mut request_id = None;
    let result = (|| {
        let bytes = request.ok_or_else(|| Error::new(ErrorCode::BadJson, "request is NULL: expected a JSON object"))?;
        let mut members = json::parse_members(bytes)?;
        request_id = json::request_id(&members);
        members.retain(|(k, _)| k != "request_id");
        let operation = find(name)?;
        (operation.run)(&members)
    })();
    envelope(result, request_id)
}

/// The operation called `name`.
pub fn find(name: &str) -> Result<&'static Operation> {
    OPERATIONS.iter().find(|op| op.name == name).ok_or_else(|| {
        let known: Vec<&str> = OPERATIONS.iter().map(|op| op.name).collect();
        Error::new(ErrorCode::UnknownOperation, format!("no operation named `{name}`")).with("known_operations", known)
    })
}

/// `{"ok":true,"result":...}` or `{"ok":false,"error":{...}}`, with the caller's `request_id` when given.
pub fn envelope(result: Result<Box<RawValue>>, request_id: Option<Value>) -> String {
    #[derive(Serialize)]
    struct Envelope<'a> {
        ok: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        result: Option<&'a RawValue>,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<&'a Error>,
        #[serde(skip_serializing_if = "Option::is_none")]
        request_id: Option<&'a Value>,
    }
    let (result, error) = match &result {
        Ok(raw) => (Some(raw.as_ref()), None),
        Err(e) => (None, Some(e)),
    };
    let envelope = Envelope { ok: result.is_some(), result, error, request_id: request_id.as_ref() };
    serde_json::to_string(&envelope).unwrap_or_else(|_| {
        // Only an error whose details cannot be written gets here.
        let id = request_id.map(|id| format!(",\"request_id\":{id}")).unwrap_or_default();
        format!(
            "{{\"ok\":false,\"error\":{{\"code\":\"internal\",\"message\":\"the answer could not be written\"}}{id}}}"
        )
    })
}

/// Runs a push operation on the connection named `connection`: its link functions are checked first (so a
/// connection without them answers `function_disabled` whatever its sign-in state), then the session is opened.
fn push<Req>(
    connection: &str,
    needs: &crate::push::Needs,
    request: Req,
    run: fn(&crate::registry::Connection, Req, &dyn crate::push::XeroApi) -> Result<crate::push::schema::PushResponse>,
) -> Result<crate::push::schema::PushResponse> {
    let connection = crate::registry::get(connection)?;
    needs.check(&connection.config)?;
    let api = crate::push::SessionApi::new(crate::auth::session(&connection)?);
    run(&connection, request, &api)
}

/// Decodes the typed request, runs the handler, encodes the typed result.
pub(crate) fn typed<Req, Res>(
    members: &[crate::json::Member<'_>],
    handler: fn(Req) -> Result<Res>,
) -> Result<Box<RawValue>>
where
    Req: DeserializeOwned,
    Res: Serialize,
{
    let request: Req = json::from_members(members)?;
    let result = handler(request)?;
    serde_json::value::to_raw_value(&result).map_err(|e| Error::internal(format!("result could not be encoded: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_name_is_unique() {
        let mut names: Vec<&str> = OPERATIONS.iter().map(|op| op.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), OPERATIONS.len());
    }

    #[test]
    fn request_id_is_echoed_on_success_and_error() {
        let ok: Value = serde_json::from_str(&call("version", Some(br#"{"request_id":"r-1"}"#))).unwrap();
        assert_eq!(ok["ok"], true);
        assert_eq!(ok["request_id"], "r-1");
        let err: Value = serde_json::from_str(&call("nope", Some(br#"{"request_id":7}"#))).unwrap();
        assert_eq!(err["error"]["code"], "unknown_operation");
        assert_eq!(err["request_id"], 7);
    }
}
