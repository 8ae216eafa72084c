//! What a token answer writes into the connection's record: a refresh committed (the refresh token stored before
//! the access token is handed out) or given up (`reauth_required`), and the grant of a new sign-in.

use super::held::Held;
use super::{ConnectionTokens, Outcome, TARGET, margin_ms};
use crate::auth::oauth;
use crate::auth::state::{State, now_ms, usable_grant};
use crate::config::GrantType;
use crate::error::{Error, ErrorCode, Result};
use crate::log::Level;
use crate::secret::Secret;
use crate::store::tokens::{GrantRecord, Reauth};
use crate::xlog;

impl ConnectionTokens {
    /// Commits the new tokens (refresh token first in the store, then the access token is handed out).
    /// `replaced` is the refresh token stored at `generation`: kept, sealed for its new field, for the grace window.
    pub(super) fn commit(
        &self,
        held: &mut Held<'_>,
        generation: u64,
        replaced: Option<&Secret>,
        set: oauth::TokenSet,
    ) -> Result<Outcome> {
        let owner = held.owner.as_str();
        let access = self.state.seal("access_token", &set.access_token)?;
        let new_refresh = set.refresh_token.as_ref().map(|t| self.state.seal("refresh_token", t)).transpose()?;
        let previous = replaced.map(|t| self.state.seal("previous_refresh_token", t)).transpose()?;
        let now = now_ms();
        let committed = self.state.update(|latest| {
            if latest.generation != generation || latest.grant.is_none() {
                // Someone committed newer tokens (our lease had run out) or signed out: theirs stands.
                if latest.lease.as_ref().is_some_and(|l| l.owner == owner) {
                    latest.lease = None;
                }
                return Ok(false);
            }
            let g = latest.grant.as_mut().expect("checked");
            g.access_token = access.clone();
            g.access_expires_at_ms = set.expires_at_ms();
            g.access_lifetime_ms = set.lifetime.as_millis() as i64;
            if let Some(rt) = &new_refresh {
                // Same generation: the stored refresh token is still the one opened as `replaced`.
                if g.refresh_token.replace(rt.clone()).is_some() {
                    g.previous_refresh_token = previous.clone();
                    g.rotated_at_ms = Some(now);
                }
            }
            if let Some(scopes) = &set.scopes {
                g.scopes = scopes.clone();
            }
            g.refreshed_at_ms = Some(now);
            g.refresh_in_doubt_since_ms = None;
            latest.generation += 1;
            latest.lease = None;
            latest.reauth = None;
            latest.refresh_failure = None;
            Ok(true)
        })?;
        held.gone = true;
        if !committed {
            return Ok(Outcome::Retry);
        }
        xlog!(
            Level::Debug,
            TARGET,
            "{}: access token refreshed, valid {} s",
            self.state.connection,
            set.lifetime.as_secs()
        );
        let refresh_at = set.expires_at_ms() - margin_ms(set.lifetime.as_millis() as i64);
        self.remember(&set.access_token, refresh_at);
        Ok(Outcome::Token(set.access_token))
    }

    /// Marks the connection `reauth_required` (unless newer tokens arrived meanwhile) and says so.
    pub(super) fn give_up(&self, held: &mut Held<'_>, generation: u64, reason: &str) -> Result<Outcome> {
        let owner = held.owner.as_str();
        let marked = self.state.update(|latest| {
            if latest.lease.as_ref().is_some_and(|l| l.owner == owner) {
                latest.lease = None;
            }
            if latest.generation != generation {
                return Ok(false);
            }
            latest.reauth = Some(Reauth { reason: reason.to_owned(), since_ms: now_ms() });
            Ok(true)
        })?;
        held.gone = true;
        if !marked {
            return Ok(Outcome::Retry);
        }
        self.forget_cache();
        xlog!(Level::Error, TARGET, "{}: an administrator must sign in to Xero again: {reason}", self.state.connection);
        let record = self.state.load()?.record;
        Err(usable_grant(&self.state.connection, &record)
            .err()
            .unwrap_or_else(|| Error::new(ErrorCode::ReauthRequired, reason.to_owned())))
    }
}

/// A new grant from a token answer (sign-in).
pub fn new_grant(
    state: &State,
    grant_type: GrantType,
    set: &oauth::TokenSet,
    requested: Vec<String>,
) -> Result<GrantRecord> {
    let now = now_ms();
    Ok(GrantRecord {
        grant_type,
        access_token: state.seal("access_token", &set.access_token)?,
        access_expires_at_ms: set.expires_at_ms(),
        access_lifetime_ms: set.lifetime.as_millis() as i64,
        refresh_token: set.refresh_token.as_ref().map(|t| state.seal("refresh_token", t)).transpose()?,
        previous_refresh_token: None,
        rotated_at_ms: None,
        scopes: set.scopes.clone().unwrap_or(requested),
        signed_in_at_ms: now,
        refreshed_at_ms: None,
        refresh_in_doubt_since_ms: None,
    })
}
