//! Test-signal helpers: a phase-continuous sine generator, Goertzel single-bin power,
//! dominant-frequency search, RMS/dBFS, and a small energy-based voice activity detector.
//!
//! Levels are relative to full scale (1.0 = 32768). `rms_dbfs` uses the plain RMS, so a
//! full-scale sine reads about -3.01 dBFS.

use std::f64::consts::TAU;

/// Lowest level reported by [`rms_dbfs`] (digital silence or an empty block).
pub const DBFS_FLOOR: f64 = -120.0;

/// Phase-continuous sine generator: consecutive chunks join without a discontinuity.
#[derive(Debug, Clone)]
pub struct SineGen {
    phase: f64,
    step: f64,
    amplitude: f64,
}

impl SineGen {
    /// Sine of `freq_hz` at `rate` samples/s with peak `amplitude` (0.0..=1.0 of full scale).
    pub fn new(freq_hz: f64, rate: u32, amplitude: f64) -> Self {
        let step = if rate == 0 || !freq_hz.is_finite() {
            0.0
        } else {
            (freq_hz / rate as f64).rem_euclid(1.0)
        };
        let amplitude = if amplitude.is_finite() {
            amplitude.clamp(0.0, 1.0)
        } else {
            0.0
        };
        SineGen {
            phase: 0.0,
            step,
            amplitude,
        }
    }

    /// Next sample.
    #[inline]
    pub fn next_sample(&mut self) -> i16 {
        let v = (self.phase * TAU).sin() * self.amplitude * 32767.0;
        self.phase += self.step;
        if self.phase >= 1.0 {
            self.phase -= 1.0;
        }
        v.round() as i16
    }

    /// Overwrite `out` with the next `out.len()` samples.
    pub fn fill(&mut self, out: &mut [i16]) {
        for s in out {
            *s = self.next_sample();
        }
    }

    /// Append the next `n` samples to `out`.
    pub fn extend(&mut self, n: usize, out: &mut Vec<i16>) {
        out.reserve(n);
        for _ in 0..n {
            out.push(self.next_sample());
        }
    }
}

/// Power of the `freq_hz` component of `samples` (Goertzel), as the mean square of that
/// component relative to full scale: a sine of peak `a` reads about `a*a/2`.
/// Rectangular window: use blocks of many periods for a sharp reading.
pub fn goertzel_power(samples: &[i16], freq_hz: f64, rate: u32) -> f64 {
    if samples.is_empty() || rate == 0 {
        return 0.0;
    }
    let w = TAU * freq_hz / rate as f64;
    let coeff = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &x in samples {
        let s0 = x as f64 / 32768.0 + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let mag2 = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    let n = samples.len() as f64;
    let p = 2.0 * mag2.max(0.0) / (n * n);
    if p.is_finite() {
        p
    } else {
        0.0
    }
}

/// Candidate with the largest Goertzel power: `(frequency, power)`, `None` if there are no
/// candidates or no samples.
pub fn dominant_frequency(samples: &[i16], rate: u32, candidates: &[f64]) -> Option<(f64, f64)> {
    if samples.is_empty() {
        return None;
    }
    candidates
        .iter()
        .map(|&f| (f, goertzel_power(samples, f, rate)))
        .fold(None, |best: Option<(f64, f64)>, c| match best {
            Some(b) if b.1 >= c.1 => Some(b),
            _ => Some(c),
        })
}

/// Root mean square of `samples` relative to full scale (0.0 for an empty block).
pub fn rms(samples: &[i16]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    let sum: f64 = samples.iter().map(|&x| (x as f64) * (x as f64)).sum();
    (sum / samples.len() as f64).sqrt() / 32768.0
}

/// [`rms`] in dB relative to full scale, never below [`DBFS_FLOOR`].
pub fn rms_dbfs(samples: &[i16]) -> f64 {
    to_dbfs(rms(samples))
}

fn to_dbfs(rms: f64) -> f64 {
    if rms > 0.0 {
        (20.0 * rms.log10()).max(DBFS_FLOOR)
    } else {
        DBFS_FLOOR
    }
}

/// Settings of [`Vad`]. Durations are in samples at the analysed rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VadConfig {
    /// Samples per analysis frame (e.g. 160 = 20 ms at 8 kHz).
    pub frame_samples: usize,
    /// A frame whose RMS is at or above this level is voiced.
    pub threshold_dbfs: f64,
    /// Voiced samples in a row needed to declare speech start.
    pub min_speech_samples: u64,
    /// Unvoiced samples in a row (hangover) needed to declare speech end.
    pub hangover_samples: u64,
}

