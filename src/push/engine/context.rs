//! The context of one push call: the connection's configuration, ledger scope, store, Xero API and deadline,
//! and the organisation's reference data (accounts, tax rates, tracking) the records are checked against.

use super::super::api::XeroApi;
use super::super::checks::RefData;
use super::super::map::RefCheck;
use super::super::schema::RecordError;
use super::spec::SEP;
use crate::config::Config;
use crate::deadline::Deadline;
use crate::error::{Error, ErrorCode, Result};
use crate::store::Store;
use crate::store::ledger::Scope;
use crate::transport::{ApiCall, ApiResponse, CallError};
use once_cell::sync::Lazy;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Reference data read by an earlier push is reused this many of Xero's minutes (a record it finds a problem
/// with is checked again against a fresh read, so a new account is never refused for staleness).
const REFDATA_MINUTES: u64 = 5;

/// Everything one push call works with.
pub struct Ctx<'a> {
    pub config: &'a Config,
    pub scope: Scope,
    pub store: Arc<Store>,
    pub api: &'a dyn XeroApi,
    pub deadline: Deadline,
    pub dry_run: bool,
    /// Documents the ledger finds unchanged are read back from Xero all the same.
    pub verify: bool,
    /// The reference data used for checks, and whether it was read during this call.
    refdata: OnceLock<std::result::Result<(Arc<RefData>, bool), Error>>,
    /// A fresh read, made when cached reference data finds a problem.
    fresh: OnceLock<std::result::Result<Arc<RefData>, Error>>,
}

/// Reference data by organisation (state dir, API base, connection, tenant), with until when it may be reused.
/// Entries past that are dropped whenever one is stored: the cache holds only the organisations pushed to in the
/// last few minutes, however many connections the process has had.
static REFDATA: Lazy<Mutex<HashMap<String, CachedRefData>>> = Lazy::new(Default::default);
type CachedRefData = (Arc<RefData>, Instant);

impl<'a> Ctx<'a> {
    pub fn new(config: &'a Config, api: &'a dyn XeroApi, deadline: Deadline, dry_run: bool) -> Result<Ctx<'a>> {
        let store = crate::store::open(&config.state_dir)?;
        let scope = Scope { connection: config.connection.clone(), tenant_id: api.tenant_id().to_owned() };
        Ok(Ctx {
            config,
            scope,
            store,
            api,
            deadline,
            dry_run,
            verify: false,
            refdata: OnceLock::new(),
            fresh: OnceLock::new(),
        })
    }

    fn refdata_key(&self) -> String {
        format!(
            "{}{SEP}{}{SEP}{}{SEP}{}",
            self.config.state_dir.display(),
            self.config.endpoints.accounting,
            self.scope.connection,
            self.scope.tenant_id
        )
    }

    /// Reads the reference data from Xero and keeps it for later calls.
    fn load_refdata(&self) -> std::result::Result<Arc<RefData>, Error> {
        let rd = Arc::new(RefData::load(self.api, self.deadline)?);
        let now = Instant::now();
        let mut cache = REFDATA.lock();
        cache.retain(|_, (_, until)| *until > now);
        cache.insert(self.refdata_key(), (rd.clone(), now + self.refdata_ttl()));
        Ok(rd)
    }

    fn refdata_ttl(&self) -> Duration {
        Duration::from_millis(self.config.limits.minute_ms.saturating_mul(REFDATA_MINUTES))
    }

    /// The organisation's reference data: read on first use, or reused from a call a few minutes ago (it costs
    /// three of the 60 calls a minute, and a host pushes many small calls).
    fn refdata(&self) -> std::result::Result<&(Arc<RefData>, bool), Error> {
        self.refdata
            .get_or_init(|| {
                let cached = REFDATA.lock().get(&self.refdata_key()).cloned();
                match cached {
                    Some((rd, until)) if Instant::now() < until => Ok((rd, false)),
                    _ => self.load_refdata().map(|rd| (rd, true)),
                }
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Problems of `refs` against the reference data; problems found in reused data are confirmed by a fresh read.
    pub fn check_refs(&self, refs: &[RefCheck]) -> std::result::Result<Vec<RecordError>, Error> {
        if refs.is_empty() {
            return Ok(Vec::new());
        }
        let (rd, read_now) = self.refdata()?;
        let problems = Self::ref_problems(rd, refs);
        if problems.is_empty() || *read_now {
            return Ok(problems);
        }
        let fresh = self.fresh.get_or_init(|| self.load_refdata()).as_ref().map_err(Clone::clone)?;
        Ok(Self::ref_problems(fresh, refs))
    }

    fn ref_problems(rd: &RefData, refs: &[RefCheck]) -> Vec<RecordError> {
        let mut out = Vec::new();
        for r in refs {
            let (path, problem) = match r {
                RefCheck::Account { path, code, what } => {
                    (path, rd.account_problem(code).map(|m| format!("{what}: {m}")))
                }
                RefCheck::Bank { path, code } => (path, rd.bank_account_problem(code)),
                RefCheck::Inventory { path, code } => (path, rd.inventory_account_problem(code)),
                RefCheck::Tax { path, code } => (path, rd.tax_problem(code)),
                RefCheck::Tracking { path, category, option, what } => {
                    (path, rd.tracking_problem(category, option).map(|m| format!("{what}: {m}")))
                }
            };
            if let Some(message) = problem {
                out.push(RecordError { code: ErrorCode::Validation, message, path: Some(path.clone()) });
            }
        }
        out
    }

    pub fn send(&self, call: &ApiCall) -> std::result::Result<ApiResponse, CallError> {
        self.api.send(call, self.deadline)
    }
}
