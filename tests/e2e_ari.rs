//! End to end against the real Asterisk 22 sandbox: every ARI command, the event order of a
//! call that enters Stasis, error sentences and exit codes, and `events --follow` across a
//! restart of Asterisk.

mod common;

use std::time::Duration;

use common::{bare_command, sandbox};
use serde_json::Value;

fn event_type(line: &str) -> String {
    serde_json::from_str::<Value>(line)
        .ok()
        .and_then(|v| v["type"].as_str().map(str::to_string))
        .unwrap_or_default()
}

#[test]
fn info_reports_asterisk_22() {
    let sb = sandbox();
    let v = sb.json(&["info"]);
    let version = v["system"]["version"].as_str().unwrap();
    assert!(version.starts_with("22."), "version {version}");
    assert!(v["uptime_seconds"].as_u64().is_some());
    assert!(!v["system"]["entity_id"].as_str().unwrap().is_empty());
    let text = sb.ok(&["info"]);
    assert!(
        text.contains(version) && text.contains("last reload"),
        "{text}"
    );
}

#[test]
fn endpoints_list_and_show_the_anonymous_endpoint() {
    let sb = sandbox();
    let list = sb.json(&["endpoints"]);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|e| e["technology"] == "PJSIP" && e["resource"] == "anonymous"),
        "{list}"
    );
    let one = sb.json(&["endpoints", "show", "PJSIP/anonymous"]);
    assert_eq!(one["resource"], "anonymous");
    assert!(sb.ok(&["endpoints", "list"]).contains("PJSIP/anonymous"));

    let missing = sb.vcctl(&["endpoints", "show", "PJSIP/nobody-here"]);
    assert_eq!(missing.status.code(), Some(5));
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(
        err.starts_with("vcctl: no such endpoint PJSIP/nobody-here"),
        "{err}"
    );
    let bad = sb.vcctl(&["endpoints", "show", "anonymous"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// A Local channel into `test@incoming` enters Stasis with the expected args; it is bridged,
/// inspected, hung up; the event stream shows the call in order; nothing is left behind.
#[test]
fn call_into_stasis_bridge_and_hangup() {
    let sb = sandbox();
    sb.force_clean();
    let app = "voiceclone-app";
    // Register the deployment's app (serve is not running in this test).
    let mut events = sb.spawn_events(&["--app", app, "--json", "--timeout", "60"]);
    // While it runs, a second registration of the same app is refused (exit 9)...
    let second = sb.vcctl(&["events", "--app", app, "--timeout", "1"]);
    assert_eq!(
        second.status.code(),
        Some(9),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(String::from_utf8_lossy(&second.stderr).contains("--take-over"));
    // ...and the app shows in `apps`.
    let apps = sb.json(&["apps"]);
    assert!(
        apps.as_array().unwrap().iter().any(|a| a["name"] == app),
        "{apps}"
    );

    // An observer at the same time does not knock the app off (it gets its own name).
    let mut observer = sb.spawn(&["events", "--json", "--timeout", "60"]);
    assert!(observer
        .wait_stderr(Duration::from_secs(10), |l| l.contains("observer"))
        .is_some());

    let originated = sb.json(&[
        "originate",
        "Local/test@incoming",
        "--context",
        "vcctl-test",
        "--extension",
        "silence",
        "--caller-id",
        "1001",
        "--timeout",
        "10",
    ]);
    assert!(originated["name"]
        .as_str()
        .unwrap()
        .starts_with("Local/test@incoming"));

    let start = events
        .wait_stdout(Duration::from_secs(10), |l| event_type(l) == "StasisStart")
        .expect("StasisStart");
    let start: Value = serde_json::from_str(&start).unwrap();
    assert_eq!(start["args"], serde_json::json!(["test", "1001"]));
    let chan = start["channel"]["id"].as_str().unwrap().to_string();

    let bridge = sb.json(&["bridge", "create", "--type", "mixing", "--name", "e2e"]);
    let bridge_id = bridge["id"].as_str().unwrap().to_string();
    assert_eq!(bridge["bridge_type"], "mixing");
    sb.ok(&["bridge", "add", &bridge_id, &chan]);
    let shown = sb.json(&["bridge", "show", &bridge_id]);
    assert_eq!(shown["channels"], serde_json::json!([chan]));
    assert!(sb.ok(&["bridge", "list"]).contains(&bridge_id));

    let ch = sb.json(&["channels", "show", &chan]);
    // The deployment's dialplan leaves answering to the app (vcctl serve answers once the
    // call is set up), so the caller is still ringing here.
    assert_eq!(ch["state"], "Ring");
    assert_eq!(ch["caller"]["number"], "1001");
    assert!(sb.ok(&["channels", "list"]).contains(&chan));
    assert_eq!(
        sb.ok(&["channels", "var", &chan, "CALLERID(num)"]).trim(),
        "1001"
    );

    sb.ok(&["bridge", "remove", &bridge_id, &chan]);
    sb.ok(&["bridge", "add", &bridge_id, &chan]);
    sb.ok(&["channels", "hangup", &chan, "--reason", "normal"]);
    let mut order = vec!["StasisStart".to_string()];
    while let Some(l) = events.wait_stdout(Duration::from_secs(10), |_| true) {
        let t = event_type(&l);
        if ["ChannelEnteredBridge", "ChannelLeftBridge", "StasisEnd"].contains(&t.as_str()) {
            order.push(t.clone());
        }
        if t == "StasisEnd" {
            break;
        }
    }
    assert_eq!(
        order,
        [
            "StasisStart",
            "ChannelEnteredBridge",
            "ChannelLeftBridge",
            "ChannelEnteredBridge",
            "ChannelLeftBridge",
            "StasisEnd"
        ]
    );
    sb.ok(&["bridge", "destroy", &bridge_id]);
    // The observer saw the same call without disturbing the app.
    assert!(observer
        .wait_stdout(Duration::from_secs(10), |l| l.contains(&chan)
            && event_type(l) == "ChannelDestroyed")
        .is_some());
    assert!(!events
        .seen_out
        .iter()
        .any(|l| event_type(l) == "ApplicationReplaced"));
    observer.interrupt(Duration::from_secs(5));
    assert_eq!(events.interrupt(Duration::from_secs(5)), Some(0));
    sb.assert_clean();
}

#[test]
fn take_over_replaces_the_running_app_and_the_old_one_says_so() {
    let sb = sandbox();
    let app = "vcctl-e2e-takeover";
    let mut first = sb.spawn(&["events", "--app", app, "--follow"]);
    assert!(first
        .wait_stderr(Duration::from_secs(10), |l| l.contains("listening"))
        .is_some());
    let mut second = sb.spawn(&["events", "--app", app, "--take-over", "--timeout", "30"]);
    assert!(second
        .wait_stderr(Duration::from_secs(10), |l| l.contains("listening"))
        .is_some());
    assert_eq!(first.finish(Duration::from_secs(10)), Some(9));
    assert!(
        first.seen_err.iter().any(|l| l.contains("replaced")),
        "{:?}",
        first.seen_err
    );
    second.interrupt(Duration::from_secs(5));
}

#[test]
fn count_and_type_filters_stop_the_stream() {
    let sb = sandbox();
    // Not enough events before the timeout: exit 7. This runs first, while no channel exists:
    // Asterisk 22.10 can deadlock its app registry when an observer registers while a previous
    // observer is still being torn down next to dying channels (see README).
    let none = sb.vcctl(&[
        "events",
        "--type",
        "NoSuchEvent",
        "--count",
        "1",
        "--timeout",
        "1",
    ]);
    assert_eq!(none.status.code(), Some(7));
    let mut events = sb.spawn(&[
        "events",
        "--type",
        "ChannelCreated",
        "--count",
        "1",
        "--timeout",
        "20",
    ]);
    assert!(events
        .wait_stderr(Duration::from_secs(10), |l| l.contains("listening"))
        .is_some());
    let out = sb.json(&[
        "originate",
        "Local/silence@vcctl-test",
        "--context",
        "vcctl-test",
        "--extension",
        "silence",
    ]);
    let id = out["id"].as_str().unwrap().to_string();
    assert_eq!(events.finish(Duration::from_secs(15)), Some(0));
    assert_eq!(events.seen_out.len(), 1, "{:?}", events.seen_out);
    assert!(events.seen_out[0].contains("ChannelCreated"));
    sb.ok(&["channels", "hangup", &id]);
    sb.assert_clean();
}

#[test]
fn recordings_list_get_delete() {
    let sb = sandbox();
    // Make a recording of a bridge with a tone in it, through the library's ARI client.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let settings = vcctl::config::AriSettings::resolve(
        &vcctl::config::AriFlags {
            url: Some(sb.url.clone()),
            password: Some(sb.password.clone()),
            ..Default::default()
        },
        &Default::default(),
    )
    .unwrap();
    let ari = vcctl::io::ari_http::AriClient::new(&settings).unwrap();
    let name = format!("vcctl-e2e-{}", std::process::id());
    let mut events = sb.spawn(&[
        "events",
        "--app",
        "vcctl-e2e-rec",
        "--json",
        "--timeout",
        "30",
    ]);
    assert!(events
        .wait_stderr(Duration::from_secs(10), |l| l.contains("listening"))
        .is_some());
    let chan = sb.json(&[
        "originate",
        "Local/tone@vcctl-test",
        "--app",
        "vcctl-e2e-rec",
    ]);
    let chan_id = chan["id"].as_str().unwrap().to_string();
    events
        .wait_stdout(Duration::from_secs(10), |l| event_type(l) == "StasisStart")
        .expect("StasisStart");
    let bridge = rt
        .block_on(ari.create_bridge("mixing", Some("rec")))
        .unwrap();
    rt.block_on(ari.add_to_bridge(&bridge.id, std::slice::from_ref(&chan_id)))
        .unwrap();
    rt.block_on(ari.record_bridge(&bridge.id, &name, "wav"))
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    sb.ok(&["channels", "hangup", &chan_id]);
    sb.ok(&["bridge", "destroy", &bridge.id]);
    std::thread::sleep(Duration::from_millis(500));

    let list = sb.json(&["recordings", "list"]);
    assert!(
        list.as_array()
            .unwrap()
            .iter()
            .any(|r| r["name"] == name.as_str()),
        "{list}"
    );
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.wav");
    sb.ok(&["recordings", "get", &name, "-o", file.to_str().unwrap()]);
    let bytes = std::fs::read(&file).unwrap();
    assert_eq!(&bytes[..4], b"RIFF");
    assert!(
        bytes.len() > 8000,
        "a second of 8 kHz audio, got {} bytes",
        bytes.len()
    );
    sb.ok(&["recordings", "delete", &name]);
    let gone = sb.vcctl(&["recordings", "get", &name, "-o", file.to_str().unwrap()]);
    assert_eq!(gone.status.code(), Some(5));
    events.interrupt(Duration::from_secs(5));
    sb.assert_clean();
}

#[test]
fn user_mistakes_give_one_sentence_and_the_documented_exit_code() {
    let sb = sandbox();
    let secret = "wrong-Pa55word-xyz";
    let bad_pw = bare_command()
        .env("VCCTL_ARI_URL", &sb.url)
        .env("ASTERISK_ARI_PASSWORD", secret)
        .args(["channels", "list"])
        .output()
        .unwrap();
    assert_eq!(bad_pw.status.code(), Some(4));
    let err = String::from_utf8_lossy(&bad_pw.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("rejected the credentials for user 'voiceclone'"),
        "{err}"
    );
    assert!(!err.contains(secret));
    // The events WebSocket too.
    let bad_ws = bare_command()
        .env("VCCTL_ARI_URL", &sb.url)
        .env("ASTERISK_ARI_PASSWORD", secret)
        .args(["events", "--timeout", "1"])
        .output()
        .unwrap();
    assert_eq!(
        bad_ws.status.code(),
        Some(4),
        "{}",
        String::from_utf8_lossy(&bad_ws.stderr)
    );

    let closed = bare_command()
        .args([
            "info",
            "--ari-url",
            "http://127.0.0.1:9",
            "--password",
            secret,
        ])
        .output()
        .unwrap();
    assert_eq!(closed.status.code(), Some(3));
    let err = String::from_utf8_lossy(&closed.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("ARI is not reachable at http://127.0.0.1:9/"),
        "{err}"
    );
    assert!(!err.contains(secret));

    let missing = sb.vcctl(&["channels", "show", "no-such-channel"]);
    assert_eq!(missing.status.code(), Some(5));
    let err = String::from_utf8_lossy(&missing.stderr);
    assert!(
        err.starts_with("vcctl: no such channel no-such-channel"),
        "{err}"
    );
    let missing = sb.vcctl(&["channels", "hangup", "no-such-channel"]);
    assert_eq!(missing.status.code(), Some(5));
    let missing = sb.vcctl(&["bridge", "destroy", "no-such-bridge"]);
    assert_eq!(missing.status.code(), Some(5));
    // Asterisk's own message for a refused request (bad bridge type -> 400 or 500).
    let refused = sb.vcctl(&["originate", "Bogus/thing"]);
    assert!(
        matches!(refused.status.code(), Some(5 | 6)),
        "{:?}",
        refused.status
    );
    assert_eq!(String::from_utf8_lossy(&refused.stderr).lines().count(), 1);
}

/// `events --follow` keeps going when Asterisk restarts: it reports the gap, lists the state
/// after reconnecting, and shows events of a call made after the restart.
#[test]
fn events_follow_survives_an_asterisk_restart() {
    let sb = sandbox();
    let mut follow = sb.spawn(&["events", "--follow"]);
    assert!(follow
        .wait_stderr(Duration::from_secs(10), |l| l.contains("listening"))
        .is_some());
    let restart = sb.sandbox_script(&["restart"]);
    assert!(
        restart.status.success(),
        "restart failed: {}",
        String::from_utf8_lossy(&restart.stderr)
    );
    assert!(
        follow
            .wait_stdout(Duration::from_secs(60), |l| l
                .starts_with("-- reconnected after"))
            .is_some(),
        "no reconnect notice; stdout {:?} stderr {:?}",
        follow.seen_out,
        follow.stderr.try_iter().collect::<Vec<_>>()
    );
    assert!(follow
        .wait_stdout(Duration::from_secs(5), |l| l.starts_with("-- state now"))
        .is_some());
    let out = sb.json(&[
        "originate",
        "Local/silence@vcctl-test",
        "--context",
        "vcctl-test",
        "--extension",
        "silence",
    ]);
    let id = out["id"].as_str().unwrap().to_string();
    assert!(
        follow
            .wait_stdout(Duration::from_secs(10), |l| l.contains("ChannelCreated")
                && l.contains(&id))
            .is_some(),
        "no event after the restart: {:?}",
        follow.seen_out
    );
    sb.ok(&["channels", "hangup", &id]);
    assert_eq!(follow.interrupt(Duration::from_secs(5)), Some(0));
    assert!(follow
        .seen_out
        .iter()
        .any(|l| l.starts_with("-- connection to ARI lost")));
    sb.assert_clean();
}
