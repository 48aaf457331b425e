//! Reading and writing capture files: classic pcap (both byte orders, micro- and
//! nanosecond timestamps) and pcapng (SHB, IDB with `if_tsresol`/`if_tsoffset`, EPB, SPB
//! and the obsolete PB, several interfaces with different link types, several sections).
//!
//! Written by hand rather than on top of the `pcap-file` crate: pcap-file 2.0 hands out
//! pcapng enhanced-packet timestamps in raw interface units labelled as nanoseconds (it
//! does not apply `if_tsresol`/`if_tsoffset`, so the common microsecond pcapng files would
//! come out 1000x too slow unless every caller rescales them per interface), leaves the
//! per-interface link type lookup to the caller too, and reports errors in its own
//! vocabulary. The formats are small; owning the parser lets every length be checked so
//! a malformed or truncated file ends in one [`PcapError`] sentence, never a panic, and
//! never a huge allocation driven by a length field.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use vcctl_core::capture::net::{synthesize_udp, NetError};
pub use vcctl_core::capture::net::{LinkType, Record};

/// Largest record accepted (captured length). Wireshark's own limit is 256 KiB for most
/// link types; this leaves room for odd ones while refusing absurd length fields.
pub const MAX_RECORD_LEN: u32 = 16 * 1024 * 1024;
/// Largest pcapng block accepted.
const MAX_BLOCK_LEN: u32 = MAX_RECORD_LEN + 64 * 1024;

/// Why a capture could not be read. Each renders as one sentence.
#[derive(Debug, thiserror::Error)]
pub enum PcapError {
    #[error("cannot open {path}: {source}")]
    Open { path: PathBuf, source: io::Error },
    #[error("the capture file is empty")]
    Empty,
    #[error("this is not a pcap or pcapng capture (it starts with bytes {magic:02x?})")]
    NotACapture { magic: [u8; 4] },
    #[error("the capture file ends inside its {0} header")]
    TruncatedHeader(&'static str),
    #[error("the capture is truncated: record {index} is cut short")]
    TruncatedRecord { index: u64 },
    #[error("record {index} of the capture is malformed: {reason}")]
    Malformed { index: u64, reason: String },
    #[error(
        "record {index} refers to interface {interface}, which the pcapng file never described"
    )]
    UnknownInterface { index: u64, interface: u32 },
    #[error("cannot read the capture: {0}")]
    Io(#[from] io::Error),
}

/// Bytes asked of the file per read (and the buffer's first size): a read system call per
/// thousand packets or so, and a buffer that stays in the CPU cache while its records are
/// parsed.
const READ_CHUNK: usize = 256 * 1024;

/// The input, buffered by hand: records are parsed in place from `buf[pos..end]`, so no
/// record is copied after the read that brought it in.
#[derive(Debug)]
struct Input<R> {
    inner: R,
    buf: Vec<u8>,
    pos: usize,
    end: usize,
    eof: bool,
}

impl<R: Read> Input<R> {
    fn new(inner: R) -> Self {
        Input {
            inner,
            buf: Vec::new(),
            pos: 0,
            end: 0,
            eof: false,
        }
    }

    /// Bytes buffered and not yet consumed.
    fn avail(&self) -> &[u8] {
        &self.buf[self.pos..self.end]
    }

    fn consume(&mut self, n: usize) {
        self.pos += n;
    }

