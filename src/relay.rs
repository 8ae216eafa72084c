//! Host callbacks run on the thread that made the host's call.
//!
//! The header promises that log and progress callbacks run synchronously on the thread of the `xero_*` call:
//! hosts that keep per-thread context (IRIS, Python's interpreter state) rely on it. A push sends independent
//! batches from helper threads; what those threads would hand the host is forwarded to the calling thread,
//! which runs it between its own waits ([`Inbox::deliver`]).

use std::cell::RefCell;
use std::sync::mpsc;

/// A call of a host callback, made where it belongs.
pub type Job = Box<dyn FnOnce() + Send>;

thread_local! {
    /// Set on helper threads: where their host callbacks go.
    static FORWARD: RefCell<Option<mpsc::Sender<Job>>> = const { RefCell::new(None) };
}

/// Whether this thread forwards its host callbacks (a helper thread of a call).
pub fn forwarding() -> bool {
    FORWARD.with(|f| f.borrow().is_some())
}

/// Runs `job` now, or on a helper thread hands it to the calling thread (which runs it before the call returns).
pub fn to_host(job: Job) {
    let unsent = FORWARD.with(|f| match &*f.borrow() {
        Some(tx) => tx.send(job).err().map(|e| e.0),
        None => Some(job),
    });
    // Not forwarded (no helper thread, or the caller stopped listening): run here rather than lose it.
    if let Some(job) = unsent {
        job();
    }
}

/// The calling thread's end: helper threads' callbacks arrive here.
pub struct Inbox {
    tx: mpsc::Sender<Job>,
    rx: mpsc::Receiver<Job>,
}

impl Inbox {
    pub fn new() -> Inbox {
        let (tx, rx) = mpsc::channel();
        Inbox { tx, rx }
    }

    /// A sender to hand to a helper thread, which calls [`Forwarder::install`] there.
    pub fn forwarder(&self) -> Forwarder {
        Forwarder(self.tx.clone())
    }

    /// Runs every callback that has arrived; called by the calling thread.
    pub fn deliver(&self) {
        while let Ok(job) = self.rx.try_recv() {
            job();
        }
    }
}

impl Default for Inbox {
    fn default() -> Self {
        Inbox::new()
    }
}

/// What a helper thread takes along to forward its host callbacks.
pub struct Forwarder(mpsc::Sender<Job>);

impl Forwarder {
    /// Makes the current (helper) thread forward until the guard drops.
    pub fn install(self) -> Forwarding {
        FORWARD.with(|f| *f.borrow_mut() = Some(self.0));
        Forwarding(std::marker::PhantomData)
    }
}

/// While it lives, the thread forwards its host callbacks.
pub struct Forwarding(std::marker::PhantomData<*const ()>);

impl Drop for Forwarding {
    fn drop(&mut self) {
        FORWARD.with(|f| *f.borrow_mut() = None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    #[test]
    fn a_helper_threads_callbacks_run_on_the_calling_thread() {
        let inbox = Inbox::new();
        let ran_on = Arc::new(Mutex::new(Vec::new()));
        std::thread::scope(|s| {
            let forwarder = inbox.forwarder();
            let ran_on = ran_on.clone();
            s.spawn(move || {
                let _f = forwarder.install();
                assert!(forwarding());
                to_host(Box::new(move || ran_on.lock().unwrap().push(std::thread::current().id())));
            });
        });
        assert!(ran_on.lock().unwrap().is_empty(), "nothing ran on the helper thread");
        inbox.deliver();
        assert_eq!(*ran_on.lock().unwrap(), vec![std::thread::current().id()]);
        assert!(!forwarding());
    }
}
