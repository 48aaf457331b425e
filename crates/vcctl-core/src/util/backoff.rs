//! Capped, jittered exponential backoff for reconnect loops. Randomness is a parameter.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Backoff {
    base: Duration,
    cap: Duration,
    attempt: u32,
}

impl Backoff {
    pub fn new(base: Duration, cap: Duration) -> Self {
        Backoff {
            base,
            cap,
            attempt: 0,
        }
    }

    /// The delay before the next attempt. `unit` in [0, 1) picks the jitter ("full jitter"
    /// between half and all of the exponential step, so retries never collapse to zero).
    pub fn next_delay(&mut self, unit: f64) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32 << self.attempt.min(16))
            .min(self.cap);
        self.attempt = self.attempt.saturating_add(1);
        let unit = unit.clamp(0.0, 1.0);
        exp.mul_f64(0.5 + 0.5 * unit)
    }

    /// Call after a successful connection.
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    pub fn attempts(&self) -> u32 {
        self.attempt
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_exponentially_up_to_the_cap_with_bounded_jitter() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_secs(2));
        let top: Vec<_> = (0..8).map(|_| b.next_delay(1.0)).collect();
        assert_eq!(top[0], Duration::from_millis(100));
        assert_eq!(top[1], Duration::from_millis(200));
        assert_eq!(top[4], Duration::from_millis(1600));
        assert_eq!(top[5], Duration::from_secs(2));
        assert_eq!(top[7], Duration::from_secs(2));
        b.reset();
        assert_eq!(b.next_delay(0.0), Duration::from_millis(50));
        assert_eq!(b.attempts(), 1);
    }

    #[test]
    fn many_attempts_do_not_overflow() {
        let mut b = Backoff::new(Duration::from_millis(100), Duration::from_secs(30));
        for _ in 0..1000 {
            assert!(b.next_delay(0.5) <= Duration::from_secs(30));
        }
    }
}
