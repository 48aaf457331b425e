//! The operator's view end to end (issue 17): `vcctl top` used like a person would, in tmux,
//! against serve with real calls (`vcctl call` processes through the sandbox Asterisk and
//! agent-sim), and `vcctl calls bundle` of a real call unpacked and checked part by part,
//! with fake secrets in the environment that must appear nowhere in it.
//!
//! Run in a network namespace of its own (`scripts/isolated.sh NAME scripts/test.sh --test
//! e2e_top`): the sandbox's ports are the namespace's.

mod common;

use std::collections::BTreeMap;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::sandbox;
use common::stack::{Stack, StackOptions};
use serde_json::Value;

/// A tmux server of this test's own (`-L`), so nothing else on the machine is touched.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn new(cmd: &str) -> Tmux {
        let t = Tmux {
            socket: format!("vcctl-top-{}", std::process::id()),
        };
        let mut new_session = Command::new("tmux");
        // The server starts with no signal blocked: it inherits the mask of whatever ran
        // the tests, and a shell that blocks SIGCHLD (some agents and CI runners do) leaves
        // the server unable to reap its panes, so a finished `vcctl top` never got an exit
        // status ("not reaped after 5 s").
        // SAFETY: sigemptyset and sigprocmask are async-signal-safe, as pre_exec requires.
        unsafe {
            new_session.pre_exec(|| {
                let mut none: libc::sigset_t = std::mem::zeroed();
                libc::sigemptyset(&mut none);
                libc::sigprocmask(libc::SIG_SETMASK, &none, std::ptr::null_mut());
                Ok(())
            });
        }
        let ok = new_session
            .args([
                "-L",
                &t.socket,
                "new-session",
                "-d",
                "-x",
                "200",
                "-y",
                "50",
                "-s",
                "top",
            ])
            .arg(cmd)
            .status()
            .expect("tmux (apt-get install tmux)");
        assert!(ok.success(), "tmux new-session failed");
        // Keep the pane after vcctl exits, to see what it left on the screen.
        t.run(&["set-option", "-t", "top", "remain-on-exit", "on"]);
        t
    }

    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux");
        String::from_utf8_lossy(&out.stdout).to_string()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "top"])
    }

    fn keys(&self, keys: &[&str]) {
        let mut a = vec!["send-keys", "-t", "top"];
        a.extend_from_slice(keys);
        self.run(&a);
    }

    /// How the pane's process ended: `status N` or `signal N`. tmux closes the pane (its
    /// `pane_dead`) when the terminal reaches end of file, which can come before it has
    /// reaped the process, so wait for the status rather than read it once.
    ///
    /// Debian's tmux 3.3a can lose the SIGCHLD altogether: on the terminal's end of file it
    /// calls libutempter, which sets SIGCHLD to its default while it waits for its helper,
    /// and a pane process that exits in that moment stays a zombie that tmux never reaps
    /// (tmux issues 311 and 4559; seen here in about one run in four of this binary, the
    /// zombie's parent the tmux server, its SIGCHLD handler in place). A SIGCHLD sent to the
    /// server, the maintainer's workaround, makes it reap: the status read is then vcctl's
    /// own exit status, as before.
    fn exit_status(&self) -> String {
        let server: i32 = self
            .run(&["display-message", "-p", "#{pid}"])
            .trim()
            .parse()
            .expect("tmux server pid");
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let s = self.run(&[
                "display-message",
                "-p",
                "-t",
                "top",
                "#{pane_dead_status}|#{pane_dead_signal}",
            ]);
            let (status, signal) = s.trim().split_once('|').unwrap_or((s.trim(), ""));
            if !status.is_empty() {
                return format!("status {status}");
            }
            if !signal.is_empty() {
                return format!("signal {signal}");
            }
            if Instant::now() > deadline {
                return "not reaped after 5 s".into();
            }
            // SAFETY: kill has no memory effects; `server` is the tmux server this test
            // started, alive (it just answered).
            unsafe { libc::kill(server, libc::SIGCHLD) };
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Wait until the screen satisfies `pred`; the last screen either way.
    fn wait(&self, timeout: Duration, pred: impl Fn(&str) -> bool) -> (bool, String) {
        let deadline = Instant::now() + timeout;
        loop {
            let s = self.screen();
            if pred(&s) {
                return (true, s);
            }
            if Instant::now() > deadline {
                return (false, s);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        self.run(&["kill-server"]);
    }
}

/// A `vcctl call` to the test extension (serve and the agent) from `user`, for `secs`.
fn caller(sb: &common::Sandbox, user: &str, secs: u32) -> common::Spawned {
    let from = format!("sip:{user}@127.0.0.1");
    let secs = secs.to_string();
    sb.spawn(&[
        "call",
        "sip:test@127.0.0.1:5060",
        "--from",
        &from,
        "--tone",
        "440",
        "--duration",
        &secs,
    ])
}

/// A 16-bit 8 kHz mono WAV of `secs` seconds: 1.5 s of a 440 Hz tone, then 1.5 s of
/// silence, over and over. agent-sim hears each burst as a caller turn and sends its
/// transcript (and, echoing, a response) when the burst ends: transcript lines that arrive
/// all through the call.
fn bursts_wav(path: &Path, secs: u32) {
    let rate = 8000u32;
    let n = rate * secs;
    let mut pcm = Vec::with_capacity(n as usize * 2);
    for i in 0..n {
        let in_burst = (i % (3 * rate)) < rate * 3 / 2;
        let v = if in_burst {
            (8000.0 * (2.0 * std::f64::consts::PI * 440.0 * i as f64 / rate as f64).sin()) as i16
        } else {
            0
        };
        pcm.extend_from_slice(&v.to_le_bytes());
    }
    let mut w = Vec::new();
    w.extend_from_slice(b"RIFF");
    w.extend_from_slice(&(36 + pcm.len() as u32).to_le_bytes());
    w.extend_from_slice(b"WAVEfmt ");
    w.extend_from_slice(&16u32.to_le_bytes());
    w.extend_from_slice(&1u16.to_le_bytes()); // PCM
    w.extend_from_slice(&1u16.to_le_bytes()); // mono
    w.extend_from_slice(&rate.to_le_bytes());
    w.extend_from_slice(&(rate * 2).to_le_bytes());
    w.extend_from_slice(&2u16.to_le_bytes());
    w.extend_from_slice(&16u16.to_le_bytes());
    w.extend_from_slice(b"data");
    w.extend_from_slice(&(pcm.len() as u32).to_le_bytes());
    w.extend_from_slice(&pcm);
    std::fs::write(path, w).unwrap();
}

/// A `vcctl call` from `user` that speaks in bursts (see [`bursts_wav`]) for `secs`.
fn talking_caller(sb: &common::Sandbox, user: &str, wav: &Path, secs: u32) -> common::Spawned {
    let from = format!("sip:{user}@127.0.0.1");
    let (wav, secs) = (wav.display().to_string(), secs.to_string());
    sb.spawn(&[
        "call",
        "sip:test@127.0.0.1:5060",
        "--from",
        &from,
        "--play",
        &wav,
        "--no-markers",
        "--duration",
        &secs,
    ])
}

/// The record of the (only) call from `caller` once serve has stored its end.
fn record_of(sb: &common::Sandbox, db: &str, caller: &str) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let list = sb.json(&["calls", "list", "--db", db]);
        let found = list.as_array().and_then(|a| {
            a.iter()
                .find(|r| r["caller_number"] == caller && r["ended"].is_number())
                .cloned()
        });
        match found {
            Some(r) => return r,
            None if Instant::now() > deadline => panic!("no finished record of {caller}: {list}"),
            None => std::thread::sleep(Duration::from_millis(200)),
        }
    }
}