    /// Make `n` bytes available at `pos`; Ok(false) when the input ends first (`avail()`
    /// then holds what there was). The buffer grows past [`READ_CHUNK`] only when it is
    /// full of data that arrived, so a length field alone never causes a large allocation.
    fn fill(&mut self, n: usize) -> io::Result<bool> {
        if self.end - self.pos >= n {
            return Ok(true);
        }
        if self.pos > 0 {
            self.buf.copy_within(self.pos..self.end, 0);
            self.end -= self.pos;
            self.pos = 0;
        }
        while self.end < n {
            if self.eof {
                return Ok(false);
            }
            if self.end == self.buf.len() {
                let len = (self.buf.len() * 2).max(READ_CHUNK);
                self.buf.resize(len, 0);
            }
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => self.eof = true,
                Ok(k) => self.end += k,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        Ok(true)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endian {
    Little,
    Big,
}

impl Endian {
    fn u16(self, b: &[u8]) -> u16 {
        let a = [b[0], b[1]];
        match self {
            Endian::Little => u16::from_le_bytes(a),
            Endian::Big => u16::from_be_bytes(a),
        }
    }
    fn u32(self, b: &[u8]) -> u32 {
        let a = [b[0], b[1], b[2], b[3]];
        match self {
            Endian::Little => u32::from_le_bytes(a),
            Endian::Big => u32::from_be_bytes(a),
        }
    }
    fn i64(self, b: &[u8]) -> i64 {
        let mut a = [0u8; 8];
        a.copy_from_slice(&b[..8]);
        match self {
            Endian::Little => i64::from_le_bytes(a),
            Endian::Big => i64::from_be_bytes(a),
        }
    }
}

/// Timestamp resolution of a pcapng interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TsResol {
    /// 10^-n seconds per unit.
    Dec(u8),
    /// 2^-n seconds per unit.
    Bin(u8),
}

impl TsResol {
    fn to_duration(self, units: u64, offset_secs: i64) -> Duration {
        let (secs, nanos) = match self {
            TsResol::Dec(n) => {
                let n = n.min(19) as u32;
                let per = 10u64.pow(n);
                let secs = units / per;
                let frac = (units % per) as u128;
                let nanos = if n <= 9 {
                    frac * 10u128.pow(9 - n)
                } else {
                    frac / 10u128.pow(n - 9)
                };
                (secs, nanos as u32)
            }
            TsResol::Bin(n) => {
                let n = n.min(63) as u32;
                let secs = units >> n;
                let frac = (units & ((1u64 << n) - 1)) as u128;
                (secs, ((frac * 1_000_000_000) >> n) as u32)
            }
        };
        let secs = if offset_secs >= 0 {
            secs.saturating_add(offset_secs as u64)
        } else {
            secs.saturating_sub(offset_secs.unsigned_abs())
        };
        Duration::new(secs, nanos)
    }
}

#[derive(Debug, Clone, Copy)]
struct Interface {
    linktype: LinkType,
    snaplen: u32,
    tsresol: TsResol,
    tsoffset: i64,
}

#[derive(Debug)]
enum Format {
    Pcap {
        endian: Endian,
        nanos: bool,
        linktype: LinkType,
    },
    PcapNg {
        endian: Endian,
        interfaces: Vec<Interface>,
        last_ts: Duration,
    },
}

/// What the reader knows besides the bytes: the format and how many records it returned.
#[derive(Debug)]
struct State {
    format: Format,
    /// Records (packets) returned so far, for error messages (1-based when reported).
    index: u64,
}

/// Streaming reader over a pcap or pcapng file; an iterator of records. After the first
/// error it yields nothing more. [`next_ref`](PcapReader::next_ref) reads without
/// allocating or copying per record.
#[derive(Debug)]
pub struct PcapReader<R> {
    input: Input<R>,
    st: State,
    done: bool,
}

/// One record borrowed from the reader's buffer: valid until the next read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef<'a> {
    /// Capture time since the Unix epoch.
    pub ts: Duration,
    pub linktype: LinkType,
    pub data: &'a [u8],
    /// Length of the frame on the wire.
    pub orig_len: u32,
}

impl RecordRef<'_> {
    pub fn to_record(&self) -> Record {
        Record {
            ts: self.ts,
            linktype: self.linktype,
            data: self.data.to_vec(),
            orig_len: self.orig_len,
        }
    }
}

/// Where the record just read lies in the input buffer.
#[derive(Debug, Clone, Copy)]
struct Meta {
    ts: Duration,
    linktype: LinkType,
    start: usize,
    len: usize,
    orig_len: u32,
}

const PCAPNG_SHB: u32 = 0x0A0D_0D0A;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;

/// Open `path` as a capture file.
pub fn open(path: impl AsRef<Path>) -> Result<PcapReader<File>, PcapError> {
    let path = path.as_ref();
    let f = File::open(path).map_err(|source| PcapError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    advise_sequential(&f);
    PcapReader::new(f)
}

/// Tell the kernel the file is read once from start to end (more read-ahead when it is
/// not in the page cache yet). Only a hint: failure changes nothing.
fn advise_sequential(f: &File) {
    use std::os::fd::AsRawFd;
    // SAFETY: the descriptor is valid for the call; posix_fadvise reads no memory of ours.
    unsafe {
        libc::posix_fadvise(f.as_raw_fd(), 0, 0, libc::POSIX_FADV_SEQUENTIAL);
    }
}

impl State {
    fn truncated(&self) -> PcapError {
        PcapError::TruncatedRecord {
            index: self.index + 1,
        }
    }

    fn malformed(&self, reason: impl Into<String>) -> PcapError {
        PcapError::Malformed {
            index: self.index + 1,
            reason: reason.into(),
        }
    }

    fn io_err(&self, e: io::Error) -> PcapError {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            self.truncated()
        } else {
            PcapError::Io(e)
        }
    }

    fn interface(&self, id: u32) -> Result<Interface, PcapError> {
        match &self.format {
            Format::PcapNg { interfaces, .. } => {
                interfaces
                    .get(id as usize)
                    .copied()
                    .ok_or(PcapError::UnknownInterface {
                        index: self.index + 1,
                        interface: id,
                    })
            }
            Format::Pcap { .. } => Err(PcapError::UnknownInterface {
                index: self.index + 1,
                interface: id,
            }),
        }
    }

    /// Interpret one pcapng block body; a packet is returned as a range of `body`.
    fn handle_block(
        &mut self,
        endian: Endian,
        btype: u32,
        body: &[u8],
    ) -> Result<Option<Meta>, PcapError> {
        match btype {
            // Interface description block.
            1 => {
                if body.len() < 8 {
                    return Err(self.malformed("interface description block is too short"));
                }
                let linktype = LinkType(endian.u16(&body[0..2]) as u32);
                let snaplen = endian.u32(&body[4..8]);
                let mut iface = Interface {
                    linktype,
                    snaplen,
                    tsresol: TsResol::Dec(6),
                    tsoffset: 0,
                };
                for (code, value) in Options::new(endian, &body[8..]) {
                    match code {
                        9 if !value.is_empty() => {
                            let v = value[0];
                            iface.tsresol = if v & 0x80 == 0 {
                                TsResol::Dec(v)
                            } else {
                                TsResol::Bin(v & 0x7f)
                            };
                        }
                        14 if value.len() >= 8 => iface.tsoffset = endian.i64(value),
                        _ => {}
                    }
                }
                if let Format::PcapNg { interfaces, .. } = &self.format {
                    if interfaces.len() >= 65_536 {
                        return Err(self.malformed("too many interfaces"));
                    }
                }
                if let Format::PcapNg { interfaces, .. } = &mut self.format {
                    interfaces.push(iface);
                }
                Ok(None)
            }
            // Enhanced packet block and the obsolete packet block.
            6 | 2 => {
                if body.len() < 20 {
                    return Err(self.malformed("packet block is too short"));
                }
                let iface_id = if btype == 6 {
                    endian.u32(&body[0..4])
                } else {
                    endian.u16(&body[0..2]) as u32
                };
                let units =
                    ((endian.u32(&body[4..8]) as u64) << 32) | endian.u32(&body[8..12]) as u64;
                let caplen = endian.u32(&body[12..16]);
                let orig = endian.u32(&body[16..20]);
                let data = &body[20..];
                if caplen as usize > data.len() {
                    return Err(self.malformed(format!(
                        "captured length {caplen} runs past the end of its block"
                    )));
                }
                let iface = self.interface(iface_id)?;
                let ts = iface.tsresol.to_duration(units, iface.tsoffset);
                if let Format::PcapNg { last_ts, .. } = &mut self.format {
                    *last_ts = ts;
                }
                self.index += 1;
                Ok(Some(Meta {
                    ts,
                    linktype: iface.linktype,
                    start: 20,
                    len: caplen as usize,
                    orig_len: orig.max(caplen),
                }))
            }
            // Simple packet block: interface 0, no timestamp (the previous packet's is used).
            3 => {
                if body.len() < 4 {
                    return Err(self.malformed("simple packet block is too short"));
                }
                let orig = endian.u32(&body[0..4]);
                let iface = self.interface(0)?;
                let mut caplen = (orig as usize).min(body.len() - 4);
                if iface.snaplen != 0 {
                    caplen = caplen.min(iface.snaplen as usize);
                }
                let ts = match &self.format {
                    Format::PcapNg { last_ts, .. } => *last_ts,
                    Format::Pcap { .. } => Duration::ZERO,
                };
                self.index += 1;
                Ok(Some(Meta {
                    ts,
                    linktype: iface.linktype,
                    start: 4,
                    len: caplen,
                    orig_len: orig.max(caplen as u32),
                }))
            }
            // Name resolution, statistics, journal, decryption secrets, custom: skipped.
            _ => Ok(None),
        }
    }
}

