//! Xero's rate limits: per tenant per app (concurrent, minute, day) and per app (minute). Fixed windows that
//! start at the first call of the window.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::config::LimitsConfig;

const MINUTE_MS: i64 = 60_000;
const DAY_MS: i64 = 86_400_000;

#[derive(Debug, Clone, Copy)]
struct Window {
    start_ms: i64,
    count: u32,
}

fn live(w: &mut Option<Window>, len: i64, now: i64) -> &mut Option<Window> {
    if matches!(w, Some(x) if x.start_ms + len <= now) {
        *w = None;
    }
    w
}

#[derive(Debug, Default)]
struct TenantState {
    minute: Option<Window>,
    day: Option<Window>,
    in_flight: u32,
    max_in_flight: u32,
}

/// Remaining budgets, as sent in the `X-*Limit-Remaining` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Remaining {
    pub minute: u32,
    pub day: u32,
    pub app_minute: u32,
}

/// A refusal: which limit, and how long (simulated ms) until its window ends (`None` for `concurrent`).
#[derive(Debug, Clone)]
pub(crate) struct Refusal {
    pub problem: &'static str,
    pub retry_after_ms: Option<i64>,
    pub remaining: Remaining,
}

/// A partial update of the limits' configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsPatch {
    pub enabled: Option<bool>,
    pub concurrent: Option<u32>,
    pub per_minute: Option<u32>,
    pub per_day: Option<u32>,
    pub app_per_minute: Option<u32>,
}

/// Sets what is left of a tenant's current windows (a window is opened now if none is running).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RemainingPatch {
    pub tenant_id: String,
    /// Only this app's budget; `None`: every registered app's.
    #[serde(default)]
    pub client_id: Option<String>,
    #[serde(default)]
    pub minute: Option<u32>,
    #[serde(default)]
    pub day: Option<u32>,
}

/// One tenant's budget for one app, for inspection.
#[derive(Debug, Clone, Serialize)]
pub struct TenantLimitState {
    pub client_id: String,
    pub tenant_id: String,
    pub remaining: Remaining,
    pub in_flight: u32,
    pub max_in_flight: u32,
}

pub(crate) struct Limits {
    pub(crate) cfg: LimitsConfig,
    tenants: HashMap<(String, String), TenantState>,
    apps: HashMap<String, Option<Window>>,
}

impl Limits {
    pub(crate) fn new(cfg: LimitsConfig) -> Self {
        Limits { cfg, tenants: HashMap::new(), apps: HashMap::new() }
    }

    fn remaining_of(&mut self, client: &str, tenant: &str, now: i64) -> Remaining {
        let cfg = &self.cfg;
        let app = self.apps.get_mut(client).and_then(|w| *live(w, MINUTE_MS, now));
        let (minute, day) = match self.tenants.get_mut(&(client.to_string(), tenant.to_string())) {
            Some(t) => (*live(&mut t.minute, MINUTE_MS, now), *live(&mut t.day, DAY_MS, now)),
            None => (None, None),
        };
        let left = |limit: u32, w: Option<Window>| limit.saturating_sub(w.map_or(0, |w| w.count));
        Remaining {
            minute: left(cfg.per_minute, minute),
            day: left(cfg.per_day, day),
            app_minute: left(cfg.app_per_minute, app),
        }
    }

    /// The budgets without counting a call, as the `X-*Limit-Remaining` headers show them: `None` while the
    /// limits are off (calls are still counted, for the control API, but nothing is sent).
    pub(crate) fn shown(&mut self, client: &str, tenant: &str, now: i64) -> Option<Remaining> {
        self.cfg.enabled.then(|| self.remaining_of(client, tenant, now))
    }

