//! `vcctl serve --record DIR`: one stereo WAV per call (`DIR/<call-id>.wav`), caller left,
//! agent right, built from the RTP the bridge already handles (no ARI requests).
//!
//! The file is written while the call runs: a header with an open-ended data length first
//! (so a file cut short by a crash still reads), then samples as the aligner
//! ([`vcctl_core::media::recorder`]) releases them, and at the end the real RIFF and data sizes.
//! Memory stays at the aligner's hold time plus a write buffer, whatever the call length.
//!
//! Payloads are decoded by RTP payload type: 0 µ-law, 8 A-law, anything else big-endian L16
//! at the leg's rate (what Asterisk's `slin16` externalMedia sends).

use std::fs::File;
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use crate::io::serve::call::{CallPlugin, PluginFactory};
use crate::io::serve::media_loop::MediaHooks;
use vcctl_core::media::g711;
use vcctl_core::media::playout::Codec;
use vcctl_core::media::recorder::{AlignerConfig, Side, StereoAligner};
use vcctl_core::media::rtp::{Pt, RtpPacket};
use vcctl_core::media::wav::{self, WavSpec};
use vcctl_core::util::file_stem::call_file_stem;

/// The `kind` this plugin reports to the call record.
pub const KIND: &str = "recording";

/// The file a call's recording goes to: `DIR/<stem>.wav`, the stem being the call id with
/// characters that do not belong in a file name replaced by `_` ([`call_file_stem`]).
pub fn recording_path(dir: &Path, call_id: &str) -> PathBuf {
    dir.join(format!("{}.wav", call_file_stem(call_id)))
}

/// A [`PluginFactory`] writing each call to `dir` (created if missing). `codec` is the RTP
/// format of the externalMedia leg.
pub fn factory(dir: PathBuf, codec: Codec) -> PluginFactory {
    Arc::new(move |call_id: &str| {
        let path = recording_path(&dir, call_id);
        match WavRecorder::create(&path, codec) {
            Ok(r) => Some(Box::new(r) as Box<dyn CallPlugin>),
            Err(e) => {
                tracing::warn!(call = %call_id, "not recording to {}: {e}", path.display());
                None
            }
        }
    })
}

/// Check before serving that recordings can be written to `dir` (creating it).
pub fn prepare_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let probe = dir.join(format!(".vcctl-write-test-{}", std::process::id()));
    File::create(&probe)?;
    std::fs::remove_file(&probe)
}

/// One call's recording in progress.
pub struct WavRecorder {
    path: PathBuf,
    file: Option<BufWriter<File>>,
    spec: WavSpec,
    codec: Codec,
    aligner: StereoAligner,
    data_bytes: u64,
    /// The source of the caller's RTP (the first one seen; others are ignored as the media
    /// engine ignores them).
    source: Option<SocketAddr>,
    pcm: Vec<i16>,
    out: Vec<i16>,
    bytes: Vec<u8>,
}

