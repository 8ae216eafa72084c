//! Progress of long operations (a push of many documents) for the host: how many done of how many, and when
//! the operation is held back by a Xero rate limit, for how long. The host installs one sink (the C callback,
//! through `ffi`), like the log sink.
//!
//! An operation opens a [`Tracker`] on the calling thread; code deeper down (the transport, when it waits for
//! a limit) reports through [`waiting`] without being handed the tracker, because every step of an operation
//! runs on the caller's thread.

use once_cell::sync::Lazy;
use parking_lot::RwLock;
use serde::Serialize;
use std::cell::RefCell;
use std::sync::Arc;
use std::time::Duration;

/// One progress report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// The operation's name, e.g. `push_invoices`.
    pub operation: String,
    /// The connection it runs on, e.g. `xero-hugeerp`.
    pub connection: String,
    pub done: u64,
    pub total: u64,
    /// When held back by a rate limit: seconds until the wait ends (rounded up); otherwise absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_seconds: Option<u64>,
    /// The limit waited for: `minute`, `day`, `concurrent` or `app_minute`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<&'static str>,
}

impl Event {
    /// The JSON text the C callback receives.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

pub type Sink = Arc<dyn Fn(&Event) + Send + Sync>;

static SINK: Lazy<RwLock<Option<Sink>>> = Lazy::new(|| RwLock::new(None));

/// Installs (or with `None` removes) the process-wide progress sink.
pub fn set_sink(sink: Option<Sink>) {
    *SINK.write() = sink;
}

fn emit(event: &Event) {
    // The lock is released before the sink runs: a sink may replace itself.
    let sink = SINK.read().clone();
    let Some(sink) = sink else { return };
    if crate::relay::forwarding() {
        let event = event.clone();
        crate::relay::to_host(Box::new(move || sink(&event)));
    } else {
        sink(event);
    }
}

#[derive(Debug, Clone)]
struct Context {
    operation: String,
    connection: String,
    done: u64,
    total: u64,
}

thread_local! {
    /// Operations in progress on this thread, innermost last.
    static CURRENT: RefCell<Vec<Context>> = const { RefCell::new(Vec::new()) };
}

/// An operation in progress on this thread; reports `done` of `total`. Dropping it ends the operation.
#[derive(Debug)]
pub struct Tracker {
    depth: usize,
    // Tied to the thread whose stack it sits on.
    _not_send: std::marker::PhantomData<*const ()>,
}

/// Starts tracking an operation of `total` steps on this thread and reports `0 of total`.
pub fn begin(operation: &str, connection: &str, total: u64) -> Tracker {
    let context = Context { operation: operation.to_owned(), connection: connection.to_owned(), done: 0, total };
    let depth = CURRENT.with(|c| {
        let mut stack = c.borrow_mut();
        stack.push(context);
        stack.len()
    });
    let tracker = Tracker { depth, _not_send: std::marker::PhantomData };
    tracker.report(None);
    tracker
}

impl Tracker {
    /// `n` more steps are done.
    pub fn advance(&self, n: u64) {
        self.update(|c| c.done = c.done.saturating_add(n).min(c.total));
        self.report(None);
    }

    /// Sets the number of steps done; reported only when it changes (a host counting events sees each step once).
    pub fn set_done(&self, done: u64) {
        let mut changed = false;
        self.update(|c| {
            let done = done.min(c.total);
            changed = c.done != done;
            c.done = done;
        });
        if changed {
            self.report(None);
        }
    }

    fn update(&self, f: impl FnOnce(&mut Context)) {
        CURRENT.with(|c| {
            if let Some(context) = c.borrow_mut().get_mut(self.depth - 1) {
                f(context);
            }
        });
    }

