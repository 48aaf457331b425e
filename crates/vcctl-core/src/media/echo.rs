//! Timing an echo agent by content: when the agent sends the caller's own audio back
//! (`vcctl agent-sim --mode echo`, or any loopback agent), each piece of it can be found
//! among the chunks serve sent, and the time between the two is the agent's loop (the
//! network both ways plus the agent's own delay) without any voice activity detection. A
//! continuous test tone has no end of speech, so this is the only way such a call gets an
//! agent figure.
//!
//! Pieces are compared by a 64-bit FNV-1a fingerprint of their bytes. Audio repeats (silence,
//! a steady tone, the alternating round-trip markers of `vcctl call` every two seconds), so
//! only a piece whose content was sent exactly once within the window counts as found; a
//! real agent's speech never matches, and costs one fingerprint per piece.
//!
//! [`SampleLog`] keeps exact samples of a figure over a whole call in bounded memory.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

/// FNV-1a, 64 bit.
fn fingerprint(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// A chunk sent to the agent.
#[derive(Debug, Clone, Copy)]
struct Sent {
    print: u64,
    /// When it was sent.
    at: Instant,
    /// When the RTP packet with its first byte arrived from Asterisk.
    arrived: Instant,
}

/// A piece of agent audio found among the chunks sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EchoMatch {
    /// When the chunk with this content was sent to the agent.
    pub sent: Instant,
    /// When the RTP packet carrying its first byte arrived from Asterisk.
    pub arrived: Instant,
    /// Byte offset of the piece in the agent's message.
    pub offset: usize,
}

/// The chunks sent to the agent in the last `window`, by content.
#[derive(Debug, Clone)]
pub struct EchoMatcher {
    piece: usize,
    window: Duration,
    sent: VecDeque<Sent>,
    counts: HashMap<u64, u32>,
}

impl EchoMatcher {
    /// Pieces of `piece` bytes (the size of each chunk sent; at least 1), remembered for
    /// `window` (longer than the agent's loop; shorter than the period of repeating test
    /// audio: 1.5 s for `vcctl call`'s markers, which repeat every 2 s).
    pub fn new(piece: usize, window: Duration) -> Self {
        EchoMatcher {
            piece: piece.max(1),
            window,
            sent: VecDeque::new(),
            counts: HashMap::new(),
        }
    }

    fn expire(&mut self, now: Instant) {
        while let Some(s) = self.sent.front() {
            if now.saturating_duration_since(s.at) <= self.window {
                break;
            }
            let print = s.print;
            self.sent.pop_front();
            if let Some(c) = self.counts.get_mut(&print) {
                *c -= 1;
                if *c == 0 {
                    self.counts.remove(&print);
                }
            }
        }
    }

    /// A chunk was sent at `now`; its first byte arrived from Asterisk at `arrived`.
    pub fn sent(&mut self, now: Instant, arrived: Instant, chunk: &[u8]) {
        self.expire(now);
        let print = fingerprint(chunk);
        *self.counts.entry(print).or_insert(0) += 1;
        self.sent.push_back(Sent {
            print,
            at: now,
            arrived,
        });
    }

    /// The first piece of `audio` (at offsets that are multiples of the piece size) that was
    /// sent once, and only once, within the window.
    pub fn find(&mut self, now: Instant, audio: &[u8]) -> Option<EchoMatch> {
        self.expire(now);
        if self.sent.is_empty() {
            return None;
        }
        let mut offset = 0;
        while offset + self.piece <= audio.len() {
            let print = fingerprint(&audio[offset..offset + self.piece]);
            if self.counts.get(&print) == Some(&1) {
                if let Some(s) = self.sent.iter().rev().find(|s| s.print == print) {
                    return Some(EchoMatch {
                        sent: s.at,
                        arrived: s.arrived,
                        offset,
                    });
                }
            }
            offset += self.piece;
        }
        None
    }
}

/// Exact samples of one figure (ms) over a call, at most `cap` of them: when the log is full,
/// every other sample is dropped and from then on only every second (fourth, ...) new one is
/// kept, so the samples stay spread evenly over the whole call.
#[derive(Debug, Clone)]
pub struct SampleLog {
    values: Vec<f64>,
    cap: usize,
    stride: u64,
    seen: u64,
}

