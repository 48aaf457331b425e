//! Wall-clock reads, in one place (the core never reads a clock; time is passed to it).
//! Monotonic time (`Instant`) is read where it is used; only the system clock lives here.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Time since the Unix epoch (zero if the system clock is before it).
pub fn since_epoch() -> Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

/// Seconds since the Unix epoch (0 if the system clock is before it).
pub fn now_unix() -> f64 {
    since_epoch().as_secs_f64()
}

/// Whether the kernel considers the clock NTP-synchronized (`adjtimex`, read-only); `None`
/// when the kernel does not say.
pub fn ntp_synchronized() -> Option<bool> {
    // SAFETY: `timex` is a plain C struct of integers, for which all-zero bytes are a valid
    // value.
    let mut t: libc::timex = unsafe { std::mem::zeroed() };
    // SAFETY: `t` is a valid, exclusively borrowed `timex` for the duration of the call; with
    // `modes` = 0 adjtimex changes nothing and only writes the kernel's state into it.
    let r = unsafe { libc::adjtimex(&mut t) };
    if r < 0 {
        return None;
    }
    Some(r != libc::TIME_ERROR && t.status & libc::STA_UNSYNC == 0)
}