impl WavRecorder {
    pub fn create(path: &Path, codec: Codec) -> std::io::Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let spec = WavSpec {
            rate: codec.clock_rate(),
            channels: 2,
        };
        let mut file = BufWriter::with_capacity(64 * 1024, File::create(path)?);
        // Open-ended until the end of the call: readers take the data to the end of the file.
        file.write_all(&wav::header(spec, u32::MAX - 36))?;
        Ok(WavRecorder {
            path: path.to_path_buf(),
            file: Some(file),
            spec,
            codec,
            aligner: StereoAligner::new(AlignerConfig::new(spec.rate)),
            data_bytes: 0,
            source: None,
            pcm: Vec::with_capacity(640),
            out: Vec::with_capacity(8192),
            bytes: Vec::with_capacity(16384),
        })
    }

    fn decode(&mut self, pkt: &RtpPacket<'_>) {
        self.pcm.clear();
        match pkt.payload_type {
            Pt::PCMU => g711::ulaw_to_pcm(pkt.payload, &mut self.pcm),
            Pt::PCMA => g711::alaw_to_pcm(pkt.payload, &mut self.pcm),
            _ => match self.codec {
                Codec::Pcmu => g711::ulaw_to_pcm(pkt.payload, &mut self.pcm),
                Codec::Pcma => g711::alaw_to_pcm(pkt.payload, &mut self.pcm),
                Codec::L16 { .. } => {
                    g711::l16be_from_bytes(pkt.payload, &mut self.pcm);
                }
            },
        }
    }

    fn add(&mut self, side: Side, at: Instant, data: &[u8]) {
        if self.file.is_none() {
            return;
        }
        let Ok(pkt) = RtpPacket::parse(data) else {
            return;
        };
        self.decode(&pkt);
        self.aligner
            .push(side, at, pkt.ssrc.0, pkt.timestamp, &self.pcm);
        self.aligner.drain_ready(&mut self.out);
        self.write_out();
    }

    fn write_out(&mut self) {
        if self.out.is_empty() {
            return;
        }
        self.bytes.clear();
        wav::samples_to_bytes(&self.out, &mut self.bytes);
        self.out.clear();
        if let Some(f) = self.file.as_mut() {
            if let Err(e) = f.write_all(&self.bytes) {
                tracing::warn!("recording {} stopped: {e}", self.path.display());
                self.file = None;
                return;
            }
            self.data_bytes += self.bytes.len() as u64;
        }
    }

    /// Release what is held, write the final sizes, close. Returns the path on success.
    fn close(&mut self) -> std::io::Result<()> {
        self.aligner.finish(&mut self.out);
        self.write_out();
        let Some(f) = self.file.take() else {
            return Err(std::io::Error::other("an earlier write failed"));
        };
        let mut f = f.into_inner().map_err(|e| e.into_error())?;
        let len = u32::try_from(self.data_bytes).unwrap_or(u32::MAX - 36);
        f.seek(SeekFrom::Start(0))?;
        f.write_all(&wav::header(self.spec, len))?;
        f.flush()
    }
}

impl MediaHooks for WavRecorder {
    fn rtp_in(&mut self, at: Instant, from: SocketAddr, _to: SocketAddr, data: &[u8]) {
        if *self.source.get_or_insert(from) != from {
            return;
        }
        self.add(Side::Caller, at, data);
    }

    fn rtp_out(&mut self, at: Instant, _from: SocketAddr, _to: SocketAddr, data: &[u8]) {
        self.add(Side::Agent, at, data);
    }
}