    fn report(&self, wait: Option<(Duration, &'static str)>) {
        let context = CURRENT.with(|c| c.borrow().get(self.depth - 1).cloned());
        if let Some(context) = context {
            emit(&event(context, wait));
        }
    }
}

impl Drop for Tracker {
    fn drop(&mut self) {
        CURRENT.with(|c| c.borrow_mut().truncate(self.depth - 1));
    }
}

/// The innermost operation on this thread, to carry to a helper thread of it (see [`Carried::enter`]).
#[derive(Debug, Clone)]
pub struct Carried(Option<Context>);

pub fn carry() -> Carried {
    Carried(CURRENT.with(|c| c.borrow().last().cloned()))
}

impl Carried {
    /// Makes the operation current on this (helper) thread without reporting anything, so a wait for a rate
    /// limit here is reported under it; until the tracker drops.
    pub fn enter(&self) -> Option<Tracker> {
        let context = self.0.clone()?;
        let depth = CURRENT.with(|c| {
            let mut stack = c.borrow_mut();
            stack.push(context);
            stack.len()
        });
        Some(Tracker { depth, _not_send: std::marker::PhantomData })
    }
}

/// The innermost operation on this thread, if any, is waiting `wait` for `limit`: report it.
pub fn waiting(wait: Duration, limit: &'static str) {
    let context = CURRENT.with(|c| c.borrow().last().cloned());
    if let Some(context) = context {
        emit(&event(context, Some((wait, limit))));
    }
}

fn event(context: Context, wait: Option<(Duration, &'static str)>) -> Event {
    Event {
        operation: context.operation,
        connection: context.connection,
        done: context.done,
        total: context.total,
        waiting_seconds: wait.map(|(d, _)| d.as_millis().div_ceil(1000) as u64),
        limit: wait.map(|(_, l)| l),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parking_lot::Mutex;

    // The sink is process-wide: the tests that install one run under this lock.
    static SERIAL: Mutex<()> = Mutex::new(());

    fn capture() -> Arc<Mutex<Vec<Event>>> {
        let events = Arc::new(Mutex::new(Vec::new()));
        let sink_events = Arc::clone(&events);
        set_sink(Some(Arc::new(move |e: &Event| sink_events.lock().push(e.clone()))));
        events
    }

    #[test]
    fn reports_done_of_total_and_waits_of_the_current_operation() {
        let _serial = SERIAL.lock();
        let events = capture();
        {
            let tracker = begin("push_invoices", "xero-test", 3);
            tracker.advance(1);
            waiting(Duration::from_millis(1500), "minute");
            tracker.advance(5);
        }
        waiting(Duration::from_secs(1), "minute"); // no operation: nothing to report
        set_sink(None);
        let events = events.lock();
        let seen: Vec<_> = events.iter().map(|e| (e.done, e.total, e.waiting_seconds, e.limit)).collect();
        assert_eq!(
            seen,
            vec![(0, 3, None, None), (1, 3, None, None), (1, 3, Some(2), Some("minute")), (3, 3, None, None)]
        );
        assert_eq!(
            events[2].to_json(),
            r#"{"operation":"push_invoices","connection":"xero-test","done":1,"total":3,"waiting_seconds":2,"limit":"minute"}"#
        );
    }

    #[test]
    fn setting_the_same_count_again_reports_nothing() {
        let _serial = SERIAL.lock();
        let events = capture();
        {
            let tracker = begin("contact", "xero-test", 4);
            tracker.set_done(0);
            tracker.set_done(2);
            tracker.set_done(2);
        }
        set_sink(None);
        let seen: Vec<_> = events.lock().iter().map(|e| e.done).collect();
        assert_eq!(seen, vec![0, 2]);
    }

    #[test]
    fn nested_operations_report_the_innermost_and_unwind_cleanly() {
        let _serial = SERIAL.lock();
        let events = capture();
        let outer = begin("outer", "c", 2);
        {
            let _inner = begin("inner", "c", 10);
            waiting(Duration::from_secs(3), "day");
        }
        outer.advance(1);
        set_sink(None);
        let events = events.lock();
        let ops: Vec<_> = events.iter().map(|e| (e.operation.as_str(), e.done, e.limit)).collect();
        assert_eq!(ops, vec![("outer", 0, None), ("inner", 0, None), ("inner", 0, Some("day")), ("outer", 1, None)]);
    }
}
