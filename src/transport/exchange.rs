//! One HTTP exchange with Xero: the request built from the call and sent on the shared client, the answer read
//! in full, or the failure described by kind and cause.

use super::call::Call;
use super::client;
use crate::error::{Error, ErrorCode, Result};
use crate::secret::Secret;
use reqwest::header::HeaderMap;
use std::time::Duration;
use url::Url;

/// What one exchange gave: Xero's answer, or a failure and whether the request may have reached Xero.
pub(super) enum Outcome {
    Answer { status: u16, headers: HeaderMap, body: Vec<u8> },
    Failed { reached_xero: bool, error: Error },
}

impl Call<'_> {
    /// One HTTP exchange: request sent, answer read in full.
    pub(super) fn exchange(&self, token: &Secret, timeout: Duration) -> Outcome {
        let client = match client(&self.target.config.timeouts) {
            Ok(client) => client,
            Err(error) => return Outcome::Failed { reached_xero: false, error },
        };
        let mut request = client
            .request(self.call.method.clone(), self.url.clone())
            .timeout(timeout)
            .bearer_auth(token.expose())
            .header(reqwest::header::ACCEPT, "application/json");
        if let Some(tenant) = self.target.tenant_id {
            request = request.header("xero-tenant-id", tenant);
        }
        if let Some(key) = &self.call.idempotency_key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(body) = &self.call.body {
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(body.clone());
        }
        let response = match request.send() {
            Ok(response) => response,
            Err(e) => {
                return Outcome::Failed { reached_xero: !e.is_connect(), error: network_error(&e, timeout) };
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        match response.bytes() {
            Ok(body) => Outcome::Answer { status, headers, body: body.to_vec() },
            // The answer was cut off after its status: Xero got the request.
            Err(e) => Outcome::Failed { reached_xero: true, error: network_error(&e, timeout) },
        }
    }
}

/// The full URL of an Accounting API path: the configured base, the path, the query.
pub(super) fn accounting_url(base: &Url, path: &str, query: &[(String, String)]) -> Result<Url> {
    if !path.starts_with('/') || path.contains(['?', '#']) || path.split('/').any(|s| s == "..") {
        return Err(Error::internal(format!("`{path}` is not an Accounting API path")));
    }
    let mut url = Url::parse(&format!("{}{path}", base.as_str().trim_end_matches('/')))
        .map_err(|e| Error::internal(format!("`{path}` does not make a URL: {e}")))?;
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    Ok(url)
}

/// A transport failure, described by kind and its innermost cause (never the URL).
fn network_error(e: &reqwest::Error, timeout: Duration) -> Error {
    let mut cause: Option<String> = None;
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = Some(s.to_string());
        source = s.source();
    }
    let cause = cause.map(|c| format!(" ({c})")).unwrap_or_default();
    if e.is_timeout() {
        Error::new(ErrorCode::Timeout, format!("Xero did not answer within {} ms{cause}", timeout.as_millis()))
            .with("timeout_ms", timeout.as_millis() as u64)
    } else if e.is_connect() {
        Error::new(ErrorCode::Network, format!("cannot connect to Xero{cause}"))
    } else {
        Error::new(ErrorCode::Network, format!("the connection to Xero failed before its answer was complete{cause}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_join_base_path_and_query() {
        let base = Url::parse("https://api.xero.com/api.xro/2.0").unwrap();
        let q = vec![("summarizeErrors".to_owned(), "false".to_owned()), ("where".to_owned(), "A==\"b c\"".to_owned())];
        let url = accounting_url(&base, "/Invoices", &q).unwrap();
        assert_eq!(
            url.as_str(),
            "https://api.xero.com/api.xro/2.0/Invoices?summarizeErrors=false&where=A%3D%3D%22b+c%22"
        );
        for bad in ["Invoices", "/Invoices?x=1", "/../connections"] {
            assert!(accounting_url(&base, bad, &[]).is_err(), "{bad}");
        }
    }
}
