//! Log records for the host: level, target, message. The host installs one sink (the C callback, through
//! `ffi`); records below the chosen level cost nothing. Callers never put secrets in a message.

use once_cell::sync::Lazy;
use parking_lot::RwLock;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::sync::atomic::{AtomicI32, Ordering};

/// Log levels; the numbers are part of the C contract (`XERO_LOG_*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[repr(i32)]
pub enum Level {
    Error = 1,
    Warn = 2,
    Info = 3,
    Debug = 4,
    Trace = 5,
}

pub type Sink = Arc<dyn Fn(Level, &str, &str) + Send + Sync>;

static SINK: Lazy<RwLock<Option<Sink>>> = Lazy::new(|| RwLock::new(None));
static MAX_LEVEL: AtomicI32 = AtomicI32::new(Level::Info as i32);

/// Installs (or with `None` removes) the process-wide sink.
pub fn set_sink(sink: Option<Sink>) {
    *SINK.write() = sink;
}

pub fn set_max_level(level: Level) {
    MAX_LEVEL.store(level as i32, Ordering::Relaxed);
}

pub fn max_level() -> Level {
    match MAX_LEVEL.load(Ordering::Relaxed) {
        1 => Level::Error,
        2 => Level::Warn,
        3 => Level::Info,
        4 => Level::Debug,
        _ => Level::Trace,
    }
}

pub fn enabled(level: Level) -> bool {
    (level as i32) <= MAX_LEVEL.load(Ordering::Relaxed) && SINK.read().is_some()
}

/// Sends one record to the sink. The lock is released before the sink runs, so a sink may log or even
/// replace itself without deadlock.
pub fn emit(level: Level, target: &str, message: &str) {
    if (level as i32) > MAX_LEVEL.load(Ordering::Relaxed) {
        return;
    }
    let sink = SINK.read().clone();
    let Some(sink) = sink else { return };
    if crate::relay::forwarding() {
        let (target, message) = (target.to_owned(), message.to_owned());
        crate::relay::to_host(Box::new(move || sink(level, &target, &message)));
    } else {
        sink(level, target, message);
    }
}

/// `xlog!(Level::Info, "xero_link::transport", "GET {} -> {}", path, status)`: formats only when enabled.
#[macro_export]
macro_rules! xlog {
    ($level:expr, $target:expr, $($arg:tt)+) => {
        if $crate::log::enabled($level) {
            $crate::log::emit($level, $target, &format!($($arg)+));
        }
    };
}