impl<R: Read> PcapReader<R> {
    /// Read the file header and detect the format.
    pub fn new(inner: R) -> Result<Self, PcapError> {
        let mut input = Input::new(inner);
        if !input.fill(4)? {
            let got = input.avail();
            if got.is_empty() {
                return Err(PcapError::Empty);
            }
            let mut magic = [0u8; 4];
            magic[..got.len()].copy_from_slice(got);
            return Err(PcapError::NotACapture { magic });
        }
        let a = input.avail();
        let magic = [a[0], a[1], a[2], a[3]];
        let le = u32::from_le_bytes(magic);
        let format = match le {
            0xa1b2_c3d4 | 0xa1b2_3c4d | 0xd4c3_b2a1 | 0x4d3c_b2a1 => {
                let endian = if matches!(le, 0xa1b2_c3d4 | 0xa1b2_3c4d) {
                    Endian::Little
                } else {
                    Endian::Big
                };
                let nanos = matches!(le, 0xa1b2_3c4d | 0x4d3c_b2a1);
                if !input.fill(24)? {
                    return Err(PcapError::TruncatedHeader("pcap file"));
                }
                let h = &input.avail()[4..24];
                let major = endian.u16(&h[0..2]);
                if major != 2 {
                    return Err(PcapError::Malformed {
                        index: 0,
                        reason: format!("pcap version {major} is not 2"),
                    });
                }
                // The upper bits of the link type field may carry FCS information.
                let linktype = LinkType(endian.u32(&h[16..20]) & 0x0fff_ffff);
                input.consume(24);
                Format::Pcap {
                    endian,
                    nanos,
                    linktype,
                }
            }
            PCAPNG_SHB => Format::PcapNg {
                endian: Endian::Little,
                interfaces: Vec::new(),
                last_ts: Duration::ZERO,
            },
            _ => return Err(PcapError::NotACapture { magic }),
        };
        let mut reader = PcapReader {
            input,
            st: State { format, index: 0 },
            done: false,
        };
        if matches!(reader.st.format, Format::PcapNg { .. }) {
            reader.read_shb()?;
        }
        Ok(reader)
    }