    /// Admits one call (counting it and taking a concurrency slot) or refuses it.
    /// Returns the remaining budgets after counting and the tenant's in-flight number.
    pub(crate) fn admit(&mut self, client: &str, tenant: &str, now: i64) -> Result<(Remaining, u32), Refusal> {
        let cfg = self.cfg.clone();
        let key = (client.to_string(), tenant.to_string());
        let app = self.apps.entry(client.to_string()).or_default();
        live(app, MINUTE_MS, now);
        let t = self.tenants.entry(key).or_default();
        live(&mut t.minute, MINUTE_MS, now);
        live(&mut t.day, DAY_MS, now);
        if cfg.enabled {
            let ends = |w: &Option<Window>, len: i64| w.map(|w| (w.start_ms + len - now).max(0));
            let refusal = if t.in_flight >= cfg.concurrent {
                Some(("concurrent", None))
            } else if app.map_or(0, |w| w.count) >= cfg.app_per_minute {
                Some(("appminute", ends(app, MINUTE_MS)))
            } else if t.day.map_or(0, |w| w.count) >= cfg.per_day {
                Some(("day", ends(&t.day, DAY_MS)))
            } else if t.minute.map_or(0, |w| w.count) >= cfg.per_minute {
                Some(("minute", ends(&t.minute, MINUTE_MS)))
            } else {
                None
            };
            if let Some((problem, retry_after_ms)) = refusal {
                let remaining = self.remaining_of(client, tenant, now);
                return Err(Refusal { problem, retry_after_ms, remaining });
            }
        }
        let bump = |w: &mut Option<Window>| match w {
            Some(w) => w.count = w.count.saturating_add(1),
            None => *w = Some(Window { start_ms: now, count: 1 }),
        };
        bump(app);
        bump(&mut t.minute);
        bump(&mut t.day);
        t.in_flight += 1;
        t.max_in_flight = t.max_in_flight.max(t.in_flight);
        let in_flight = self.tenant_in_flight(tenant);
        Ok((self.remaining_of(client, tenant, now), in_flight))
    }

    /// Frees a concurrency slot; returns the tenant's in-flight number (all apps).
    pub(crate) fn release(&mut self, client: &str, tenant: &str) -> u32 {
        if let Some(t) = self.tenants.get_mut(&(client.to_string(), tenant.to_string())) {
            t.in_flight = t.in_flight.saturating_sub(1);
        }
        self.tenant_in_flight(tenant)
    }

    fn tenant_in_flight(&self, tenant: &str) -> u32 {
        self.tenants.iter().filter(|((_, t), _)| t == tenant).map(|(_, s)| s.in_flight).sum()
    }

    pub(crate) fn patch(&mut self, p: &LimitsPatch) {
        let c = &mut self.cfg;
        if let Some(v) = p.enabled {
            c.enabled = v;
        }
        if let Some(v) = p.concurrent {
            c.concurrent = v;
        }
        if let Some(v) = p.per_minute {
            c.per_minute = v;
        }
        if let Some(v) = p.per_day {
            c.per_day = v;
        }
        if let Some(v) = p.app_per_minute {
            c.app_per_minute = v;
        }
    }

    pub(crate) fn set_remaining(&mut self, clients: &[String], p: &RemainingPatch, now: i64) {
        let cfg = self.cfg.clone();
        for client in clients {
            let t = self.tenants.entry((client.clone(), p.tenant_id.clone())).or_default();
            let set = |w: &mut Option<Window>, len: i64, limit: u32, left: Option<u32>| {
                if let Some(left) = left {
                    live(w, len, now);
                    let count = limit.saturating_sub(left);
                    match w {
                        Some(w) => w.count = count,
                        None => *w = Some(Window { start_ms: now, count }),
                    }
                }
            };
            set(&mut t.minute, MINUTE_MS, cfg.per_minute, p.minute);
            set(&mut t.day, DAY_MS, cfg.per_day, p.day);
        }
    }

    pub(crate) fn states(&mut self, now: i64) -> Vec<TenantLimitState> {
        let mut keys: Vec<(String, String)> = self.tenants.keys().cloned().collect();
        keys.sort();
        keys.into_iter()
            .map(|(client_id, tenant_id)| {
                let remaining = self.remaining_of(&client_id, &tenant_id, now);
                let t = &self.tenants[&(client_id.clone(), tenant_id.clone())];
                TenantLimitState {
                    remaining,
                    in_flight: t.in_flight,
                    max_in_flight: t.max_in_flight,
                    client_id,
                    tenant_id,
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minute_window_is_fixed_from_first_call() {
        let mut l = Limits::new(LimitsConfig { per_minute: 2, ..LimitsConfig::default() });
        assert_eq!(l.admit("a", "t", 1_000).unwrap().0.minute, 1);
        l.release("a", "t");
        assert_eq!(l.admit("a", "t", 30_000).unwrap().0.minute, 0);
        l.release("a", "t");
        let r = l.admit("a", "t", 60_999).unwrap_err();
        assert_eq!(r.problem, "minute");
        assert_eq!(r.retry_after_ms, Some(1));
        assert_eq!(l.admit("a", "t", 61_000).unwrap().0.minute, 1);
    }

    #[test]
    fn concurrent_slots_are_released() {
        let mut l = Limits::new(LimitsConfig { concurrent: 1, ..LimitsConfig::default() });
        l.admit("a", "t", 0).unwrap();
        assert_eq!(l.admit("a", "t", 0).unwrap_err().problem, "concurrent");
        // another tenant is not affected
        l.admit("a", "u", 0).unwrap();
        l.release("a", "t");
        l.admit("a", "t", 0).unwrap();
    }
}