/// The cell under the column titled `title` in the row holding `row`.
fn cell(screen: &str, row: &str, title: &str) -> Option<String> {
    let header = screen.lines().find(|l| l.contains("CALLER"))?;
    let col = header.find(title)?;
    // Columns before it may hold multi-byte characters (meters, arrows): count characters.
    let col = header[..col].chars().count();
    let line = line_with(screen, row)?;
    let rest: String = line.chars().skip(col).collect();
    Some(rest.split_whitespace().next()?.to_string())
}

/// The screen line holding `text`.
fn line_with<'a>(screen: &'a str, text: &str) -> Option<&'a str> {
    screen.lines().find(|l| l.contains(text))
}

#[test]
fn top_in_tmux_shows_calls_as_they_come_and_go_and_hangs_one_up() {
    let sb = sandbox();
    sb.force_clean();
    // Hanging a call up is an action: serve takes it only with its API token, on any address
    // (serve inherits the variable; top gets it in tmux's command line below).
    const TOKEN: &str = "tok-e2e-top-hangup-0123456789";
    std::env::set_var("VCCTL_API_TOKEN", TOKEN);
    let stack = Stack::start(&sb, StackOptions::default());
    std::env::remove_var("VCCTL_API_TOKEN");
    let url = format!("http://127.0.0.1:{}", stack.http);
    let bundles = tempfile::tempdir().unwrap();
    let cmd = format!(
        "exec env NO_COLOR=1 VCCTL_API_TOKEN={TOKEN} {} top --serve {url} --rate 5 --db {} --bundle-dir {}",
        common::bin().display(),
        stack.db.display(),
        bundles.path().display()
    );
    let tmux = Tmux::new(&cmd);
    let (ok, screen) = tmux.wait(Duration::from_secs(10), |s| s.contains("no live calls"));
    assert!(ok, "top did not start:\n{screen}");
    assert!(screen.contains("calls up 0"), "{screen}");

    // Two callers: their rows appear, oldest first (the default sort), the first selected.
    // alice speaks in bursts, so her transcript lines keep coming.
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("bursts.wav");
    bursts_wav(&wav, 40);
    let mut alice = talking_caller(&sb, "alice", &wav, 40);
    stack.wait_bridged(1, Duration::from_secs(15));
    std::thread::sleep(Duration::from_secs(1));
    let mut bob = caller(&sb, "bob", 8);
    stack.wait_bridged(2, Duration::from_secs(15));
    let (ok, screen) = tmux.wait(Duration::from_secs(5), |s| {
        s.contains("alice") && s.contains("bob") && s.contains("calls up 2")
    });
    assert!(ok, "rows did not appear:\n{screen}");
    let a = screen.find("alice").unwrap();
    let b = screen.find("bob").unwrap();
    assert!(a < b, "alice (older) should be above bob:\n{screen}");
    let row = line_with(&screen, "alice").unwrap();
    assert!(row.contains("bridged") && row.contains("test"), "{row}");
    // Levels are live: the caller's 440 Hz tone shows on the input meter.
    let (ok, screen) = tmux.wait(Duration::from_secs(5), |s| {
        line_with(s, "alice").is_some_and(|l| l.contains('█'))
    });
    assert!(ok, "no level meter moved:\n{screen}");
    // Who is speaking follows alice's bursts and the agent's echo of them.
    for who in [" caller ", " agent "] {
        let (ok, screen) = tmux.wait(Duration::from_secs(8), |s| {
            line_with(s, "alice").is_some_and(|l| l.contains(who) || l.contains(" both "))
        });
        assert!(ok, "alice's TALK never showed{who}:\n{screen}");
    }
    // Her caller leg's MOS shows once serve has read Asterisk's figures (G.711 on loopback).
    let (ok, screen) = tmux.wait(Duration::from_secs(8), |s| {
        cell(s, "alice", "MOS in/out")
            .is_some_and(|c| c.starts_with("4.4/4.") || c.starts_with("4.3/4."))
    });
    assert!(ok, "no MOS on alice's row:\n{screen}");

    // A smaller terminal: the view follows the resize.
    tmux.run(&["resize-window", "-t", "top", "-x", "100", "-y", "20"]);
    let (ok, screen) = tmux.wait(Duration::from_secs(5), |s| {
        s.contains("calls up 2") && s.lines().all(|l| l.chars().count() <= 100)
    });
    assert!(ok, "no redraw at 100x20:\n{screen}");
    assert!(
        screen.contains("alice") && screen.contains("CALLER"),
        "{screen}"
    );
    tmux.run(&["resize-window", "-t", "top", "-x", "200", "-y", "50"]);
    let (ok, screen) = tmux.wait(Duration::from_secs(5), |s| s.contains("MOS in/out"));
    assert!(ok, "no redraw at 200x50:\n{screen}");

    // The detail view of the selected call (alice): its timeline with ARI events, and her
    // transcript lines as they arrive on serve's stream (a burst every 3 s: a new line shows
    // within a few seconds, while the view stays open).
    tmux.keys(&["Enter"]);
    let (ok, screen) = tmux.wait(Duration::from_secs(8), |s| {
        s.contains("timeline of")
            && s.contains("ARI ")
            && s.contains("latency")
            && s.contains("turn caller: (simulated transcript")
    });
    assert!(ok, "no timeline with a transcript line:\n{screen}");
    let lines = |s: &str| s.matches("turn caller: (simulated transcript").count();
    let before = lines(&screen);
    let (ok, screen) = tmux.wait(Duration::from_secs(8), |s| lines(s) > before);
    assert!(ok, "no new transcript line arrived:\n{screen}");
    tmux.keys(&["Escape"]);

    // The hang-up key asks first, then ends alice's call; bob's stays.
    tmux.keys(&["h"]);
    let (ok, screen) = tmux.wait(Duration::from_secs(3), |s| s.contains("y/n"));
    assert!(ok, "no confirmation asked:\n{screen}");
    tmux.keys(&["y"]);
    let (ok, screen) = tmux.wait(Duration::from_secs(10), |s| {
        !s.contains("alice") && s.contains("bob") && s.contains("calls up 1")
    });
    assert!(ok, "alice's row did not go:\n{screen}");
    let live = stack.calls();
    assert_eq!(live.as_array().unwrap().len(), 1, "{live}");
    assert!(
        alice.finish(Duration::from_secs(10)).is_some(),
        "alice's vcctl call did not end after the hang-up"
    );
    // Her record says who ended the call: the operator, not the caller.
    let db = stack.db.display().to_string();
    let rec = record_of(&sb, &db, "alice");
    assert_eq!(rec["ended_by"], "operator", "{rec}");
    assert_eq!(rec["outcome"], "completed", "{rec}");
    assert!(
        rec["end_cause"].as_str().unwrap_or("").contains("operator"),
        "{rec}"
    );
    let id = rec["id"].as_str().unwrap();
    let shown = sb.ok(&["calls", "show", id, "--db", &db]);
    assert!(shown.contains("operator"), "{shown}");

    // `b` writes the bundle of the selected call (bob's, the only one left) while it runs.
    let bob_id = live[0]["id"].as_str().unwrap().to_string();
    tmux.keys(&["b"]);
    let (ok, screen) = tmux.wait(Duration::from_secs(10), |s| s.contains("written to"));
    assert!(ok, "no word about the bundle:\n{screen}");
    let written = bundles.path().join(format!("{bob_id}.tar.gz"));
    assert!(written.exists(), "{screen}");
    let parts = unpack(&written);
    assert!(
        parts.contains_key("record.json") && parts.contains_key("timeline.jsonl"),
        "{:?}",
        parts.keys()
    );

    // bob hangs up by himself: his row goes too, and his record says so.
    bob.finish(Duration::from_secs(20));
    assert_eq!(record_of(&sb, &db, "bob")["ended_by"], "caller");
    let (ok, screen) = tmux.wait(Duration::from_secs(10), |s| s.contains("no live calls"));
    assert!(ok, "bob's row did not go:\n{screen}");
    assert!(screen.contains("success"), "{screen}");

    // q leaves the terminal as it was: the alternate screen is gone, the exit status is 0.
    tmux.keys(&["q"]);
    let (ok, screen) = tmux.wait(Duration::from_secs(5), |_| {
        tmux.run(&["display-message", "-p", "-t", "top", "#{pane_dead}"])
            .trim()
            == "1"
    });
    assert!(ok, "top did not exit on q:\n{screen}");
    assert_eq!(tmux.exit_status(), "status 0");
    assert!(
        !screen.contains("calls up"),
        "the view stayed on screen:\n{screen}"
    );

    // A hang-up (SSH gone, tmux killed) ends top too: it must not live on, spinning on the
    // dead terminal (a regression seen: crossterm's reader loops on end of file).
    tmux.run(&["respawn-pane", "-k", "-t", "top", &cmd]);
    let (ok, screen) = tmux.wait(Duration::from_secs(10), |s| s.contains("no live calls"));
    assert!(ok, "top did not start again:\n{screen}");

    // Ctrl-C leaves the terminal as q does (raw mode makes it a key, not a signal).
    tmux.keys(&["C-c"]);
    let (ok, screen) = tmux.wait(Duration::from_secs(5), |_| {
        tmux.run(&["display-message", "-p", "-t", "top", "#{pane_dead}"])
            .trim()
            == "1"
    });
    assert!(ok, "top did not exit on Ctrl-C:\n{screen}");
    assert_eq!(tmux.exit_status(), "status 0", "after Ctrl-C");
    assert!(
        !screen.contains("calls up"),
        "the view stayed on screen after Ctrl-C:\n{screen}"
    );
    tmux.run(&["respawn-pane", "-k", "-t", "top", &cmd]);
    let (ok, screen) = tmux.wait(Duration::from_secs(10), |s| s.contains("no live calls"));
    assert!(ok, "top did not start after Ctrl-C:\n{screen}");
    let pid: i32 = tmux
        .run(&["display-message", "-p", "-t", "top", "#{pane_pid}"])
        .trim()
        .parse()
        .expect("pane pid");
    tmux.run(&["kill-server"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    while Path::new(&format!("/proc/{pid}")).exists() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    let alive = Path::new(&format!("/proc/{pid}")).exists();
    if alive {
        unsafe { libc::kill(pid, libc::SIGKILL) };
    }
    assert!(!alive, "vcctl top outlived its terminal");
    drop(stack);
    sb.assert_clean();
}

#[test]
fn top_without_a_terminal_prints_one_snapshot() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(&sb, StackOptions::default());
    let url = format!("http://127.0.0.1:{}", stack.http);
    let mut c = caller(&sb, "carol", 6);
    stack.wait_bridged(1, Duration::from_secs(15));
    let text = sb.ok(&["top", "--serve", &url]);
    assert!(text.contains("1 calls up"), "{text}");
    assert!(text.contains("carol"), "{text}");
    let v = sb.json(&["top", "--serve", &url]);
    assert_eq!(v["calls"][0]["caller"], "carol", "{v}");
    assert_eq!(v["calls"][0]["state"], "bridged", "{v}");
    assert_eq!(v["totals"]["calls_up"], 1, "{v}");
    // serve's live playout figures reach top: gaps heard beside underflows (`media.playout`
    // of `/calls`, published four times a second once the media runs).
    let mut v = v;
    let deadline = Instant::now() + Duration::from_secs(5);
    while !v["calls"][0]["gaps"].is_u64() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(250));
        v = sb.json(&["top", "--serve", &url]);
    }
    let call = &v["calls"][0];
    assert!(
        call["gaps"].is_u64() && call["gap_frames"].is_u64() && call["underflows"].is_u64(),
        "{v}"
    );
    assert!(text.contains("GAP/U"), "{text}");
    c.finish(Duration::from_secs(20));
    stack.wait_no_calls(Duration::from_secs(10));
    // serve gone: one sentence, exit 3.
    drop(stack);
    let out = sb.vcctl(&["top", "--serve", &url]);
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not reachable"), "{err}");
    sb.assert_clean();
}