impl VadConfig {
    /// Defaults for `rate`: 20 ms frames, -40 dBFS, 60 ms to start, 700 ms hangover.
    pub fn for_rate(rate: u32) -> Self {
        let ms = |m: u64| rate as u64 * m / 1000;
        VadConfig {
            frame_samples: (rate as usize / 50).max(1),
            threshold_dbfs: -40.0,
            min_speech_samples: ms(60),
            hangover_samples: ms(700),
        }
    }
}

/// A speech boundary. Positions are absolute sample indexes since the detector was created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VadEvent {
    /// Speech began at the first sample of the first voiced frame of the run.
    SpeechStart { at: u64 },
    /// Speech ended just after the last voiced frame (reported `hangover` later).
    SpeechEnd { at: u64 },
}

/// Energy-based voice activity detector with start debounce and end hangover.
#[derive(Debug, Clone)]
pub struct Vad {
    cfg: VadConfig,
    frame_sum: f64,
    frame_len: usize,
    pos: u64,
    speaking: bool,
    run_start: Option<u64>,
    last_voiced_end: u64,
    /// Level of the last whole frame (dBFS), for level meters: no extra work per sample.
    last_level: f64,
}

impl Vad {
    /// New detector; a zero `frame_samples` is treated as 1.
    pub fn new(mut cfg: VadConfig) -> Self {
        cfg.frame_samples = cfg.frame_samples.max(1);
        Vad {
            cfg,
            frame_sum: 0.0,
            frame_len: 0,
            pos: 0,
            speaking: false,
            run_start: None,
            last_voiced_end: 0,
            last_level: DBFS_FLOOR,
        }
    }

    /// Analyse `samples` (any length; partial frames carry over) and append boundaries to `events`.
    pub fn push(&mut self, samples: &[i16], events: &mut Vec<VadEvent>) {
        for &x in samples {
            self.frame_sum += (x as f64) * (x as f64);
            self.frame_len += 1;
            self.pos += 1;
            if self.frame_len == self.cfg.frame_samples {
                let level = to_dbfs((self.frame_sum / self.frame_len as f64).sqrt() / 32768.0);
                self.frame_sum = 0.0;
                self.frame_len = 0;
                self.last_level = level;
                self.on_frame(level >= self.cfg.threshold_dbfs, events);
            }
        }
    }

    fn on_frame(&mut self, voiced: bool, events: &mut Vec<VadEvent>) {
        let end = self.pos;
        let start = end - self.cfg.frame_samples as u64;
        if voiced {
            self.last_voiced_end = end;
            let run_start = *self.run_start.get_or_insert(start);
            if !self.speaking && end - run_start >= self.cfg.min_speech_samples {
                self.speaking = true;
                events.push(VadEvent::SpeechStart { at: run_start });
            }
        } else {
            self.run_start = None;
            if self.speaking && end - self.last_voiced_end >= self.cfg.hangover_samples {
                self.speaking = false;
                events.push(VadEvent::SpeechEnd {
                    at: self.last_voiced_end,
                });
            }
        }
    }

    /// Whether speech is currently in progress (between start and end events).
    pub fn is_speaking(&self) -> bool {
        self.speaking
    }

    /// Samples analysed so far.
    pub fn samples_seen(&self) -> u64 {
        self.pos
    }

