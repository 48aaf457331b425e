//! Streaming band-limited resampler for 16-bit mono PCM (telephone 8 kHz and the agent's
//! `pcm_*` rates: 16000, 22050, 24000, 44100, 48000; any rate in 1000..=384000 works).
//!
//! Polyphase FIR: a Kaiser-windowed sinc prototype designed at `L * from` Hz (`to/from = L/M`
//! in lowest terms) is split into `L` phases of `K` taps, precomputed once and shared by
//! clones. Integer ratios fall out as the cheap special cases: `L = 1` is plain decimation
//! (one dot product per output), `M = 1` plain interpolation. Equal rates copy through.
//!
//! Filter: passband to 0.425 * min(from, to) (3.4 kHz at 8 kHz), stopband from
//! 0.55 * min(from, to) (4.4 kHz) with >= 70 dB attenuation. 16k->8k evaluates 72 taps
//! per output sample (71 plus padding to a multiple of 8), 8k->16k 40: about 5 µs and 7 µs
//! per 20 ms chunk on one core.
//!
//! Latency is fixed: the prototype is linear-phase with `H` input samples on each side of its
//! centre, so output lags input by exactly `H` input samples ([`Resampler::delay`]),
//! e.g. 35 samples = 2.19 ms for 16k->8k and 18 samples = 2.25 ms for 8k->16k.
//!
//! State carries across calls, so chunks of any size join seamlessly: processing a stream in
//! pieces gives the same samples as processing it at once, and after `n` input samples exactly
//! `ceil(n * to / from)` outputs have been produced (no drift).

use std::f64::consts::PI;
use std::sync::Arc;
use std::time::Duration;

const STOPBAND_DB: f64 = 70.0;
const PASS_EDGE: f64 = 0.425;
const STOP_EDGE: f64 = 0.55;
/// Lowest accepted sample rate.
pub const MIN_RATE: u32 = 1000;
/// Highest accepted sample rate.
pub const MAX_RATE: u32 = 384_000;
const MAX_PHASES: u64 = 2048;
const MAX_COEFFS: u64 = 1 << 21;

/// Why a resampler cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResampleError {
    #[error("sample rate {0} Hz is outside {MIN_RATE}..={MAX_RATE}")]
    BadRate(u32),
    #[error("rate pair {from} -> {to} Hz needs too large a filter bank")]
    RatioTooComplex { from: u32, to: u32 },
}

/// Precomputed polyphase filter bank (shared between clones).
#[derive(Debug)]
struct Bank {
    /// Coefficients per phase, padded to a multiple of 8.
    taps: usize,
    half: usize,
    /// `up` phases of `taps` coefficients, each reversed so that a dot product with the
    /// `taps` most recent inputs (oldest first) gives one output.
    coeffs: Vec<f32>,
    /// Per phase: (next phase, input samples to advance).
    step: Vec<(u32, u32)>,
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Modified Bessel function of the first kind, order 0 (power series).
fn bessel_i0(x: f64) -> f64 {
    let q = x * x / 4.0;
    let (mut sum, mut term, mut k) = (1.0f64, 1.0f64, 1.0f64);
    while term > sum * 1e-16 && k < 500.0 {
        term *= q / (k * k);
        sum += term;
        k += 1.0;
    }
    sum
}

impl Bank {
    fn design(from: u32, to: u32) -> Result<Bank, ResampleError> {
        let g = gcd(from as u64, to as u64);
        let (l, m) = (to as u64 / g, from as u64 / g);
        let too_complex = ResampleError::RatioTooComplex { from, to };
        if l > MAX_PHASES {
            return Err(too_complex);
        }
        let fmin = from.min(to) as f64;
        let fs = l as f64 * from as f64; // prototype rate
        let beta = 0.1102 * (STOPBAND_DB - 8.7);
        let dw = 2.0 * PI * (STOP_EDGE - PASS_EDGE) * fmin / fs;
        let order = (STOPBAND_DB - 7.95) / (2.285 * dw);
        let half = ((order / (2.0 * l as f64)).ceil() as u64).max(1);
        let taps = 2 * half + 1;
        if taps * l > MAX_COEFFS {
            return Err(too_complex);
        }
        let (l, m, half, taps) = (l as usize, m as usize, half as usize, taps as usize);
        let centre = half * l;
        let fc = 0.5 * (PASS_EDGE + STOP_EDGE) * fmin / fs; // cycles per prototype sample
        let i0b = bessel_i0(beta);
        let mut proto: Vec<f64> = (0..=2 * centre)
            .map(|i| {
                let t = i as f64 - centre as f64;
                let x = t / centre as f64;
                let w = bessel_i0(beta * (1.0 - x * x).max(0.0).sqrt()) / i0b;
                let a = 2.0 * PI * fc * t;
                let sinc = if t == 0.0 { 1.0 } else { a.sin() / a };
                2.0 * fc * sinc * w
            })
            .collect();
        // Unity DC gain through every interpolation phase on average.
        let sum: f64 = proto.iter().sum();
        for h in &mut proto {
            *h *= l as f64 / sum;
        }
        // Pad each phase to a multiple of 8 taps (zeros at the oldest end) for `dot`.
        let padded = taps.div_ceil(8) * 8;
        let mut coeffs = vec![0.0f32; l * padded];
        for p in 0..l {
            for j in 0..taps {
                let idx = p + (taps - 1 - j) * l;
                coeffs[p * padded + padded - taps + j] =
                    proto.get(idx).copied().unwrap_or(0.0) as f32;
            }
        }
        let step = (0..l)
            .map(|p| (((p + m) % l) as u32, ((p + m) / l) as u32))
            .collect();
        Ok(Bank {
            taps: padded,
            half,
            coeffs,
            step,
        })
    }
}

/// One direction of one stream: converts `from` Hz to `to` Hz, keeping filter state.
#[derive(Debug, Clone)]
pub struct Resampler {
    from: u32,
    to: u32,
    bank: Option<Arc<Bank>>,
    hist: Vec<f32>,
    idx: usize,
    phase: usize,
}

impl Resampler {
    /// Build a resampler (designs the filter bank; clone an existing one to share its bank).
    pub fn new(from: u32, to: u32) -> Result<Self, ResampleError> {
        for r in [from, to] {
            if !(MIN_RATE..=MAX_RATE).contains(&r) {
                return Err(ResampleError::BadRate(r));
            }
        }
        let bank = if from == to {
            None
        } else {
            Some(Arc::new(Bank::design(from, to)?))
        };
        let mut r = Resampler {
            from,
            to,
            bank,
            hist: Vec::new(),
            idx: 0,
            phase: 0,
        };
        r.reset();
        Ok(r)
    }