/// Every member of a .tar.gz, by name (the bundle's folder stripped).
fn unpack(path: &Path) -> BTreeMap<String, Vec<u8>> {
    let f = std::fs::File::open(path).unwrap();
    let mut a = tar::Archive::new(flate2::read::GzDecoder::new(f));
    a.entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let name = e.path().unwrap().to_string_lossy().to_string();
            let mut data = Vec::new();
            e.read_to_end(&mut data).unwrap();
            (name.split_once('/').unwrap().1.to_string(), data)
        })
        .collect()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn a_bundle_of_a_real_call_has_every_part_and_no_secret() {
    let sb = sandbox();
    sb.force_clean();
    // Fake secrets in serve's environment (inherited by serve and agent-sim): an API key that
    // makes serve fetch a signed URL (its token must stay out too) and serve's API token.
    const API_KEY: &str = "sk_e2e_fake_key_0123456789abcdef";
    const API_TOKEN: &str = "tok-e2e-fake-api-token-98765";
    std::env::set_var("ELEVENLABS_API_KEY", API_KEY);
    std::env::set_var("VCCTL_API_TOKEN", API_TOKEN);
    let dir = tempfile::tempdir().unwrap();
    let cap = dir.path().join("cap");
    let rec = dir.path().join("rec");
    std::fs::create_dir_all(&cap).unwrap();
    std::fs::create_dir_all(&rec).unwrap();
    let (cap_s, rec_s) = (cap.display().to_string(), rec.display().to_string());
    let stack = Stack::start(
        &sb,
        StackOptions {
            sim_args: &[
                "--require-signed-url",
                "--response-delay-ms",
                "60",
                "--ping-interval-ms",
                "500",
            ],
            serve_args: &["--capture", &cap_s, "--record", &rec_s],
            ..Default::default()
        },
    );
    let db = stack.db.display().to_string();
    sb.ok(&[
        "agents",
        "add",
        "greeter",
        "--agent-id",
        "sim-agent",
        "--first-message",
        "Hello from the bundle test",
        "--db",
        &db,
    ]);
    let mut c = caller(&sb, "+15557654321", 4);
    c.finish(Duration::from_secs(30));
    stack.wait_no_calls(Duration::from_secs(10));
    let records = sb.json(&["calls", "list", "--db", &db]);
    let id = records[0]["id"]
        .as_str()
        .expect("a call record")
        .to_string();
    assert_eq!(records[0]["outcome"], "completed", "{records}");

    let out = dir.path().join("bundle.tar.gz");
    let out_s = out.display().to_string();
    let report = sb.json(&["calls", "bundle", &id, "-o", &out_s, "--db", &db]);
    assert_eq!(report["call"], id.as_str());
    let files = unpack(&out);
    let names: Vec<&str> = files.keys().map(String::as_str).collect();
    for want in [
        "README.txt",
        "record.json",
        "transcript.txt",
        "rtp.json",
        "latency.json",
        "settings.json",
        "ari-events.jsonl",
        "timeline.jsonl",
        "agent.jsonl",
        "capture.pcap",
        "recording.wav",
    ] {
        assert!(names.contains(&want), "{want} missing from {names:?}");
    }
    let text = |n: &str| String::from_utf8(files[n].clone()).unwrap();
    // README names every file.
    let readme = text("README.txt");
    for n in &names {
        assert!(
            readme.contains(n),
            "README.txt does not name {n}:\n{readme}"
        );
    }
    // The record is this call's.
    let record: Value = serde_json::from_str(&text("record.json")).unwrap();
    assert_eq!(record["id"], id.as_str());
    assert_eq!(record["caller_number"], "+15557654321");
    // The ARI events of its channels and bridge, in order.
    let ari: Vec<Value> = text("ari-events.jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let kinds: Vec<&str> = ari
        .iter()
        .filter_map(|e| e["event"]["type"].as_str())
        .collect();
    let pos = |k: &str| {
        kinds
            .iter()
            .position(|x| *x == k)
            .unwrap_or_else(|| panic!("no {k} in {kinds:?}"))
    };
    assert!(
        pos("StasisStart") < pos("ChannelEnteredBridge"),
        "{kinds:?}"
    );
    assert!(pos("ChannelEnteredBridge") < pos("StasisEnd"), "{kinds:?}");
    assert!(
        ari.iter().any(|e| e["event"]["bridge"]["id"].is_string()),
        "no bridge event"
    );
    // The agent protocol log: both directions with times, audio as sizes.
    let agent = text("agent.jsonl");
    assert!(
        agent.contains("conversation_initiation_metadata"),
        "{agent:.400}"
    );
    assert!(agent.contains(r#""dir":"out""#) && agent.contains(r#""dir":"in""#));
    assert!(agent.contains("audio_bytes"), "audio not summarized");
    assert!(!agent.contains("audio_base_64"), "audio payload in the log");
    assert!(text("transcript.txt").contains("Hello from the bundle test"));
    let rtp: Value = serde_json::from_str(&text("rtp.json")).unwrap();
    assert!(
        rtp["inbound"]["packets"].as_u64().unwrap_or(0) > 50,
        "{rtp}"
    );
    let latency: Value = serde_json::from_str(&text("latency.json")).unwrap();
    assert!(latency["agent_connect_ms"].as_f64().is_some(), "{latency}");
    let settings: Value = serde_json::from_str(&text("settings.json")).unwrap();
    assert!(settings["bundled_by"]
        .as_str()
        .unwrap()
        .starts_with("vcctl "));
    assert_eq!(settings["serve"]["app"], "voiceclone-app", "{settings}");
    // The capture and the recording are the files serve wrote.
    let pcap = std::fs::read(cap.join(format!("{id}.pcap"))).unwrap();
    assert_eq!(files["capture.pcap"], pcap);
    assert_eq!(&files["recording.wav"][..4], b"RIFF");
    // No secret anywhere: the ARI password, the API key, the API token, signed URL tokens.
    for (name, data) in &files {
        for secret in [sb.password.as_str(), API_KEY, API_TOKEN] {
            assert!(!contains(data, secret), "{name} holds a secret ({secret})");
        }
        let s = String::from_utf8_lossy(data);
        for (i, _) in s.match_indices("conversation_signature=") {
            let rest = &s[i + "conversation_signature=".len()..];
            assert!(
                rest.starts_with("[redacted]")
                    || !rest.starts_with(|c: char| c.is_ascii_alphanumeric()),
                "{name}: {}",
                &s[i..(i + 60).min(s.len())]
            );
        }
    }
    // --redact-callers: the number is gone everywhere, replaced consistently.
    let out2 = dir.path().join("redacted.tar.gz");
    sb.ok(&[
        "calls",
        "bundle",
        &id,
        "-o",
        &out2.display().to_string(),
        "--db",
        &db,
        "--redact-callers",
    ]);
    let red = unpack(&out2);
    for (name, data) in &red {
        assert!(
            !contains(data, "+15557654321"),
            "{name} holds the caller's number"
        );
    }
    let record: Value =
        serde_json::from_str(&String::from_utf8(red["record.json"].clone()).unwrap()).unwrap();
    assert_eq!(record["caller_number"], "caller-1");
    assert!(contains(&red["ari-events.jsonl"], "caller-1"));
    std::env::remove_var("ELEVENLABS_API_KEY");
    std::env::remove_var("VCCTL_API_TOKEN");
    drop(stack);
    sb.assert_clean();
}

/// Read a call's event stream (`GET /calls/{id}/events`) until serve closes it: each event
/// (type, data) with the time it arrived. HTTP/1.0, so the body is the bare event stream.
fn read_stream(port: u16, call: &str) -> Vec<(Instant, String, Value)> {
    use std::io::{BufRead, BufReader, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "GET /calls/{call}/events HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
    )
    .unwrap();
    let mut r = BufReader::new(s);
    let mut line = String::new();
    r.read_line(&mut line).unwrap();
    assert!(line.contains(" 200 "), "{line}");
    while line.trim_end() != "" {
        line.clear();
        r.read_line(&mut line).unwrap();
    }
    // SSE: `field:value` (one optional space), a blank line dispatches the event.
    let mut out = Vec::new();
    let (mut event, mut data) = (String::from("message"), String::new());
    loop {
        line.clear();
        if r.read_line(&mut line).unwrap() == 0 {
            return out;
        }
        let l = line.trim_end_matches(['\r', '\n']);
        if l.is_empty() {
            if !data.is_empty() {
                let v = serde_json::from_str(&data).unwrap_or(Value::Null);
                out.push((
                    Instant::now(),
                    std::mem::replace(&mut event, "message".into()),
                    v,
                ));
                data.clear();
            }
            continue;
        }
        let (name, value) = l.split_once(':').unwrap_or((l, ""));
        let value = value.strip_prefix(' ').unwrap_or(value);
        match name {
            "event" => event = value.to_string(),
            "data" => data.push_str(value),
            _ => {}
        }
    }
}

#[test]
fn a_live_calls_event_stream_shows_its_transcript_as_it_comes_and_ends_at_hangup() {
    let sb = sandbox();
    sb.force_clean();
    let stack = Stack::start(&sb, StackOptions::default());
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("bursts.wav");
    bursts_wav(&wav, 9);
    let mut c = talking_caller(&sb, "dave", &wav, 9);
    stack.wait_bridged(1, Duration::from_secs(15));
    let id = stack.calls()[0]["id"].as_str().unwrap().to_string();
    let events = read_stream(stack.http, &id);
    c.finish(Duration::from_secs(20));
    stack.wait_no_calls(Duration::from_secs(10));

    let kinds: Vec<String> = events
        .iter()
        .map(|(_, e, v)| {
            format!(
                "{e}:{}",
                v["kind"].as_str().or(v["reason"].as_str()).unwrap_or("?")
            )
        })
        .collect();
    // From the start (the backlog: settings, the call, ARI events) ...
    assert_eq!(events[0].2["what"], "settings", "{kinds:?}");
    assert!(
        events.iter().any(|(_, _, v)| v["kind"] == "ari"),
        "{kinds:?}"
    );
    // ... transcript lines while the call was live, each as it came: the first one well
    // before the stream ended (bursts end at 1.5 s, 4.5 s, 7.5 s into a 9 s call) ...
    let turns: Vec<&(Instant, String, Value)> = events
        .iter()
        .filter(|(_, _, v)| v["kind"] == "turn" && v["role"] == "caller")
        .collect();
    assert!(turns.len() >= 2, "{kinds:?}");
    let (end_at, end_event, end) = events.last().unwrap();
    assert!(
        *end_at - turns[0].0 > Duration::from_secs(2),
        "the transcript arrived only at the end: {kinds:?}"
    );
    // ... and the end: the 'ended' entry, then `event: end` with the reason, then EOF.
    assert_eq!(end_event, "end", "{kinds:?}");
    assert_eq!(end["reason"], "call ended");
    let ended = &events[events.len() - 2].2;
    assert_eq!(ended["what"], "ended", "{kinds:?}");
    assert_eq!(ended["ended_by"], "caller");
    assert_eq!(end["last"], ended["seq"]);
    // Sequence numbers only grow.
    let seqs: Vec<u64> = events
        .iter()
        .filter_map(|(_, _, v)| v["seq"].as_u64())
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    // The call is gone: its stream answers 404.
    let (status, _) = common::stack::http_get(stack.http, &format!("/calls/{id}/events")).unwrap();
    assert_eq!(status, 404);
    drop(stack);
    sb.assert_clean();
}
