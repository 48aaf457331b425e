//! WAV files of 16-bit linear PCM: a reader (any rate, any channel count; `WAVE_FORMAT_PCM`
//! or `WAVE_FORMAT_EXTENSIBLE` with the PCM subformat) and a writer for N interleaved
//! channels. Pure: bytes in, bytes out.
//!
//! For recordings written while a call runs: write [`header`] with a zero data length, append
//! samples with [`samples_to_bytes`], and at the end overwrite the first 44 bytes with
//! [`header`] for the final length.

use std::fmt;

/// Sample rate and channel count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WavSpec {
    pub rate: u32,
    pub channels: u16,
}

impl WavSpec {
    /// 8 kHz mono, what telephony uses.
    pub const TELEPHONE: WavSpec = WavSpec {
        rate: 8000,
        channels: 1,
    };
}

impl fmt::Display for WavSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ch = match self.channels {
            1 => "mono".to_string(),
            2 => "stereo".to_string(),
            n => format!("{n} channels"),
        };
        write!(f, "{} Hz {ch}", self.rate)
    }
}

/// A decoded file: interleaved samples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wav {
    pub spec: WavSpec,
    pub samples: Vec<i16>,
}

impl Wav {
    /// Frames (samples per channel).
    pub fn frames(&self) -> usize {
        self.samples.len() / self.spec.channels.max(1) as usize
    }

    /// Mix all channels into one (average).
    pub fn to_mono(&self) -> Vec<i16> {
        let ch = self.spec.channels.max(1) as usize;
        if ch == 1 {
            return self.samples.clone();
        }
        self.samples
            .chunks_exact(ch)
            .map(|f| (f.iter().map(|&s| s as i32).sum::<i32>() / ch as i32) as i16)
            .collect()
    }
}

/// Why bytes are not a WAV file this reader handles.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WavError {
    #[error("it is not a WAV file (no RIFF/WAVE header)")]
    NotWav,
    #[error("it has no fmt chunk")]
    NoFormat,
    #[error("it has no data chunk")]
    NoData,
    #[error("its encoding is format {format} with {bits} bits per sample; only 16-bit PCM is supported (convert it with e.g. `sox IN -b 16 -e signed-integer OUT.wav`)")]
    Unsupported { format: u16, bits: u16 },
    #[error("it declares {0} channels")]
    BadChannels(u16),
    #[error("it declares a sample rate of 0 Hz")]
    BadRate,
}

const FORMAT_PCM: u16 = 1;
const FORMAT_EXTENSIBLE: u16 = 0xFFFE;

fn u16_at(b: &[u8], i: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(i..i + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], i: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
}

/// Decode a WAV file. A data chunk longer than the file (streams written without the final
/// length, e.g. 0xFFFFFFFF) is read to the end of the file.
pub fn decode(bytes: &[u8]) -> Result<Wav, WavError> {
    if bytes.len() < 12 || &bytes[..4] != b"RIFF" || &bytes[8..12] != b"WAVE" {
        return Err(WavError::NotWav);
    }
    let mut spec = None;
    let mut pos = 12;
    while pos + 8 <= bytes.len() {
        let id = &bytes[pos..pos + 4];
        let len = u32_at(bytes, pos + 4).unwrap_or(0) as usize;
        let body_start = pos + 8;
        let body_end = body_start.saturating_add(len).min(bytes.len());
        let body = &bytes[body_start..body_end];
        match id {
            b"fmt " => {
                let format = u16_at(body, 0).ok_or(WavError::NoFormat)?;
                let channels = u16_at(body, 2).ok_or(WavError::NoFormat)?;
                let rate = u32_at(body, 4).ok_or(WavError::NoFormat)?;
                let bits = u16_at(body, 14).ok_or(WavError::NoFormat)?;
                let format = if format == FORMAT_EXTENSIBLE {
                    // The subformat GUID starts with the format code.
                    u16_at(body, 24).unwrap_or(format)
                } else {
                    format
                };
                if format != FORMAT_PCM || bits != 16 {
                    return Err(WavError::Unsupported { format, bits });
                }
                if channels == 0 {
                    return Err(WavError::BadChannels(channels));
                }
                if rate == 0 {
                    return Err(WavError::BadRate);
                }
                spec = Some(WavSpec { rate, channels });
            }
            b"data" => {
                let spec = spec.ok_or(WavError::NoFormat)?;
                let whole =
                    body.len() / (2 * spec.channels as usize) * (2 * spec.channels as usize);
                let samples = body[..whole]
                    .chunks_exact(2)
                    .map(|c| i16::from_le_bytes([c[0], c[1]]))
                    .collect();
                return Ok(Wav { spec, samples });
            }
            _ => {}
        }
        // Chunks are padded to an even length.
        pos = body_start.saturating_add(len).saturating_add(len & 1);
    }
    Err(if spec.is_some() {
        WavError::NoData
    } else {
        WavError::NoFormat
    })
}

