//! `vcctl serve --capture DIR`: one pcap per call of the bridge's own RTP, both directions,
//! as LINKTYPE_RAW with synthesized IPv4/IPv6 + UDP headers so Wireshark decodes it as
//! RTP (`-d udp.port==P,rtp`, or its RTP heuristic).
//!
//! Cost on the media path: per packet one header synthesis into a reused buffer and two
//! copies into a 64 KiB `BufWriter` (a `write(2)` every ~300 packets); the wall clock is
//! read once per call and packet times are that plus the monotonic `Instant` offset.
//! A write error stops the capture of that call (logged once), never the call.

use std::fs::File;
use std::io::BufWriter;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::io::pcap::PcapWriter;
use crate::io::serve::call::{CallPlugin, PluginFactory};
use crate::io::serve::media_loop::MediaHooks;
use vcctl_core::capture::net::{synthesize_udp, LinkType};
use vcctl_core::util::file_stem::call_file_stem;

/// Buffer of each call's file.
const BUFFER: usize = 64 * 1024;

/// The capture of one call.
pub struct CallCapture {
    writer: Option<PcapWriter<BufWriter<File>>>,
    path: PathBuf,
    /// Wall clock and monotonic clock at the start of the call.
    wall0: Duration,
    mono0: Instant,
    scratch: Vec<u8>,
    packets: u64,
}

/// The capture's file name: the call's stem ([`call_file_stem`]) and `.pcap`.
pub fn file_name(call_id: &str) -> String {
    format!("{}.pcap", call_file_stem(call_id))
}

impl CallCapture {
    /// Create `dir/<call-id>.pcap`.
    pub fn create(dir: &Path, call_id: &str) -> std::io::Result<CallCapture> {
        let path = dir.join(file_name(call_id));
        let f = File::create(&path)?;
        let writer =
            PcapWriter::with_resolution(BufWriter::with_capacity(BUFFER, f), LinkType::RAW, true)
                .map_err(std::io::Error::other)?;
        Ok(CallCapture {
            writer: Some(writer),
            path,
            wall0: crate::io::clock::since_epoch(),
            mono0: Instant::now(),
            scratch: Vec::with_capacity(2048),
            packets: 0,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn record(&mut self, at: Instant, src: SocketAddr, dst: SocketAddr, data: &[u8]) {
        let Some(w) = self.writer.as_mut() else {
            return;
        };
        // Mixed address families cannot share one IP header; such a packet is skipped.
        if synthesize_udp(src, dst, data, &mut self.scratch).is_err() {
            return;
        }
        let ts = self.wall0 + at.saturating_duration_since(self.mono0);
        if let Err(e) = w.write_record(ts, &self.scratch, self.scratch.len() as u32) {
            tracing::warn!(path = %self.path.display(), "call capture stopped: {e}");
            self.writer = None;
            return;
        }
        self.packets += 1;
    }
}

impl MediaHooks for CallCapture {
    fn rtp_in(&mut self, at: Instant, from: SocketAddr, to: SocketAddr, data: &[u8]) {
        self.record(at, from, to, data);
    }

    fn rtp_out(&mut self, at: Instant, from: SocketAddr, to: SocketAddr, data: &[u8]) {
        self.record(at, from, to, data);
    }
}

impl CallPlugin for CallCapture {
    fn finish(self: Box<Self>) -> Option<(String, String)> {
        let path = self.path.display().to_string();
        match self.writer {
            Some(w) => match w.into_inner() {
                Ok(_) => Some(("capture".into(), path)),
                Err(e) => {
                    tracing::warn!(path, "call capture could not be completed: {e}");
                    None
                }
            },
            // Stopped by a write error: what was flushed may still be useful.
            None => Some(("capture".into(), path)),
        }
    }
}

/// Create `dir` if needed and check that files can be created in it (at startup, so a
/// wrong directory fails serve at once rather than every call).
pub fn prepare_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let probe = dir.join(format!(".vcctl-write-test-{}", std::process::id()));
    File::create(&probe)?;
    std::fs::remove_file(&probe)
}

/// The plugin factory for serve: each call gets its file in `dir`; a file that cannot be
/// created is logged and that call runs without capture.
pub fn factory(dir: PathBuf) -> PluginFactory {
    Arc::new(move |call_id: &str| -> Option<Box<dyn CallPlugin>> {
        match CallCapture::create(&dir, call_id) {
            Ok(c) => Some(Box::new(c)),
            Err(e) => {
                tracing::warn!(call = call_id, dir = %dir.display(), "cannot create the call's capture file: {e}");
                None
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::pcap;
    use vcctl_core::capture::net::{decode, Decoded};

    #[test]
    fn names_are_safe() {
        assert_eq!(file_name("1712345678.42"), "1712345678.42.pcap");
        assert_eq!(file_name("../etc/x"), "_etc_x.pcap");
        assert_eq!(file_name(""), "call.pcap");
    }

    #[test]
    fn both_directions_are_written_with_increasing_times() {
        let dir = tempfile::tempdir().unwrap();
        let f = factory(dir.path().to_path_buf());
        let mut p = f("1700000000.7").unwrap();
        let ast: SocketAddr = "127.0.0.1:20000".parse().unwrap();
        let me: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        let t0 = Instant::now();
        for i in 0..10u32 {
            let at = t0 + Duration::from_millis(20 * i as u64);
            p.rtp_in(at, ast, me, &[0x80, 0, 0, i as u8, 0, 0, 0, 0, 1, 2, 3, 4]);
            p.rtp_out(at, me, ast, &[0x80, 0, 0, i as u8, 0, 0, 0, 0, 5, 6, 7, 8]);
        }
        let (kind, path) = p.finish().unwrap();
        assert_eq!(kind, "capture");
        let recs: Vec<_> = pcap::open(&path).unwrap().map(|r| r.unwrap()).collect();
        assert_eq!(recs.len(), 20);
        assert!(recs.windows(2).all(|w| w[0].ts <= w[1].ts));
        let span = recs[19].ts - recs[0].ts;
        assert!(span >= Duration::from_millis(180) && span < Duration::from_millis(200));
        let now = crate::io::clock::since_epoch();
        assert!(now.saturating_sub(recs[0].ts) < Duration::from_secs(60));
        for (i, r) in recs.iter().enumerate() {
            assert_eq!(r.linktype, LinkType::RAW);
            match decode(r.linktype, &r.data).unwrap() {
                Decoded::Udp(u) => {
                    let (src, dst) = if i % 2 == 0 { (ast, me) } else { (me, ast) };
                    assert_eq!((u.src, u.dst), (src, dst));
                    assert_eq!(u.payload.len(), 12);
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn an_unwritable_directory_skips_the_call() {
        let f = factory(PathBuf::from("/nonexistent/vcctl-capture"));
        assert!(f("x").is_none());
    }
}