impl CallPlugin for WavRecorder {
    fn finish(mut self: Box<Self>) -> Option<(String, String)> {
        match self.close() {
            Ok(()) => {
                let s = self.aligner.stats();
                if s.late_samples.iter().any(|n| *n > 0) {
                    tracing::debug!(
                        path = %self.path.display(),
                        late = ?s.late_samples,
                        "recording dropped late samples"
                    );
                }
                Some((KIND.to_string(), self.path.display().to_string()))
            }
            Err(e) => {
                tracing::warn!(
                    "could not finish the recording {}: {e}",
                    self.path.display()
                );
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use vcctl_core::media::rtp::{RtpHeader, SeqNo, Ssrc};
    use vcctl_core::media::tone::{goertzel_power, SineGen};

    fn packet(pt: Pt, seq: u16, ts: u32, ssrc: u32, payload: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        RtpHeader {
            marker: false,
            payload_type: pt,
            seq: SeqNo(seq),
            timestamp: ts,
            ssrc: Ssrc(ssrc),
        }
        .write(payload, &mut out);
        out
    }

    #[test]
    fn a_call_becomes_a_stereo_wav_with_caller_left_and_agent_right() {
        let dir = tempfile::tempdir().unwrap();
        let path = recording_path(dir.path(), "1700000000.42");
        assert!(path.ends_with("1700000000.42.wav"));
        let mut rec: Box<dyn CallPlugin> =
            Box::new(WavRecorder::create(&path, Codec::Pcmu).unwrap());
        let (ast, us): (SocketAddr, SocketAddr) = (
            "127.0.0.1:20000".parse().unwrap(),
            "127.0.0.1:40000".parse().unwrap(),
        );
        let foreign: SocketAddr = "127.0.0.1:9".parse().unwrap();
        let mut caller = SineGen::new(1000.0, 8000, 0.5);
        let mut agent = SineGen::new(440.0, 8000, 0.5);
        let t0 = Instant::now();
        let (mut pcm, mut ulaw) = (vec![0i16; 160], Vec::new());
        for i in 0..100u32 {
            let at = t0 + Duration::from_millis(20) * i;
            caller.fill(&mut pcm);
            ulaw.clear();
            g711::pcm_to_ulaw(&pcm, &mut ulaw);
            rec.rtp_in(at, ast, us, &packet(Pt::PCMU, i as u16, 160 * i, 1, &ulaw));
            // A stray packet from elsewhere is not recorded.
            rec.rtp_in(at, foreign, us, &packet(Pt::PCMU, 0, 0, 99, &[0u8; 160]));
            // The agent answers after one second.
            if i >= 50 {
                agent.fill(&mut pcm);
                ulaw.clear();
                g711::pcm_to_ulaw(&pcm, &mut ulaw);
                rec.rtp_out(
                    at,
                    us,
                    ast,
                    &packet(Pt::PCMU, i as u16, 99 + 160 * i, 2, &ulaw),
                );
            }
        }
        assert_eq!(
            rec.finish(),
            Some((KIND.into(), path.display().to_string()))
        );
        let w = wav::decode(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(
            w.spec,
            WavSpec {
                rate: 8000,
                channels: 2
            }
        );
        assert_eq!(w.frames(), 16000);
        let left: Vec<i16> = w.samples.iter().step_by(2).copied().collect();
        let right: Vec<i16> = w.samples.iter().skip(1).step_by(2).copied().collect();
        let l = &left[8000..];
        assert!(goertzel_power(l, 1000.0, 8000) > 100.0 * goertzel_power(l, 440.0, 8000));
        let r = &right[8000..];
        assert!(goertzel_power(r, 440.0, 8000) > 100.0 * goertzel_power(r, 1000.0, 8000));
        // Before the agent spoke, its channel is silent.
        assert!(right[..7900].iter().all(|&s| s == 0));
        // The header holds the real sizes.
        let bytes = std::fs::read(&path).unwrap();
        assert_eq!(
            u32::from_le_bytes(bytes[40..44].try_into().unwrap()),
            16000 * 4
        );
        assert_eq!(
            u32::from_le_bytes(bytes[4..8].try_into().unwrap()),
            16000 * 4 + 36
        );
    }

    #[test]
    fn l16_is_decoded_big_endian_at_the_leg_rate_and_a_cut_file_still_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/x.wav");
        let mut rec = WavRecorder::create(&path, Codec::L16 { rate: 16000 }).unwrap();
        let (a, b): (SocketAddr, SocketAddr) = (
            "127.0.0.1:1".parse().unwrap(),
            "127.0.0.1:2".parse().unwrap(),
        );
        let t0 = Instant::now();
        let mut payload = Vec::new();
        g711::l16be_to_bytes(&[1234i16; 320], &mut payload);
        for i in 0..100u32 {
            rec.rtp_in(
                t0 + Duration::from_millis(20) * i,
                a,
                b,
                &packet(Pt(118), 0, 320 * i, 5, &payload),
            );
        }
        // Not finished (a crash): what was flushed reads as a WAV of that length.
        rec.file.as_mut().unwrap().flush().unwrap();
        let w = wav::decode(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(
            w.spec,
            WavSpec {
                rate: 16000,
                channels: 2
            }
        );
        assert!(w.frames() > 16000 * 2 / 3, "{}", w.frames());
        assert!(w.samples.chunks(2).all(|f| f == [1234, 0]));
        let rec: Box<dyn CallPlugin> = Box::new(rec);
        assert!(rec.finish().is_some());
        let w = wav::decode(&std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(w.frames(), 32000);
    }

    #[test]
    fn file_names_are_safe() {
        let d = Path::new("/r");
        assert_eq!(
            recording_path(d, "../../etc/x"),
            Path::new("/r/_.._etc_x.wav")
        );
        assert_eq!(recording_path(d, ""), Path::new("/r/call.wav"));
    }
}