    /// Forget all history (as if newly built); the filter bank is kept.
    pub fn reset(&mut self) {
        let taps = self.bank.as_ref().map_or(1, |b| b.taps);
        self.hist.clear();
        self.hist.resize(taps - 1, 0.0);
        self.idx = taps - 1;
        self.phase = 0;
    }

    /// Input and output rates in Hz.
    pub fn rates(&self) -> (u32, u32) {
        (self.from, self.to)
    }

    /// Fixed latency in input samples (`H`; 0 when the rates are equal).
    pub fn delay_input_samples(&self) -> usize {
        self.bank.as_ref().map_or(0, |b| b.half)
    }

    /// Fixed latency as a duration.
    pub fn delay(&self) -> Duration {
        Duration::from_secs_f64(self.delay_input_samples() as f64 / self.from as f64)
    }

    /// FIR taps evaluated per output sample (cost indicator).
    pub fn taps_per_output(&self) -> usize {
        self.bank.as_ref().map_or(0, |b| b.taps)
    }

    /// Resample `input` and append the produced samples to `out`.
    pub fn process(&mut self, input: &[i16], out: &mut Vec<i16>) {
        let Some(bank) = self.bank.as_deref() else {
            out.extend_from_slice(input);
            return;
        };
        self.hist.extend(input.iter().map(|&x| x as f32));
        let k = bank.taps;
        let expect = (input.len() as u64 * self.to as u64 / self.from as u64) as usize + 1;
        out.reserve(expect);
        while self.idx < self.hist.len() {
            let c = &bank.coeffs[self.phase * k..(self.phase + 1) * k];
            let x = &self.hist[self.idx + 1 - k..=self.idx];
            out.push(to_i16(dot(c, x)));
            let (next, adv) = bank.step[self.phase];
            self.phase = next as usize;
            self.idx += adv as usize;
        }
        let done = (self.idx + 1 - k).min(self.hist.len());
        self.hist.drain(..done);
        self.idx -= done;
    }