    /// Read a section header block that starts at the input position.
    fn read_shb(&mut self) -> Result<(), PcapError> {
        let truncated = PcapError::TruncatedHeader("pcapng section");
        if !self.input.fill(12)? {
            return Err(truncated);
        }
        let h = self.input.avail();
        let endian = match u32::from_le_bytes([h[8], h[9], h[10], h[11]]) {
            BYTE_ORDER_MAGIC => Endian::Little,
            x if x.swap_bytes() == BYTE_ORDER_MAGIC => Endian::Big,
            _ => {
                return Err(PcapError::Malformed {
                    index: self.st.index,
                    reason: "pcapng section header has no valid byte-order magic".into(),
                })
            }
        };
        let total = endian.u32(&h[4..8]);
        if total < 28 || total % 4 != 0 || total > MAX_BLOCK_LEN {
            return Err(PcapError::Malformed {
                index: self.st.index,
                reason: format!("pcapng section header length {total} is invalid"),
            });
        }
        if !self.input.fill(total as usize)? {
            return Err(truncated);
        }
        // Body after the byte-order magic (version, section length, options) and trailer.
        let rest = &self.input.avail()[12..total as usize];
        let major = endian.u16(&rest[0..2]);
        if major != 1 {
            return Err(PcapError::Malformed {
                index: self.st.index,
                reason: format!("pcapng version {major} is not 1"),
            });
        }
        if endian.u32(&rest[rest.len() - 4..]) != total {
            return Err(PcapError::Malformed {
                index: self.st.index,
                reason: "pcapng section header lengths disagree".into(),
            });
        }
        self.input.consume(total as usize);
        if let Format::PcapNg {
            endian: e,
            interfaces,
            ..
        } = &mut self.st.format
        {
            *e = endian;
            interfaces.clear();
        }
        Ok(())
    }

    /// Make `n` bytes available; Ok(false) on a clean end of the file before the first of
    /// them, a truncation error on an end after it.
    fn fill_record(&mut self, n: usize) -> Result<bool, PcapError> {
        match self.input.fill(n) {
            Ok(true) => Ok(true),
            Ok(false) if self.input.avail().is_empty() => Ok(false),
            Ok(false) => Err(self.st.truncated()),
            Err(e) => Err(self.st.io_err(e)),
        }
    }

    fn next_pcap(
        &mut self,
        endian: Endian,
        nanos: bool,
        linktype: LinkType,
    ) -> Result<Option<Meta>, PcapError> {
        if !self.fill_record(16)? {
            return Ok(None);
        }
        let h = &self.input.avail()[..16];
        let secs = endian.u32(&h[0..4]) as u64;
        let frac = endian.u32(&h[4..8]);
        let incl = endian.u32(&h[8..12]);
        let orig = endian.u32(&h[12..16]);
        if incl > MAX_RECORD_LEN {
            return Err(self.st.malformed(format!(
                "captured length {incl} is larger than {MAX_RECORD_LEN}"
            )));
        }
        let (secs, nanos) = if nanos {
            (secs + (frac / 1_000_000_000) as u64, frac % 1_000_000_000)
        } else {
            (secs + (frac / 1_000_000) as u64, (frac % 1_000_000) * 1000)
        };
        let total = 16 + incl as usize;
        if !self.input.fill(total).map_err(|e| self.st.io_err(e))? {
            return Err(self.st.truncated());
        }
        let start = self.input.pos + 16;
        self.input.consume(total);
        Ok(Some(Meta {
            ts: Duration::new(secs, nanos),
            linktype,
            start,
            len: incl as usize,
            orig_len: orig.max(incl),
        }))
    }

    fn next_pcapng(&mut self) -> Result<Option<Meta>, PcapError> {
        loop {
            let endian = match &self.st.format {
                Format::PcapNg { endian, .. } => *endian,
                Format::Pcap { .. } => return Ok(None),
            };
            if !self.fill_record(8)? {
                return Ok(None);
            }
            let h = self.input.avail();
            let btype = endian.u32(&h[0..4]);
            if btype == PCAPNG_SHB {
                // A new section: its byte order may differ, its interfaces start afresh.
                self.read_shb().map_err(|e| match e {
                    PcapError::TruncatedHeader(_) => self.st.truncated(),
                    e => e,
                })?;
                continue;
            }
            let total = endian.u32(&h[4..8]);
            if total < 12 || total % 4 != 0 || total > MAX_BLOCK_LEN {
                return Err(self
                    .st
                    .malformed(format!("pcapng block length {total} is invalid")));
            }
            let total = total as usize;
            if !self.input.fill(total).map_err(|e| self.st.io_err(e))? {
                return Err(self.st.truncated());
            }
            let start = self.input.pos;
            self.input.consume(total);
            let block = &self.input.buf[start..start + total];
            let (body, trailer) = block[8..].split_at(total - 12);
            if endian.u32(trailer) as usize != total {
                return Err(self.st.malformed("pcapng block lengths disagree"));
            }
            if let Some(mut meta) = self.st.handle_block(endian, btype, body)? {
                meta.start += start + 8;
                return Ok(Some(meta));
            }
        }
    }
}

/// Iterator over pcapng options: (code, value) until opt_endofopt or the end.
struct Options<'a> {
    endian: Endian,
    rest: &'a [u8],
}

impl<'a> Options<'a> {
    fn new(endian: Endian, rest: &'a [u8]) -> Self {
        Options { endian, rest }
    }
}

