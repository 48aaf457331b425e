//! `vcctl call URI`: a SIP test call with timings, RTP statistics, the audio round trip and
//! an optional recording of what the far end sent.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use crate::cli::{CallArgs, CallCodec};
use crate::error::{Error, Result};
use crate::io::sip_call::{place_call, AudioSource, CallOptions};
use crate::ui::call_views::{CallView, Recording};
use crate::ui::output::emit;
use vcctl_core::media::resample::Resampler;
use vcctl_core::media::roundtrip::RoundTripConfig;
use vcctl_core::media::wav::{self, WavSpec};
use vcctl_core::sip::sdp::G711;
use vcctl_core::sip::ua::{Credentials, Party, SipUri};

use super::Ctx;

const TONE_AMPLITUDE: f64 = 0.3;
const DEFAULT_DURATION: Duration = Duration::from_secs(10);

/// The request URI as given, with `sip:` added to a bare `user@host`.
pub(crate) fn request_uri(given: &str, uri: &SipUri) -> String {
    let g = given.trim();
    if g.len() > 4 && g[..4].eq_ignore_ascii_case("sip:") {
        g.to_string()
    } else {
        uri.to_string()
    }
}

/// `--bind`: an IP or IP:PORT.
pub(crate) fn parse_bind(s: &str) -> Result<SocketAddr> {
    if let Ok(a) = s.parse::<SocketAddr>() {
        return Ok(a);
    }
    if let Ok(ip) = s.trim_matches(['[', ']']).parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, 0));
    }
    Err(Error::Usage(format!(
        "--bind {s:?} is not an IP address or IP:PORT, e.g. 127.0.0.1 or 127.0.0.1:5070"
    )))
}

/// How long to stay up: `--duration`, else the file plus a second for its echo, else 10 s.
fn duration(arg: Option<f64>, play: Option<&[i16]>) -> Result<Option<Duration>> {
    match arg {
        Some(s) if !(s.is_finite() && (0.0..=86_400.0).contains(&s)) => Err(Error::Usage(format!(
            "--duration {s} must be between 0 and 86400 seconds"
        ))),
        Some(0.0) => Ok(None),
        Some(s) => Ok(Some(Duration::from_secs_f64(s))),
        None => Ok(Some(match play {
            Some(p) => Duration::from_secs_f64(p.len() as f64 / 8000.0 + 1.0),
            None => DEFAULT_DURATION,
        })),
    }
}

