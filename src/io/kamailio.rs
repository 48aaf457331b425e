//! Kamailio's view of the cluster: `kamcmd dispatcher.list` over Kamailio's ctl socket
//! (the `ctl` module's BINRPC; kamcmd ships with the kamailio package). The text it prints
//! is parsed in `vcctl_core::checks::kamailio`. kamcmd is run rather than BINRPC spoken here:
//! it is the operator's own tool for the same question, and BINRPC has no maintained crate.

use std::time::Duration;

/// The text of `kamcmd -s CTL dispatcher.list`, or one sentence saying why there is none.
pub async fn dispatcher_list(ctl: &str, timeout: Duration) -> Result<String, String> {
    let run = tokio::process::Command::new("kamcmd")
        .args(["-s", ctl, "dispatcher.list"])
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true)
        .output();
    let out = match tokio::time::timeout(timeout, run).await {
        Err(_) => {
            return Err(format!(
                "kamcmd -s {ctl} dispatcher.list gave no answer within {:.0} s",
                timeout.as_secs_f64()
            ))
        }
        Ok(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err("kamcmd is not installed here (it comes with the kamailio package)".into())
        }
        Ok(Err(e)) => return Err(format!("could not run kamcmd: {e}")),
        Ok(Ok(out)) => out,
    };
    if !out.status.success() {
        let why = String::from_utf8_lossy(&out.stderr).trim().to_string();
        let why = if why.is_empty() {
            String::from_utf8_lossy(&out.stdout).trim().to_string()
        } else {
            why
        };
        return Err(format!(
            "kamcmd -s {ctl} dispatcher.list failed ({}): is Kamailio running with its ctl socket there?",
            why.lines().next().unwrap_or("no output")
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