impl<'a> Iterator for Options<'a> {
    type Item = (u16, &'a [u8]);
    fn next(&mut self) -> Option<Self::Item> {
        if self.rest.len() < 4 {
            return None;
        }
        let code = self.endian.u16(&self.rest[0..2]);
        let len = self.endian.u16(&self.rest[2..4]) as usize;
        if code == 0 || 4 + len > self.rest.len() {
            self.rest = &[];
            return None;
        }
        let value = &self.rest[4..4 + len];
        let padded = (4 + len + 3) & !3;
        self.rest = &self.rest[padded.min(self.rest.len())..];
        Some((code, value))
    }
}

impl<R: Read> PcapReader<R> {
    /// The next record, borrowed from the reader's buffer: no allocation or copy per
    /// record. `None` at the end; after an error, `None` forever.
    pub fn next_ref(&mut self) -> Option<Result<RecordRef<'_>, PcapError>> {
        if self.done {
            return None;
        }
        let r = match self.st.format {
            Format::Pcap {
                endian,
                nanos,
                linktype,
            } => {
                let r = self.next_pcap(endian, nanos, linktype);
                if let Ok(Some(_)) = r {
                    self.st.index += 1;
                }
                r
            }
            Format::PcapNg { .. } => self.next_pcapng(),
        };
        match r {
            Ok(Some(m)) => Some(Ok(RecordRef {
                ts: m.ts,
                linktype: m.linktype,
                data: &self.input.buf[m.start..m.start + m.len],
                orig_len: m.orig_len,
            })),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

impl<R: Read> Iterator for PcapReader<R> {
    type Item = Result<Record, PcapError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_ref().map(|r| r.map(|rec| rec.to_record()))
    }
}

/// Why a packet could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("cannot write the capture: {0}")]
    Io(#[from] io::Error),
    #[error("cannot build the packet: {0}")]
    Net(#[from] NetError),
    #[error("link type {0} cannot be synthesized (only raw IP, Ethernet and Linux cooked)")]
    UnsupportedLinkType(LinkType),
}

/// Writer of classic pcap files (little-endian, microsecond or nanosecond timestamps).
#[derive(Debug)]
pub struct PcapWriter<W: Write> {
    out: W,
    linktype: LinkType,
    nanos: bool,
    scratch: Vec<u8>,
}

/// Snapshot length written in the file header.
pub const WRITER_SNAPLEN: u32 = 262_144;

impl PcapWriter<BufWriter<File>> {
    /// Create `path` and write a microsecond pcap header for `linktype`.
    pub fn create(path: impl AsRef<Path>, linktype: LinkType) -> Result<Self, WriteError> {
        let f = File::create(path)?;
        PcapWriter::new(BufWriter::new(f), linktype)
    }
}

impl<W: Write> PcapWriter<W> {
    /// Write a pcap header with microsecond timestamps.
    pub fn new(out: W, linktype: LinkType) -> Result<Self, WriteError> {
        Self::with_resolution(out, linktype, false)
    }

    /// Write a pcap header with nanosecond (`nanos`) or microsecond timestamps.
    pub fn with_resolution(
        mut out: W,
        linktype: LinkType,
        nanos: bool,
    ) -> Result<Self, WriteError> {
        let magic: u32 = if nanos { 0xa1b2_3c4d } else { 0xa1b2_c3d4 };
        let mut h = Vec::with_capacity(24);
        h.extend_from_slice(&magic.to_le_bytes());
        h.extend_from_slice(&2u16.to_le_bytes());
        h.extend_from_slice(&4u16.to_le_bytes());
        h.extend_from_slice(&0i32.to_le_bytes());
        h.extend_from_slice(&0u32.to_le_bytes());
        h.extend_from_slice(&WRITER_SNAPLEN.to_le_bytes());
        h.extend_from_slice(&linktype.0.to_le_bytes());
        out.write_all(&h)?;
        Ok(PcapWriter {
            out,
            linktype,
            nanos,
            scratch: Vec::new(),
        })
    }

    pub fn linktype(&self) -> LinkType {
        self.linktype
    }

    /// Write one record of already-framed bytes. `orig_len` below `data.len()` is raised.
    pub fn write_record(
        &mut self,
        ts: Duration,
        data: &[u8],
        orig_len: u32,
    ) -> Result<(), WriteError> {
        let incl = data.len().min(WRITER_SNAPLEN as usize);
        let frac = if self.nanos {
            ts.subsec_nanos()
        } else {
            ts.subsec_micros()
        };
        let mut h = [0u8; 16];
        h[0..4].copy_from_slice(&(ts.as_secs() as u32).to_le_bytes());
        h[4..8].copy_from_slice(&frac.to_le_bytes());
        h[8..12].copy_from_slice(&(incl as u32).to_le_bytes());
        h[12..16].copy_from_slice(&orig_len.max(data.len() as u32).to_le_bytes());
        self.out.write_all(&h)?;
        self.out.write_all(&data[..incl])?;
        Ok(())
    }

    /// Write a UDP datagram framed for this file's link type: raw IP, Ethernet (made-up
    /// locally administered MACs), Linux cooked v1 or v2 (outgoing, interface 1).
    pub fn write_udp(
        &mut self,
        ts: Duration,
        src: SocketAddr,
        dst: SocketAddr,
        payload: &[u8],
    ) -> Result<(), WriteError> {
        let mut ip = std::mem::take(&mut self.scratch);
        let r = synthesize_udp(src, dst, payload, &mut ip)
            .map_err(WriteError::from)
            .and_then(|()| {
                let framed = frame_ip(self.linktype, &ip)?;
                self.write_record(ts, &framed, framed.len() as u32)
            });
        self.scratch = ip;
        r
    }

    pub fn flush(&mut self) -> Result<(), WriteError> {
        self.out.flush()?;
        Ok(())
    }

    /// Flush and return the underlying writer.
    pub fn into_inner(mut self) -> Result<W, WriteError> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Prefix an IP packet with the link-layer header of `linktype`.
pub fn frame_ip(linktype: LinkType, ip: &[u8]) -> Result<Vec<u8>, WriteError> {
    let v6 = ip.first().is_some_and(|b| b >> 4 == 6);
    let ethertype: u16 = if v6 { 0x86dd } else { 0x0800 };
    let mut f = Vec::with_capacity(ip.len() + 20);
    match linktype {
        LinkType::RAW => {}
        LinkType::ETHERNET => {
            f.extend_from_slice(&[0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01]);
            f.extend_from_slice(&ethertype.to_be_bytes());
        }
        LinkType::LINUX_SLL => {
            // packet type 4 (outgoing), ARPHRD_ETHER, 6-byte address padded to 8.
            f.extend_from_slice(&[0, 4, 0, 1, 0, 6, 0x02, 0, 0, 0, 0, 0x01, 0, 0]);
            f.extend_from_slice(&ethertype.to_be_bytes());
        }
        LinkType::LINUX_SLL2 => {
            f.extend_from_slice(&ethertype.to_be_bytes());
            f.extend_from_slice(&[0, 0]);
            f.extend_from_slice(&1u32.to_be_bytes());
            f.extend_from_slice(&[0, 1, 4, 6, 0x02, 0, 0, 0, 0, 0x01, 0, 0]);
        }
        other => return Err(WriteError::UnsupportedLinkType(other)),
    }
    f.extend_from_slice(ip);
    Ok(f)
}

/// Minimal pcapng writer (little-endian, one section): interfaces with their own link type
/// and timestamp resolution, enhanced packet blocks. Used to produce test captures and
/// multi-interface exports.
#[derive(Debug)]
pub struct PcapNgWriter<W: Write> {
    out: W,
    /// (link type, decimal resolution exponent) per interface.
    interfaces: Vec<(LinkType, u8)>,
}

impl<W: Write> PcapNgWriter<W> {
    /// Write the section header block.
    pub fn new(mut out: W) -> Result<Self, WriteError> {
        let mut b = Vec::with_capacity(28);
        b.extend_from_slice(&PCAPNG_SHB.to_le_bytes());
        b.extend_from_slice(&28u32.to_le_bytes());
        b.extend_from_slice(&BYTE_ORDER_MAGIC.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&0u16.to_le_bytes());
        b.extend_from_slice(&(-1i64).to_le_bytes());
        b.extend_from_slice(&28u32.to_le_bytes());
        out.write_all(&b)?;
        Ok(PcapNgWriter {
            out,
            interfaces: Vec::new(),
        })
    }

    /// Describe a new interface; timestamps on it count units of 10^-`tsresol_exp` s
    /// (6 = microseconds, the pcapng default, 9 = nanoseconds). Returns its id.
    pub fn add_interface(
        &mut self,
        linktype: LinkType,
        tsresol_exp: u8,
    ) -> Result<u32, WriteError> {
        let mut body = Vec::new();
        body.extend_from_slice(&(linktype.0 as u16).to_le_bytes());
        body.extend_from_slice(&0u16.to_le_bytes());
        body.extend_from_slice(&WRITER_SNAPLEN.to_le_bytes());
        if tsresol_exp != 6 {
            body.extend_from_slice(&9u16.to_le_bytes());
            body.extend_from_slice(&1u16.to_le_bytes());
            body.extend_from_slice(&[tsresol_exp, 0, 0, 0]);
            body.extend_from_slice(&[0, 0, 0, 0]);
        }
        self.block(1, &body)?;
        self.interfaces.push((linktype, tsresol_exp));
        Ok(self.interfaces.len() as u32 - 1)
    }

    /// Write one enhanced packet block on interface `iface`.
    pub fn write_packet(
        &mut self,
        iface: u32,
        ts: Duration,
        data: &[u8],
        orig_len: u32,
    ) -> Result<(), WriteError> {
        let Some(&(_, exp)) = self.interfaces.get(iface as usize) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("no interface {iface}"),
            )
            .into());
        };
        let units: u64 = (ts.as_nanos() * 10u128.pow(exp as u32) / 1_000_000_000) as u64;
        let mut body = Vec::with_capacity(data.len() + 24);
        body.extend_from_slice(&iface.to_le_bytes());
        body.extend_from_slice(&((units >> 32) as u32).to_le_bytes());
        body.extend_from_slice(&(units as u32).to_le_bytes());
        body.extend_from_slice(&(data.len() as u32).to_le_bytes());
        body.extend_from_slice(&orig_len.max(data.len() as u32).to_le_bytes());
        body.extend_from_slice(data);
        while body.len() % 4 != 0 {
            body.push(0);
        }
        self.block(6, &body)
    }

