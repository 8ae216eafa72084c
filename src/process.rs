//! State that belongs to the process that built it. A host may fork after using the library (a job server
//! starting workers): the child inherits the parent's HTTP clients (whose runtime threads do not exist in it),
//! SQLite connections (whose locks stay with the parent), token caches and pacing books. None of it may be used
//! or dropped there; the child builds its own.

/// A value owned by one process: a forked child sees a fresh `T::default()` instead of the inherited one.
#[derive(Debug)]
pub struct PerProcess<T> {
    pid: u32,
    value: T,
}

impl<T: Default> PerProcess<T> {
    pub fn new() -> Self {
        PerProcess { pid: std::process::id(), value: T::default() }
    }

    /// This process's value. In a forked child the inherited value is first set aside, leaked rather than
    /// dropped: dropping could join threads that are not there or close what the parent still uses.
    pub fn get_mut(&mut self) -> &mut T {
        if forked_since(self.pid) {
            std::mem::forget(std::mem::take(&mut self.value));
            self.pid = std::process::id();
        }
        &mut self.value
    }

    /// This process's value, or `None` in a forked child that has not built its own yet.
    pub fn get(&self) -> Option<&T> {
        (!forked_since(self.pid)).then_some(&self.value)
    }

    /// As [`Self::get`], mutable.
    pub fn get_existing_mut(&mut self) -> Option<&mut T> {
        (!forked_since(self.pid)).then_some(&mut self.value)
    }
}

impl<T: Default> Default for PerProcess<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Whether this process is not the one with id `pid` (a fork of it, when `pid` was recorded here before a fork).
pub fn forked_since(pid: u32) -> bool {
    pid != std::process::id()
}
