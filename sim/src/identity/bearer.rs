//! Bearer tokens on API calls, the connections they reach, and the control API's view of them.

use super::*;

impl Identity {
    pub(crate) fn authenticate(&self, token: &str, now: i64) -> Result<AccessToken, AuthError> {
        let Some(t) = self.access.get(token) else {
            return Err(AuthError::Unknown);
        };
        let revoked = self.grants.get(&t.grant_id).is_none_or(|g| g.revoked);
        if revoked && self.unknowns.revoked_access == RevokedAccess::Refused {
            return Err(AuthError::Unknown);
        }
        if t.expires_ms <= now {
            return Err(AuthError::Expired(t.expires_ms));
        }
        Ok(t.clone())
    }

    /// The tenant an Accounting call acts on, if the token may reach it.
    pub(crate) fn tenant_for(&self, tok: &AccessToken, header: Option<&str>) -> Option<String> {
        let tenant = match (&tok.custom_tenant, header) {
            (Some(ct), None) => ct.clone(),
            (Some(ct), Some(h)) if h.eq_ignore_ascii_case(ct) => ct.clone(),
            (Some(_), Some(_)) => return None,
            (None, Some(h)) => h.to_ascii_lowercase(),
            (None, None) => return None,
        };
        self.connections
            .iter()
            .find(|c| c.client_id == tok.client_id && c.tenant_id.eq_ignore_ascii_case(&tenant))
            .map(|c| c.tenant_id.clone())
    }

    /// `GET /connections` for this token.
    pub(crate) fn connections_of(&self, tok: &AccessToken, auth_event_id: Option<&str>) -> Vec<Value> {
        self.connections
            .iter()
            .filter(|c| c.client_id == tok.client_id)
            .filter(|c| tok.custom_tenant.as_ref().is_none_or(|t| t == &c.tenant_id))
            .filter(|c| auth_event_id.is_none_or(|e| c.auth_event_id.eq_ignore_ascii_case(e)))
            .map(Connection::to_xero)
            .collect()
    }

    /// `DELETE /connections/{id}`.
    pub(crate) fn delete_connection(&mut self, tok: &AccessToken, id: &str) -> bool {
        let before = self.connections.len();
        self.connections.retain(|c| !(c.client_id == tok.client_id && c.id.eq_ignore_ascii_case(id)));
        before != self.connections.len()
    }

    // ----- control -----

    pub(crate) fn all_connections(&self) -> Vec<Connection> {
        self.connections.clone()
    }

    /// Removes connections to `tenant` (of one app or all), as if disconnected from Xero's side.
    pub(crate) fn revoke_tenant(&mut self, tenant: &str, client_id: Option<&str>) -> usize {
        let before = self.connections.len();
        self.connections
            .retain(|c| !(c.tenant_id.eq_ignore_ascii_case(tenant) && client_id.is_none_or(|id| id == c.client_id)));
        before - self.connections.len()
    }

    /// Makes every access token expired as of `now`.
    pub(crate) fn expire_access_tokens(&mut self, now: i64) -> usize {
        let mut n = 0;
        for t in self.access.values_mut() {
            if t.expires_ms > now {
                t.expires_ms = now;
                n += 1;
            }
        }
        n
    }
}