    /// Write a UDP datagram on interface `iface`, framed for its link type.
    pub fn write_udp(
        &mut self,
        iface: u32,
        ts: Duration,
        src: SocketAddr,
        dst: SocketAddr,
        payload: &[u8],
    ) -> Result<(), WriteError> {
        let Some(&(linktype, _)) = self.interfaces.get(iface as usize) else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("no interface {iface}"),
            )
            .into());
        };
        let mut ip = Vec::new();
        synthesize_udp(src, dst, payload, &mut ip)?;
        let framed = frame_ip(linktype, &ip)?;
        self.write_packet(iface, ts, &framed, framed.len() as u32)
    }

    fn block(&mut self, btype: u32, body: &[u8]) -> Result<(), WriteError> {
        let total = (body.len() + 12) as u32;
        self.out.write_all(&btype.to_le_bytes())?;
        self.out.write_all(&total.to_le_bytes())?;
        self.out.write_all(body)?;
        self.out.write_all(&total.to_le_bytes())?;
        Ok(())
    }

    pub fn into_inner(mut self) -> Result<W, WriteError> {
        self.out.flush()?;
        Ok(self.out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn udp_frame() -> Vec<u8> {
        let mut ip = Vec::new();
        synthesize_udp(
            "10.0.0.1:4000".parse().unwrap(),
            "10.0.0.2:5000".parse().unwrap(),
            b"hi",
            &mut ip,
        )
        .unwrap();
        ip
    }

    fn read_all(bytes: &[u8]) -> Result<Vec<Record>, PcapError> {
        PcapReader::new(bytes)?.collect()
    }

    #[test]
    fn pcap_round_trip_micro_and_nano() {
        for nanos in [false, true] {
            let mut w = PcapWriter::with_resolution(Vec::new(), LinkType::RAW, nanos).unwrap();
            let ts = Duration::new(1_700_000_000, 123_456_789);
            w.write_record(ts, &udp_frame(), 100).unwrap();
            let bytes = w.into_inner().unwrap();
            let recs = read_all(&bytes).unwrap();
            assert_eq!(recs.len(), 1);
            let want = if nanos {
                ts
            } else {
                Duration::new(1_700_000_000, 123_456_000)
            };
            assert_eq!(recs[0].ts, want);
            assert_eq!(recs[0].linktype, LinkType::RAW);
            assert_eq!(recs[0].orig_len, 100);
            assert_eq!(recs[0].data, udp_frame());
        }
    }

    #[test]
    fn big_endian_pcap() {
        let mut b = Vec::new();
        b.extend_from_slice(&0xa1b2_c3d4u32.to_be_bytes());
        b.extend_from_slice(&2u16.to_be_bytes());
        b.extend_from_slice(&4u16.to_be_bytes());
        b.extend_from_slice(&[0; 8]);
        b.extend_from_slice(&65535u32.to_be_bytes());
        b.extend_from_slice(&113u32.to_be_bytes());
        b.extend_from_slice(&5u32.to_be_bytes());
        b.extend_from_slice(&7u32.to_be_bytes());
        b.extend_from_slice(&3u32.to_be_bytes());
        b.extend_from_slice(&3u32.to_be_bytes());
        b.extend_from_slice(&[1, 2, 3]);
        let recs = read_all(&b).unwrap();
        assert_eq!(recs[0].ts, Duration::new(5, 7_000));
        assert_eq!(recs[0].linktype, LinkType::LINUX_SLL);
        assert_eq!(recs[0].data, vec![1, 2, 3]);
    }

    #[test]
    fn pcapng_interfaces_resolutions_and_sections() {
        let mut w = PcapNgWriter::new(Vec::new()).unwrap();
        let eth = w.add_interface(LinkType::ETHERNET, 6).unwrap();
        let raw = w.add_interface(LinkType::RAW, 9).unwrap();
        let ts = Duration::new(1_700_000_000, 987_654_321);
        w.write_udp(
            eth,
            ts,
            "10.0.0.1:1".parse().unwrap(),
            "10.0.0.2:2".parse().unwrap(),
            b"x",
        )
        .unwrap();
        w.write_packet(raw, ts, &udp_frame(), 64).unwrap();
        let mut bytes = w.into_inner().unwrap();
        // Second section, big-endian, with a binary resolution (2^-10 s) and an offset.
        let be = |v: u32| v.to_be_bytes();
        bytes.extend_from_slice(&be(PCAPNG_SHB));
        bytes.extend_from_slice(&be(28));
        bytes.extend_from_slice(&be(BYTE_ORDER_MAGIC));
        bytes.extend_from_slice(&1u16.to_be_bytes());
        bytes.extend_from_slice(&0u16.to_be_bytes());
        bytes.extend_from_slice(&(-1i64).to_be_bytes());
        bytes.extend_from_slice(&be(28));
        // IDB: linktype 101, snaplen 0, if_tsresol = 0x8a, if_tsoffset = 100 s, end.
        let mut idb = Vec::new();
        idb.extend_from_slice(&101u16.to_be_bytes());
        idb.extend_from_slice(&0u16.to_be_bytes());
        idb.extend_from_slice(&be(0));
        idb.extend_from_slice(&9u16.to_be_bytes());
        idb.extend_from_slice(&1u16.to_be_bytes());
        idb.extend_from_slice(&[0x8a, 0, 0, 0]);
        idb.extend_from_slice(&14u16.to_be_bytes());
        idb.extend_from_slice(&8u16.to_be_bytes());
        idb.extend_from_slice(&100i64.to_be_bytes());
        idb.extend_from_slice(&[0, 0, 0, 0]);
        bytes.extend_from_slice(&be(1));
        bytes.extend_from_slice(&be(idb.len() as u32 + 12));
        bytes.extend_from_slice(&idb);
        bytes.extend_from_slice(&be(idb.len() as u32 + 12));
        // EPB at 1536 units = 1.5 s.
        let frame = udp_frame();
        let mut epb = Vec::new();
        epb.extend_from_slice(&be(0));
        epb.extend_from_slice(&be(0));
        epb.extend_from_slice(&be(1536));
        epb.extend_from_slice(&be(frame.len() as u32));
        epb.extend_from_slice(&be(frame.len() as u32));
        epb.extend_from_slice(&frame);
        while epb.len() % 4 != 0 {
            epb.push(0);
        }
        bytes.extend_from_slice(&be(6));
        bytes.extend_from_slice(&be(epb.len() as u32 + 12));
        bytes.extend_from_slice(&epb);
        bytes.extend_from_slice(&be(epb.len() as u32 + 12));
        // SPB on the same interface: no timestamp, the previous one is reused.
        let mut spb = Vec::new();
        spb.extend_from_slice(&be(frame.len() as u32));
        spb.extend_from_slice(&frame);
        while spb.len() % 4 != 0 {
            spb.push(0);
        }
        bytes.extend_from_slice(&be(3));
        bytes.extend_from_slice(&be(spb.len() as u32 + 12));
        bytes.extend_from_slice(&spb);
        bytes.extend_from_slice(&be(spb.len() as u32 + 12));

        let recs = read_all(&bytes).unwrap();
        assert_eq!(recs.len(), 4);
        assert_eq!(recs[0].linktype, LinkType::ETHERNET);
        assert_eq!(recs[0].ts, Duration::new(1_700_000_000, 987_654_000));
        assert_eq!(recs[1].linktype, LinkType::RAW);
        assert_eq!(recs[1].ts, ts);
        assert_eq!(recs[1].orig_len, 64);
        assert_eq!(recs[2].ts, Duration::new(101, 500_000_000));
        assert_eq!(recs[2].data, frame);
        assert_eq!(recs[3].ts, recs[2].ts);
        assert_eq!(recs[3].data, frame);
        for r in &recs[1..] {
            assert!(matches!(
                vcctl_core::capture::net::decode(r.linktype, &r.data),
                Ok(vcctl_core::capture::net::Decoded::Udp(_))
            ));
        }
    }

    #[test]
    fn errors_are_one_sentence_and_never_panic() {
        assert!(matches!(read_all(b""), Err(PcapError::Empty)));
        assert!(matches!(
            read_all(b"GIF8"),
            Err(PcapError::NotACapture { .. })
        ));
        assert!(matches!(
            read_all(b"\xd4\xc3"),
            Err(PcapError::NotACapture { .. })
        ));
        assert!(matches!(
            read_all(b"\xd4\xc3\xb2\xa1\x02\x00"),
            Err(PcapError::TruncatedHeader(_))
        ));
        let mut w = PcapWriter::new(Vec::new(), LinkType::RAW).unwrap();
        w.write_record(Duration::from_secs(1), &udp_frame(), 0)
            .unwrap();
        w.write_record(Duration::from_secs(2), &udp_frame(), 0)
            .unwrap();
        let bytes = w.into_inner().unwrap();
        for cut in 25..bytes.len() {
            let r = read_all(&bytes[..cut]);
            if cut == 24 + 16 + 30 {
                assert_eq!(r.unwrap().len(), 1);
            } else {
                let e = r.unwrap_err();
                assert!(matches!(e, PcapError::TruncatedRecord { .. }), "{cut}: {e}");
            }
        }
        // A huge captured length is refused without allocating it.
        let mut huge = bytes[..24].to_vec();
        huge.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0x7f, 0, 0, 0, 0]);
        assert!(matches!(read_all(&huge), Err(PcapError::Malformed { .. })));
        // pcapng: EPB on an undeclared interface, bad block length.
        let mut ng = PcapNgWriter::new(Vec::new()).unwrap().into_inner().unwrap();
        let mut epb = vec![6, 0, 0, 0, 32, 0, 0, 0];
        epb.extend_from_slice(&[3, 0, 0, 0]);
        epb.extend_from_slice(&[0; 16]);
        epb.extend_from_slice(&[32, 0, 0, 0]);
        ng.extend_from_slice(&epb);
        let e = read_all(&ng).unwrap_err();
        assert!(
            matches!(e, PcapError::UnknownInterface { interface: 3, .. }),
            "{e}"
        );
        let mut bad = PcapNgWriter::new(Vec::new()).unwrap().into_inner().unwrap();
        bad.extend_from_slice(&[6, 0, 0, 0, 13, 0, 0, 0]);
        assert!(matches!(read_all(&bad), Err(PcapError::Malformed { .. })));
    }

    #[test]
    fn frame_ip_link_types_decode() {
        let ip = udp_frame();
        for lt in [
            LinkType::RAW,
            LinkType::ETHERNET,
            LinkType::LINUX_SLL,
            LinkType::LINUX_SLL2,
        ] {
            let f = frame_ip(lt, &ip).unwrap();
            match vcctl_core::capture::net::decode(lt, &f).unwrap() {
                vcctl_core::capture::net::Decoded::Udp(u) => assert_eq!(u.payload, b"hi"),
                other => panic!("{lt}: {other:?}"),
            }
        }
        assert!(frame_ip(LinkType::NULL, &ip).is_err());
    }
}