/// The 44-byte header of a 16-bit PCM file with `data_bytes` of samples.
pub fn header(spec: WavSpec, data_bytes: u32) -> [u8; 44] {
    let ch = spec.channels.max(1);
    let block = 2 * ch;
    let mut h = [0u8; 44];
    h[..4].copy_from_slice(b"RIFF");
    h[4..8].copy_from_slice(&data_bytes.saturating_add(36).to_le_bytes());
    h[8..12].copy_from_slice(b"WAVE");
    h[12..16].copy_from_slice(b"fmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..22].copy_from_slice(&FORMAT_PCM.to_le_bytes());
    h[22..24].copy_from_slice(&ch.to_le_bytes());
    h[24..28].copy_from_slice(&spec.rate.to_le_bytes());
    h[28..32].copy_from_slice(&spec.rate.saturating_mul(block as u32).to_le_bytes());
    h[32..34].copy_from_slice(&block.to_le_bytes());
    h[34..36].copy_from_slice(&16u16.to_le_bytes());
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&data_bytes.to_le_bytes());
    h
}

/// Append `samples` as little-endian 16-bit to `out`.
pub fn samples_to_bytes(samples: &[i16], out: &mut Vec<u8>) {
    out.reserve(samples.len() * 2);
    for s in samples {
        out.extend_from_slice(&s.to_le_bytes());
    }
}

/// A whole file of interleaved `samples` (length a multiple of the channel count; a partial
/// last frame is dropped).
pub fn encode(spec: WavSpec, samples: &[i16]) -> Vec<u8> {
    let ch = spec.channels.max(1) as usize;
    let whole = &samples[..samples.len() / ch * ch];
    let data = u32::try_from(whole.len() * 2).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(44 + whole.len() * 2);
    out.extend_from_slice(&header(spec, data));
    samples_to_bytes(whole, &mut out);
    out
}

