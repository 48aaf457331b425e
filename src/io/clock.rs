//! Wall-clock reads, in one place (the core never reads a clock; time is passed to it).

/// Seconds since the Unix epoch (0 if the system clock is before it).
pub fn now_unix() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}
