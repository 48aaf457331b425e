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