impl SampleLog {
    pub fn new(cap: usize) -> Self {
        SampleLog {
            values: Vec::new(),
            cap: cap.max(2),
            stride: 1,
            seen: 0,
        }
    }

    pub fn push(&mut self, ms: f64) {
        if !ms.is_finite() {
            return;
        }
        if self.seen % self.stride == 0 {
            self.values.push(ms);
            if self.values.len() >= self.cap {
                let mut i = 0;
                self.values.retain(|_| {
                    i += 1;
                    i % 2 == 1
                });
                self.stride *= 2;
            }
        }
        self.seen += 1;
    }

    /// Samples offered (kept or not).
    pub fn seen(&self) -> u64 {
        self.seen
    }

    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// p50, p95 and the number of samples offered; `None` without samples.
    pub fn spread(&self) -> Option<Spread> {
        let p = |q| crate::analysis::stats::percentile(&self.values, q);
        Some(Spread {
            p50: p(50.0)?,
            p95: p(95.0)?,
            n: self.seen,
        })
    }
}

/// Median, 95th percentile (ms) and sample count of a figure of one call.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Spread {
    pub p50: f64,
    pub p95: f64,
    pub n: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn chunk(seed: u8) -> Vec<u8> {
        (0..160u32).map(|i| (i as u8).wrapping_mul(seed)).collect()
    }

    #[test]
    fn an_echoed_chunk_is_found_with_its_send_and_arrival_times() {
        let t0 = Instant::now();
        let mut m = EchoMatcher::new(160, ms(1500));
        for i in 0..10u8 {
            let at = t0 + ms(20 * i as u64);
            m.sent(at, at - ms(1), &chunk(i + 3));
        }
        // The agent sends chunks 4 and 5 back merged, 300 ms after chunk 4 was sent.
        let mut audio = chunk(7);
        audio.extend(chunk(8));
        let found = m.find(t0 + ms(380), &audio).unwrap();
        assert_eq!(found.sent, t0 + ms(80));
        assert_eq!(found.arrived, t0 + ms(79));
        assert_eq!(found.offset, 0);
        // A piece that starts mid-chunk, or content never sent, is not found.
        assert_eq!(m.find(t0 + ms(380), &audio[80..]), None);
        assert_eq!(m.find(t0 + ms(380), &chunk(200)), None);
    }

    #[test]
    fn repeated_content_is_ambiguous_until_the_window_forgets_it() {
        let t0 = Instant::now();
        let mut m = EchoMatcher::new(4, ms(1500));
        let silence = [0xFFu8; 8];
        m.sent(t0, t0, &silence[..4]);
        m.sent(t0 + ms(20), t0, &silence[..4]);
        m.sent(t0 + ms(40), t0, &[1, 2, 3, 4]);
        // Silence twice: skipped; the next piece of the message is unique.
        let found = m.find(t0 + ms(300), &[0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4]);
        assert_eq!(found.map(|f| (f.sent, f.offset)), Some((t0 + ms(40), 4)));
        // The same marker 2 s later: the first one has left the window.
        m.sent(t0 + ms(2040), t0, &[1, 2, 3, 4]);
        let found = m.find(t0 + ms(2300), &[1, 2, 3, 4]).unwrap();
        assert_eq!(found.sent, t0 + ms(2040));
        // Short audio has no whole piece.
        assert_eq!(m.find(t0 + ms(2300), &[1, 2, 3]), None);
    }

    #[test]
    fn sample_log_stays_bounded_and_spread_over_the_call() {
        let mut log = SampleLog::new(100);
        for i in 0..10_000 {
            log.push(i as f64);
        }
        log.push(f64::NAN);
        assert_eq!(log.seen(), 10_000);
        assert!(log.values().len() < 100 && log.values().len() >= 50);
        let s = log.spread().unwrap();
        assert!((s.p50 - 5000.0).abs() < 200.0, "{s:?}");
        assert!((s.p95 - 9500.0).abs() < 200.0, "{s:?}");
        assert_eq!(s.n, 10_000);
        assert_eq!(SampleLog::new(10).spread(), None);
    }
}