/// Interleave equally long channels (the shorter ones are padded with silence).
pub fn interleave(channels: &[&[i16]]) -> Vec<i16> {
    let frames = channels.iter().map(|c| c.len()).max().unwrap_or(0);
    let mut out = Vec::with_capacity(frames * channels.len());
    for i in 0..frames {
        for c in channels {
            out.push(c.get(i).copied().unwrap_or(0));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_round_trip_and_header_fields() {
        let s: Vec<i16> = (0..1000).map(|i| (i * 37 - 18000) as i16).collect();
        let bytes = encode(WavSpec::TELEPHONE, &s);
        assert_eq!(bytes.len(), 44 + 2000);
        assert_eq!(&bytes[..4], b"RIFF");
        assert_eq!(u32_at(&bytes, 4), Some(2036));
        assert_eq!(u32_at(&bytes, 24), Some(8000));
        assert_eq!(u32_at(&bytes, 28), Some(16000));
        assert_eq!(u16_at(&bytes, 32), Some(2));
        assert_eq!(u32_at(&bytes, 40), Some(2000));
        let w = decode(&bytes).unwrap();
        assert_eq!(w.spec, WavSpec::TELEPHONE);
        assert_eq!(w.samples, s);
        assert_eq!(w.frames(), 1000);
    }

    #[test]
    fn stereo_and_more_channels() {
        let left = [1i16, 2, 3];
        let right = [-1i16, -2];
        let inter = interleave(&[&left, &right]);
        assert_eq!(inter, [1, -1, 2, -2, 3, 0]);
        let spec = WavSpec {
            rate: 16000,
            channels: 2,
        };
        let bytes = encode(spec, &inter);
        assert_eq!(u16_at(&bytes, 22), Some(2));
        assert_eq!(u32_at(&bytes, 28), Some(64000));
        assert_eq!(u16_at(&bytes, 32), Some(4));
        let w = decode(&bytes).unwrap();
        assert_eq!(w.spec, spec);
        assert_eq!(w.frames(), 3);
        assert_eq!(w.to_mono(), [0, 0, 1]);
        let six = WavSpec {
            rate: 48000,
            channels: 6,
        };
        // A partial last frame is dropped.
        let w = decode(&encode(six, &[1; 13])).unwrap();
        assert_eq!((w.spec, w.samples.len()), (six, 12));
        assert_eq!(six.to_string(), "48000 Hz 6 channels");
    }

    #[test]
    fn streaming_header_patch() {
        let spec = WavSpec::TELEPHONE;
        let mut file = header(spec, 0).to_vec();
        samples_to_bytes(&[5, 6, 7], &mut file);
        // Before patching, the data chunk is empty.
        assert!(decode(&file).unwrap().samples.is_empty());
        let len = (file.len() - 44) as u32;
        file[..44].copy_from_slice(&header(spec, len));
        assert_eq!(decode(&file).unwrap().samples, [5, 6, 7]);
        // A stream header (length 0xFFFFFFFF) reads to the end.
        file[40..44].copy_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(decode(&file).unwrap().samples, [5, 6, 7]);
    }

    #[test]
    fn foreign_chunks_extensible_and_errors() {
        // LIST chunk (odd length, padded) before fmt; WAVE_FORMAT_EXTENSIBLE with PCM GUID.
        let mut b = b"RIFF\0\0\0\0WAVE".to_vec();
        b.extend_from_slice(b"LIST");
        b.extend_from_slice(&3u32.to_le_bytes());
        b.extend_from_slice(b"abc\0");
        b.extend_from_slice(b"fmt ");
        b.extend_from_slice(&40u32.to_le_bytes());
        b.extend_from_slice(&FORMAT_EXTENSIBLE.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes());
        b.extend_from_slice(&22050u32.to_le_bytes());
        b.extend_from_slice(&44100u32.to_le_bytes());
        b.extend_from_slice(&2u16.to_le_bytes());
        b.extend_from_slice(&16u16.to_le_bytes());
        b.extend_from_slice(&22u16.to_le_bytes());
        b.extend_from_slice(&16u16.to_le_bytes());
        b.extend_from_slice(&4u32.to_le_bytes());
        b.extend_from_slice(&1u16.to_le_bytes()); // subformat PCM
        b.extend_from_slice(&[0u8; 14]);
        b.extend_from_slice(b"data");
        b.extend_from_slice(&4u32.to_le_bytes());
        b.extend_from_slice(&[1, 0, 2, 0]);
        let w = decode(&b).unwrap();
        assert_eq!(
            w.spec,
            WavSpec {
                rate: 22050,
                channels: 1
            }
        );
        assert_eq!(w.samples, [1, 2]);

        assert_eq!(decode(b"hello"), Err(WavError::NotWav));
        assert_eq!(decode(b"RIFF\0\0\0\0WAVE"), Err(WavError::NoFormat));
        let mut float = encode(WavSpec::TELEPHONE, &[0; 4]);
        float[20] = 3; // IEEE float
        float[34] = 32;
        assert_eq!(
            decode(&float),
            Err(WavError::Unsupported {
                format: 3,
                bits: 32
            })
        );
        let mut no_data = encode(WavSpec::TELEPHONE, &[]);
        no_data.truncate(36);
        assert_eq!(decode(&no_data), Err(WavError::NoData));
        let mut zero_ch = encode(WavSpec::TELEPHONE, &[0; 2]);
        zero_ch[22] = 0;
        assert_eq!(decode(&zero_ch), Err(WavError::BadChannels(0)));
        // Truncated garbage never panics.
        let good = encode(WavSpec::TELEPHONE, &[1, 2, 3]);
        for n in 0..good.len() {
            let _ = decode(&good[..n]);
        }
    }
}