/// Read a WAV file as 8 kHz mono.
pub(crate) fn load_wav(path: &Path) -> Result<Vec<i16>> {
    let bytes =
        std::fs::read(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
    let w = wav::decode(&bytes)
        .map_err(|e| Error::Usage(format!("cannot play {}: {e}", path.display())))?;
    let mono = w.to_mono();
    if w.spec.rate == 8000 {
        return Ok(mono);
    }
    let mut r = Resampler::new(w.spec.rate, 8000).map_err(|e| {
        Error::Usage(format!(
            "cannot play {}: {e}; convert it to 8000 Hz first",
            path.display()
        ))
    })?;
    let mut out = Vec::with_capacity(mono.len() * 8000 / w.spec.rate as usize + 1);
    r.process(&mono, &mut out);
    r.flush(&mut out);
    Ok(out)
}

/// Where the calls to `uri` go (its host resolved, the first address) and the local address
/// they leave from: `--bind` (`bind`) as given, else any address of the peer's family on a
/// port the system picks.
pub(crate) async fn peer_and_bind(
    uri: &SipUri,
    bind: Option<&str>,
) -> Result<(SocketAddr, SocketAddr)> {
    let host = &uri.host;
    let peer = tokio::net::lookup_host((host.as_str(), uri.port_or_default()))
        .await
        .map_err(|e| Error::Unreachable(format!("cannot resolve the SIP host {host}: {e}")))?
        .next()
        .ok_or_else(|| Error::Unreachable(format!("the SIP host {host} has no address")))?;
    let bind = match bind {
        Some(b) => parse_bind(b)?,
        None => SocketAddr::new(
            if peer.is_ipv4() {
                IpAddr::V4(Ipv4Addr::UNSPECIFIED)
            } else {
                IpAddr::V6(Ipv6Addr::UNSPECIFIED)
            },
            0,
        ),
    };
    Ok((peer, bind))
}

/// `--sip-user` and `--sip-password` (`vcctl call` and `vcctl load`): credentials for digest
/// authentication, none without a user; a user without a password is a usage error.
pub(crate) fn credentials(
    user: Option<&str>,
    password: Option<&str>,
) -> Result<Option<Credentials>> {
    match (user, password) {
        (Some(u), Some(p)) => Ok(Some(Credentials {
            user: u.to_string(),
            password: p.to_string(),
        })),
        (Some(_), None) => Err(Error::Usage(
            "--sip-user needs a password: set VCCTL_SIP_PASSWORD or give --sip-password".into(),
        )),
        (None, _) => Ok(None),
    }
}

/// `--play` and `--tone` (`vcctl call` and `vcctl load`): what the caller sends: the WAV file
/// (as 8 kHz mono), else a sine tone below half the sample rate, else silence.
pub(crate) fn audio_source(play: Option<&Path>, tone: Option<f64>) -> Result<AudioSource> {
    match (play, tone) {
        (Some(path), _) => Ok(AudioSource::Samples(load_wav(path)?)),
        (None, Some(hz)) if hz.is_finite() && hz > 0.0 && hz < 4000.0 => Ok(AudioSource::Tone {
            hz,
            amplitude: TONE_AMPLITUDE,
        }),
        (None, Some(hz)) => Err(Error::Usage(format!(
            "--tone {hz} must be above 0 and below 4000 Hz (half the 8 kHz sample rate)"
        ))),
        (None, None) => Ok(AudioSource::Silence),
    }
}

pub async fn run(ctx: &Ctx, a: CallArgs) -> Result<()> {
    let uri = SipUri::parse(&a.uri).map_err(|e| Error::Usage(e.to_string()))?;
    if uri.scheme == "sips" {
        return Err(Error::Usage(format!(
            "{} is a sips: URI, which needs TLS; vcctl call speaks SIP over UDP only",
            a.uri
        )));
    }
    if !(a.timeout.is_finite() && a.timeout > 0.0 && a.timeout <= 3600.0) {
        return Err(Error::Usage(format!(
            "--timeout {} must be above 0 and at most 3600 seconds",
            a.timeout
        )));
    }
    let credentials = credentials(a.sip_user.as_deref(), a.sip_password.as_deref())?;
    let source = audio_source(a.play.as_deref(), a.tone)?;
    let play = match &source {
        AudioSource::Samples(s) => Some(s.as_slice()),
        _ => None,
    };
    let duration = duration(a.duration, play)?;

    let (peer, bind) = peer_and_bind(&uri, a.bind.as_deref()).await?;
    let codecs = match a.codec {
        Some(CallCodec::Ulaw) => vec![G711::Pcmu],
        Some(CallCodec::Alaw) => vec![G711::Pcma],
        None => vec![G711::Pcmu, G711::Pcma],
    };
    let opts = CallOptions {
        uri: request_uri(&a.uri, &uri),
        peer,
        from: a.from.clone(),
        credentials,
        bind,
        codecs,
        source,
        duration,
        answer_timeout: Duration::from_secs_f64(a.timeout),
        roundtrip: (!a.no_markers).then(RoundTripConfig::default),
    };
    let report = place_call(opts, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;

    let recording = match &a.record {
        Some(path) => {
            let bytes = wav::encode(WavSpec::TELEPHONE, &report.received_audio);
            std::fs::write(path, bytes)
                .map_err(|e| Error::io(format!("writing {}", path.display()), e))?;
            Some(Recording {
                path: path.clone(),
                seconds: report.received_audio.len() as f64 / 8000.0,
            })
        }
        None => None,
    };
    let problem = media_problem(&MediaFacts {
        uri: &report.uri,
        media_seconds: report.media_seconds,
        remote_hung_up: report.ended_by == Party::Remote,
        rtp_sent: report.rtp_sent,
        rtp_received: report.rtp_received.packets,
        markers: report.roundtrip.as_ref().map(|r| (r.markers_sent, r.found)),
    });
    emit(&CallView { report, recording }, ctx.json())?;
    match problem {
        Some(p) => Err(Error::NoMedia(p)),
        None => Ok(()),
    }
}

/// What [`media_problem`] judges a test call by.
struct MediaFacts<'a> {
    uri: &'a str,
    media_seconds: f64,
    remote_hung_up: bool,
    rtp_sent: u64,
    rtp_received: u64,
    /// Round-trip markers sent and found; `None` with `--no-markers`.
    markers: Option<(usize, usize)>,
}

/// Why an answered test call failed its purpose: no audio came back at all, or audio came
/// back without the markers we sent in it (the far end does not return our audio). `None`:
/// it worked (a call too short for a marker is judged by the audio alone).
fn media_problem(f: &MediaFacts<'_>) -> Option<String> {
    if f.rtp_received == 0 {
        let how = if f.remote_hung_up {
            format!("the far end hung up after {:.1} s", f.media_seconds)
        } else {
            format!("in {:.1} s", f.media_seconds)
        };
        return Some(format!(
            "the call to {} was answered but no audio came back ({how}; {} RTP packets sent, none received); \
             check that something behind that extension answers with media (for the test extension: \
             vcctl serve running and connected, see vcctl doctor)",
            f.uri, f.rtp_sent
        ));
    }
    match f.markers {
        Some((sent, 0)) if sent > 0 => Some(format!(
            "the call to {} got {} RTP packets back, but none of the {sent} round-trip markers it sent: \
             the far end does not return our audio (give --no-markers when it is not meant to)",
            f.uri, f.rtp_received
        )),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::{Cli, Command};
    use clap::Parser;

    #[test]
    fn flags_parse() {
        let cli = Cli::try_parse_from([
            "vcctl",
            "call",
            "sip:echo@127.0.0.1:5060",
            "--tone",
            "1000",
            "--duration",
            "3",
            "--record",
            "out.wav",
            "--codec",
            "alaw",
            "--sip-user",
            "alice",
            "--json",
        ])
        .unwrap();
        let Command::Call(a) = cli.command else {
            panic!("wrong command")
        };
        assert_eq!(a.tone, Some(1000.0));
        assert_eq!(a.duration, Some(3.0));
        assert_eq!(a.codec, Some(CallCodec::Alaw));
        assert_eq!(a.sip_user.as_deref(), Some("alice"));
        assert_eq!(a.timeout, 30.0);
        assert!(cli.global.json);
        assert!(
            Cli::try_parse_from(["vcctl", "call", "x", "--play", "a.wav", "--tone", "5"]).is_err()
        );
        assert!(Cli::try_parse_from(["vcctl", "call", "x", "--codec", "opus"]).is_err());
    }

    #[test]
    fn helpers() {
        let u = SipUri::parse("echo@127.0.0.1").unwrap();
        assert_eq!(request_uri("echo@127.0.0.1", &u), "sip:echo@127.0.0.1");
        let u = SipUri::parse("SIP:echo@h;transport=udp").unwrap();
        assert_eq!(
            request_uri("SIP:echo@h;transport=udp", &u),
            "SIP:echo@h;transport=udp"
        );
        assert_eq!(
            parse_bind("127.0.0.1").unwrap(),
            "127.0.0.1:0".parse().unwrap()
        );
        assert_eq!(
            parse_bind("[::1]:5070").unwrap(),
            "[::1]:5070".parse().unwrap()
        );
        assert_eq!(parse_bind("::1").unwrap(), "[::1]:0".parse().unwrap());
        assert!(parse_bind("localhost").is_err());
        assert_eq!(duration(Some(0.0), None).unwrap(), None);
        assert_eq!(duration(None, None).unwrap(), Some(DEFAULT_DURATION));
        assert_eq!(
            duration(None, Some(&[0; 16000])).unwrap(),
            Some(Duration::from_secs(3))
        );
        assert!(duration(Some(-1.0), None).is_err());
        assert!(duration(Some(f64::NAN), None).is_err());
    }

    #[tokio::test]
    async fn the_peer_is_the_uris_address_and_the_bind_follows_its_family() {
        let v4 = SipUri::parse("sip:test@127.0.0.1:5070").unwrap();
        let (peer, bind) = peer_and_bind(&v4, None).await.unwrap();
        assert_eq!(peer, "127.0.0.1:5070".parse().unwrap());
        assert_eq!(bind, "0.0.0.0:0".parse().unwrap());
        let v6 = SipUri::parse("sip:test@[::1]").unwrap();
        let (peer, bind) = peer_and_bind(&v6, None).await.unwrap();
        assert_eq!(peer, "[::1]:5060".parse().unwrap());
        assert_eq!(bind, "[::]:0".parse().unwrap());
        let (_, bind) = peer_and_bind(&v4, Some("127.0.0.2:5080")).await.unwrap();
        assert_eq!(bind, "127.0.0.2:5080".parse().unwrap());
        assert!(peer_and_bind(&v4, Some("localhost")).await.is_err());
    }

    #[test]
    fn credentials_and_audio_source_from_the_flags() {
        assert!(credentials(None, Some("pw")).unwrap().is_none());
        let c = credentials(Some("alice"), Some("pw")).unwrap().unwrap();
        assert_eq!((c.user.as_str(), c.password.as_str()), ("alice", "pw"));
        let e = credentials(Some("alice"), None).err().unwrap().to_string();
        assert!(e.contains("VCCTL_SIP_PASSWORD"), "{e}");
        assert!(matches!(
            audio_source(None, None).unwrap(),
            AudioSource::Silence
        ));
        assert!(matches!(
            audio_source(None, Some(1000.0)).unwrap(),
            AudioSource::Tone { hz, .. } if hz == 1000.0
        ));
        for bad in [0.0, 4000.0, f64::NAN] {
            let e = audio_source(None, Some(bad)).err().unwrap().to_string();
            assert!(e.contains("below 4000 Hz"), "{bad}: {e}");
        }
        let e = audio_source(Some(Path::new("/nonexistent/x.wav")), Some(1000.0))
            .err()
            .unwrap();
        assert!(e.to_string().contains("/nonexistent/x.wav"), "{e}");
    }

    #[test]
    fn a_call_without_returning_audio_or_markers_is_a_failure_that_says_what_was_missing() {
        let ok = MediaFacts {
            uri: "sip:test@127.0.0.1:5060",
            media_seconds: 5.0,
            remote_hung_up: false,
            rtp_sent: 250,
            rtp_received: 249,
            markers: Some((4, 4)),
        };
        assert_eq!(media_problem(&ok), None);
        // The case of the issue: serve not running, Asterisk answers and hangs up at once.
        let dead = MediaFacts {
            media_seconds: 0.0,
            remote_hung_up: true,
            rtp_sent: 1,
            rtp_received: 0,
            markers: Some((0, 0)),
            ..ok
        };
        let p = media_problem(&dead).unwrap();
        assert!(
            p.starts_with("the call to sip:test@127.0.0.1:5060 was answered but no audio came back (the far end hung up after 0.0 s; 1 RTP packets sent, none received)"),
            "{p}"
        );
        assert_eq!(Error::NoMedia(p).exit_code(), 12);
        let no_echo = MediaFacts {
            markers: Some((4, 0)),
            ..ok
        };
        assert!(media_problem(&no_echo)
            .unwrap()
            .contains("none of the 4 round-trip markers"));
        // --no-markers, or too short for a marker: audio alone decides.
        for markers in [None, Some((0, 0))] {
            assert_eq!(media_problem(&MediaFacts { markers, ..ok }), None);
        }
    }

    #[test]
    fn wav_loading_resamples_and_mixes() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.wav");
        let spec = WavSpec {
            rate: 16000,
            channels: 2,
        };
        std::fs::write(&p, wav::encode(spec, &vec![1000i16; 2 * 16000])).unwrap();
        let s = load_wav(&p).unwrap();
        assert!((s.len() as i64 - 8000).abs() < 40, "{}", s.len());
        assert!((s[4000] - 1000).abs() < 20);
        std::fs::write(&p, b"nope").unwrap();
        let e = load_wav(&p).unwrap_err();
        assert_eq!(e.exit_code(), 2);
        assert!(e.to_string().contains("is not a WAV file"), "{e}");
    }
}