    /// End of stream: feed [`Self::delay_input_samples`] zeros so the output catches up with
    /// the last real input sample, appending to `out`.
    pub fn flush(&mut self, out: &mut Vec<i16>) {
        const Z: [i16; 256] = [0; 256];
        let mut left = self.delay_input_samples();
        while left > 0 {
            let n = left.min(Z.len());
            self.process(&Z[..n], out);
            left -= n;
        }
    }
}

#[inline]
fn to_i16(y: f32) -> i16 {
    // Round half away from zero; `as` saturates at the i16 limits.
    (y + 0.5f32.copysign(y)) as i16
}

/// Dot product of equal-length slices whose length is a multiple of 8 (taps are padded);
/// written so that it vectorises without `unsafe` or target features.
#[inline]
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0.0f32; 16];
    let ca = a.chunks_exact(16);
    let cb = b.chunks_exact(16);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for i in 0..16 {
            acc[i] += x[i] * y[i];
        }
    }
    if let (Some(x), Some(y)) = (ra.get(..8), rb.get(..8)) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    let mut s = [0.0f32; 8];
    for i in 0..8 {
        s[i] = acc[i] + acc[i + 8];
    }
    ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::tone::{goertzel_power, SineGen};

    const RATES: [u32; 6] = [8000, 16000, 22050, 24000, 44100, 48000];

    fn sine(freq: f64, rate: u32, amp: f64, n: usize) -> Vec<i16> {
        let mut v = Vec::new();
        SineGen::new(freq, rate, amp).extend(n, &mut v);
        v
    }

    /// Resample in 20 ms chunks.
    fn run(from: u32, to: u32, input: &[i16]) -> Vec<i16> {
        let mut r = Resampler::new(from, to).unwrap();
        let mut out = Vec::new();
        for c in input.chunks(from as usize / 50) {
            r.process(c, &mut out);
        }
        out
    }

    /// Gain in dB of a tone through `from -> to`, measured over whole periods after settling.
    fn tone_gain_db(from: u32, to: u32, freq: f64) -> f64 {
        let input = sine(freq, from, 0.5, from as usize);
        let out = run(from, to, &input);
        let skip = to as usize / 10;
        let p_out = goertzel_power(&out[skip..skip + to as usize / 2], freq, to);
        let p_in = goertzel_power(&input[..from as usize / 2], freq, from);
        10.0 * (p_out / p_in).log10()
    }

    #[test]
    fn one_khz_tone_keeps_its_level() {
        for (from, to) in [
            (16000, 8000),
            (8000, 16000),
            (24000, 8000),
            (22050, 8000),
            (8000, 22050),
            (44100, 16000),
            (48000, 8000),
            (8000, 24000),
        ] {
            let g = tone_gain_db(from, to, 1000.0);
            assert!(g.abs() < 0.5, "{from}->{to}: {g:.3} dB");
        }
        // Top of the telephone band too.
        let g = tone_gain_db(16000, 8000, 3300.0);
        assert!(g.abs() < 0.5, "3.3 kHz: {g:.3} dB");
    }

    #[test]
    fn five_khz_does_not_alias_into_the_band() {
        let input = sine(5000.0, 16000, 0.5, 16000);
        let out = run(16000, 8000, &input);
        let p_in = goertzel_power(&input[..8000], 5000.0, 16000);
        let p_alias = goertzel_power(&out[800..4800], 3000.0, 8000);
        let att = 10.0 * (p_in / p_alias.max(1e-30)).log10();
        assert!(att >= 40.0, "only {att:.1} dB");
        // And an 8k->16k upsample leaves no image of 3 kHz at 5 kHz.
        let tone = sine(3000.0, 8000, 0.5, 8000);
        let up = run(8000, 16000, &tone);
        let p_img = goertzel_power(&up[1600..9600], 5000.0, 16000);
        let p_sig = goertzel_power(&up[1600..9600], 3000.0, 16000);
        assert!(10.0 * (p_sig / p_img.max(1e-30)).log10() >= 40.0);
    }

    #[test]
    fn chunked_equals_one_shot() {
        let mut seed = 12345u32;
        let mut rnd = move || {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            seed >> 8
        };
        let input: Vec<i16> = (0..20000).map(|_| (rnd() % 20000) as i16 - 10000).collect();
        for (from, to) in [
            (16000, 8000),
            (8000, 16000),
            (22050, 8000),
            (8000, 44100),
            (24000, 16000),
        ] {
            let mut one = Resampler::new(from, to).unwrap();
            let mut whole = Vec::new();
            one.process(&input, &mut whole);
            let mut r = Resampler::new(from, to).unwrap();
            let mut parts = Vec::new();
            let mut pos = 0;
            while pos < input.len() {
                let n = (rnd() as usize % 700).min(input.len() - pos);
                r.process(&input[pos..pos + n], &mut parts);
                pos += n;
            }
            assert_eq!(parts, whole, "{from}->{to}");
        }
    }

    fn count_outputs(from: u32, to: u32, secs: usize) {
        let mut r = Resampler::new(from, to).unwrap();
        let chunk = vec![100i16; from as usize / 50];
        let mut out = Vec::new();
        let mut produced = 0usize;
        for i in 1..=50 * secs {
            out.clear();
            r.process(&chunk, &mut out);
            produced += out.len();
            let n_in = (i * chunk.len()) as u64;
            let expect = (n_in * to as u64).div_ceil(from as u64) as usize;
            assert_eq!(produced, expect, "{from}->{to} chunk {i}");
        }
        assert_eq!(produced, secs * to as usize, "{from}->{to}");
    }

    #[test]
    fn output_length_never_drifts() {
        for &from in &RATES {
            for &to in &RATES {
                count_outputs(from, to, 1);
            }
        }
        for (from, to) in [(16000, 8000), (8000, 16000), (22050, 8000), (8000, 24000)] {
            count_outputs(from, to, 10);
        }
    }

    #[test]
    fn latency_is_as_documented() {
        // A sine comes out as the same sine delayed by exactly H input samples.
        for (from, to) in [(8000, 16000), (16000, 8000), (22050, 8000), (8000, 48000)] {
            let f = 700.0;
            let input = sine(f, from, 0.5, from as usize / 2);
            let out = run(from, to, &input);
            let r = Resampler::new(from, to).unwrap();
            let d = r.delay().as_secs_f64();
            assert!(d > 0.0 && d < 0.005, "{d}");
            let max_err = (to as usize / 20..out.len())
                .map(|n| {
                    let t = n as f64 / to as f64 - d;
                    let ideal = 0.5 * 32767.0 * (2.0 * PI * f * t).sin();
                    (out[n] as f64 - ideal).abs()
                })
                .fold(0.0, f64::max);
            assert!(max_err < 0.005 * 16384.0, "{from}->{to}: err {max_err}");
        }
        let r = Resampler::new(16000, 8000).unwrap();
        assert_eq!(r.delay_input_samples(), 35);
        assert_eq!(r.taps_per_output(), 72);
        let r = Resampler::new(8000, 16000).unwrap();
        assert_eq!(r.delay_input_samples(), 18);
        assert_eq!(r.taps_per_output(), 40);
    }

    #[test]
    fn equal_rates_pass_through_and_bad_rates_are_errors() {
        let mut r = Resampler::new(16000, 16000).unwrap();
        let mut out = Vec::new();
        r.process(&[1, 2, 3], &mut out);
        r.flush(&mut out);
        assert_eq!(out, [1, 2, 3]);
        assert_eq!(r.delay(), Duration::ZERO);
        assert_eq!(
            Resampler::new(0, 8000).unwrap_err(),
            ResampleError::BadRate(0)
        );
        assert_eq!(
            Resampler::new(8000, 999_999).unwrap_err(),
            ResampleError::BadRate(999_999)
        );
        assert!(matches!(
            Resampler::new(383_999, 384_000),
            Err(ResampleError::RatioTooComplex { .. })
        ));
        let mut r = Resampler::new(8000, 16000).unwrap();
        r.process(&[], &mut out);
        assert_eq!(out.len(), 3);
        // Extreme but valid ratios work.
        for (from, to) in [(MIN_RATE, MAX_RATE), (MAX_RATE, MIN_RATE), (11025, 44100)] {
            let mut r = Resampler::new(from, to).unwrap();
            let mut o = Vec::new();
            r.process(&vec![1000; from as usize / 5], &mut o);
            assert_eq!(o.len(), to as usize / 5);
        }
    }

    #[test]
    fn full_scale_input_saturates_without_wrapping() {
        let sq: Vec<i16> = (0..1600)
            .map(|n| {
                if (n / 20) % 2 == 0 {
                    i16::MAX
                } else {
                    i16::MIN
                }
            })
            .collect();
        let out = run(8000, 16000, &sq);
        // Gibbs overshoot clips at the rails instead of wrapping around.
        assert!(out.contains(&i16::MAX) && out.contains(&i16::MIN));
        for (n, &y) in out.iter().enumerate() {
            // Input time of this output, compensated for the 18-sample delay.
            let t = n as i64 / 2 - 18;
            if t >= 0 && (t % 20) >= 4 && (t % 20) < 16 {
                let high = (t / 20) % 2 == 0;
                assert_eq!(y > 0, high, "sample {n}: {y}");
            }
        }
    }

    #[test]
    fn flush_emits_the_tail_and_reset_restarts() {
        let mut r = Resampler::new(16000, 8000).unwrap();
        let input = sine(1000.0, 16000, 0.5, 320);
        let mut out = Vec::new();
        r.process(&input, &mut out);
        assert_eq!(out.len(), 160);
        r.flush(&mut out);
        assert_eq!(out.len(), (320 + 35usize).div_ceil(2));
        r.reset();
        let mut again = Vec::new();
        r.process(&input, &mut again);
        assert_eq!(again[..], out[..160]);
    }
}
