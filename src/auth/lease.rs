//! Who holds a refresh lease, and whether that holder is gone (a process on this host that no longer runs, or a
//! refresh of this process that ended without being able to let its lease go: its lease is taken over at once
//! instead of waiting for it to expire).

use once_cell::sync::Lazy;
use parking_lot::Mutex;
use rand::RngCore;
use std::collections::HashSet;

static HOST: Lazy<String> = Lazy::new(|| {
    let mut buf = [0u8; 256];
    // SAFETY: the buffer is valid for its length; gethostname NUL-terminates within it when it fits.
    let rc = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len() - 1) };
    if rc != 0 {
        return "unknown-host".to_owned();
    }
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).replace('/', "_")
});

/// A fresh owner id: `host/pid/nonce`.
pub fn new_owner() -> String {
    format!("{}/{}/{:016x}", *HOST, std::process::id(), rand::rngs::OsRng.next_u64())
}

/// Leases of this process whose refresh has ended but which could not be let go (the store failed).
static FORSAKEN: Lazy<Mutex<HashSet<String>>> = Lazy::new(Default::default);

/// Records that the refresh of `owner` (of this process) has ended without letting its lease go.
pub fn forsake(owner: &str) {
    FORSAKEN.lock().insert(owner.to_owned());
}

/// Forgets `owner` once its lease has been taken over.
pub fn taken_over(owner: &str) {
    FORSAKEN.lock().remove(owner);
}

/// Whether the lease's owner is a process of this host that has ended, or a refresh of this process that has.
pub fn abandoned(owner: &str) -> bool {
    if FORSAKEN.lock().contains(owner) {
        return true;
    }
    let mut parts = owner.rsplitn(3, '/');
    let (Some(_nonce), Some(pid), Some(host)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    if host != HOST.as_str() {
        return false;
    }
    let Ok(pid) = pid.parse::<i32>() else { return false };
    if pid <= 0 || pid as u32 == std::process::id() {
        return false;
    }
    !process_running(pid)
}

fn process_running(pid: i32) -> bool {
    // SAFETY: signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(pid, 0) };
    if rc != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH) {
        return false;
    }
    // A killed process its parent has not reaped yet is a zombie: it holds nothing any more.
    match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
        Ok(stat) => !stat.rsplit_once(')').is_some_and(|(_, rest)| rest.trim_start().starts_with(['Z', 'X'])),
        Err(_) => rc == 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_process_and_other_hosts_are_never_abandoned() {
        assert!(!abandoned(&new_owner()));
        assert!(!abandoned("elsewhere/1/00"));
        assert!(!abandoned("garbage"));
    }

    #[test]
    fn a_forsaken_lease_of_this_process_is_abandoned() {
        let owner = new_owner();
        forsake(&owner);
        assert!(abandoned(&owner));
        taken_over(&owner);
        assert!(!abandoned(&owner));
    }

    #[test]
    fn an_ended_process_is_abandoned() {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        assert!(abandoned(&format!("{}/{pid}/00", *HOST)));
    }
}