    /// The level of the last whole frame analysed (dBFS; [`DBFS_FLOOR`] before the first).
    pub fn level_dbfs(&self) -> f64 {
        self.last_level
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(freq: f64, rate: u32, amp: f64, n: usize) -> Vec<i16> {
        let mut v = Vec::new();
        SineGen::new(freq, rate, amp).extend(n, &mut v);
        v
    }

    #[test]
    fn sine_is_phase_continuous_across_chunks() {
        let whole = sine(1000.0, 8000, 0.5, 800);
        let mut g = SineGen::new(1000.0, 8000, 0.5);
        let mut parts = Vec::new();
        for n in [1usize, 159, 160, 3, 477] {
            let mut buf = vec![0; n];
            g.fill(&mut buf);
            parts.extend_from_slice(&buf);
        }
        assert_eq!(parts, whole);
        // 1 kHz at 8 kHz: exact 8-sample period.
        assert_eq!(whole[0], 0);
        assert_eq!(whole[2], 16384);
        assert_eq!(whole[6], -16384);
        assert_eq!(whole[2], whole[2 + 8 * 99]);
    }

    #[test]
    fn goertzel_reads_sine_power() {
        let s = sine(1000.0, 8000, 0.5, 1600);
        let p = goertzel_power(&s, 1000.0, 8000);
        assert!((p - 0.125).abs() < 0.001, "{p}");
        assert!(goertzel_power(&s, 2000.0, 8000) < 1e-6);
        assert_eq!(goertzel_power(&[], 1000.0, 8000), 0.0);
        assert_eq!(goertzel_power(&s, 1000.0, 0), 0.0);
    }

    #[test]
    fn dominant_frequency_picks_the_tone() {
        let mut s = sine(1700.0, 16000, 0.3, 3200);
        let quiet = sine(400.0, 16000, 0.05, 3200);
        for (a, b) in s.iter_mut().zip(&quiet) {
            *a += *b;
        }
        let cands: Vec<f64> = (1..40).map(|k| k as f64 * 100.0).collect();
        let (f, p) = dominant_frequency(&s, 16000, &cands).unwrap();
        assert_eq!(f, 1700.0);
        assert!((p - 0.045).abs() < 0.002);
        assert_eq!(dominant_frequency(&s, 16000, &[]), None);
        assert_eq!(dominant_frequency(&[], 16000, &cands), None);
    }

    #[test]
    fn rms_and_dbfs() {
        assert_eq!(rms(&[]), 0.0);
        assert_eq!(rms_dbfs(&[0; 100]), DBFS_FLOOR);
        let s = sine(1000.0, 8000, 1.0, 8000);
        assert!((rms_dbfs(&s) + 3.01).abs() < 0.05);
        let sq = [16384i16, -16384, 16384, -16384];
        assert!((rms_dbfs(&sq) + 6.02).abs() < 0.01);
    }

    #[test]
    fn vad_detects_start_and_end_with_hangover() {
        let rate = 8000;
        let cfg = VadConfig::for_rate(rate);
        assert_eq!(cfg.frame_samples, 160);
        let mut vad = Vad::new(cfg);
        let mut ev = Vec::new();
        let mut sig = vec![0i16; 8000]; // 1 s silence
        sig.extend(sine(300.0, rate, 0.2, 8000)); // 1 s speech-like tone
        sig.extend(vec![0i16; 16000]); // 2 s silence
        for chunk in sig.chunks(97) {
            vad.push(chunk, &mut ev);
        }
        assert_eq!(
            ev,
            vec![
                VadEvent::SpeechStart { at: 8000 },
                VadEvent::SpeechEnd { at: 16000 }
            ]
        );
        assert!(!vad.is_speaking());
        assert_eq!(vad.samples_seen(), 32000);
    }

    #[test]
    fn vad_ignores_short_blips_and_bridges_short_pauses() {
        let rate = 8000;
        let mut vad = Vad::new(VadConfig::for_rate(rate));
        let mut ev = Vec::new();
        let tone = sine(500.0, rate, 0.2, 8000);
        // 40 ms blip: below the 60 ms start debounce.
        vad.push(&tone[..320], &mut ev);
        vad.push(&[0; 4000], &mut ev);
        assert!(ev.is_empty());
        // Speech, 300 ms pause (< 700 ms hangover), speech, then long silence.
        vad.push(&tone[..1600], &mut ev);
        vad.push(&[0; 2400], &mut ev);
        assert!(vad.is_speaking());
        vad.push(&tone[..1600], &mut ev);
        vad.push(&[0; 5599], &mut ev);
        assert_eq!(ev.len(), 1, "{ev:?}");
        vad.push(&[0; 1], &mut ev);
        assert_eq!(
            ev,
            vec![
                VadEvent::SpeechStart { at: 4320 },
                VadEvent::SpeechEnd {
                    at: 4320 + 1600 + 2400 + 1600
                }
            ]
        );
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        let mut g = SineGen::new(f64::NAN, 0, f64::INFINITY);
        assert_eq!(g.next_sample(), 0);
        let mut vad = Vad::new(VadConfig {
            frame_samples: 0,
            threshold_dbfs: f64::NAN,
            min_speech_samples: 0,
            hangover_samples: 0,
        });
        let mut ev = Vec::new();
        vad.push(&[i16::MIN, i16::MAX, 0], &mut ev);
        assert!(ev.is_empty());
    }
}
