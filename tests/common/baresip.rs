//! baresip, a second SIP phone for interop tests (`e2e_call`, `e2e_capture`): its presence,
//! and a configuration directory that sends a tone from a WAV file and dumps what it hears.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};

use vcctl_core::media::wav;

/// Fail with a sentence when baresip is missing (never skip: see `cannot_run`).
pub fn require() {
    let have = Command::new("baresip")
        .arg("-h")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !have {
        super::cannot_run(
            "baresip is not installed",
            "Install it: apt-get install -y baresip",
        );
    }
}

/// `seconds` of a `hz` tone as an 8 kHz 16-bit WAV file.
pub fn write_tone_wav(path: &Path, hz: f64, seconds: f64) {
    let mut s = Vec::new();
    vcctl_core::media::tone::SineGen::new(hz, 8000, 0.3)
        .extend((seconds * 8000.0) as usize, &mut s);
    std::fs::write(path, wav::encode(wav::WavSpec::TELEPHONE, &s)).unwrap();
}

/// A baresip config directory: listening on `listen`, sending 20 s of a `tone` Hz tone from
/// a file (`tone.wav`), dumping what it receives (sndfile module) into the directory, with
/// one PCMU account that answers by itself when `auto_answer`.
pub fn config_dir(dir: &Path, listen: &str, tone: f64, auto_answer: bool) {
    let wav = dir.join("tone.wav");
    write_tone_wav(&wav, tone, 20.0);
    let config = format!(
        "sip_listen\t\t{listen}\n\
         audio_player\t\taufile,{rx}\n\
         audio_source\t\taufile,{src}\n\
         audio_alert\t\taufile,/dev/null\n\
         module_path\t\t/usr/lib/baresip/modules\n\
         module\t\t\tg711.so\n\
         module\t\t\taufile.so\n\
         module\t\t\tsndfile.so\n\
         module_app\t\taccount.so\n\
         module_app\t\tmenu.so\n",
        rx = dir.join("play.wav").display(),
        src = wav.display(),
    );
    std::fs::write(dir.join("config"), config).unwrap();
    let answer = if auto_answer { ";answermode=auto" } else { "" };
    std::fs::write(
        dir.join("accounts"),
        format!("<sip:vcctl-test@127.0.0.1>;regint=0;audio_codecs=PCMU{answer}\n"),
    )
    .unwrap();
}
