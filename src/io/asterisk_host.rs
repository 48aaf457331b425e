//! How Asterisk resolves its own host name, measured from Asterisk's side. ARI does not say
//! (`asterisk/info` gives the version, build and entity id, no host name), so doctor finds
//! the process that listens on the ARI port on this host and looks at it directly: its root
//! filesystem (a chroot or container has its own /etc/hosts and resolv.conf), its host name
//! (its UTS namespace), and a lookup timed the way its resolver makes it: in this process
//! when Asterisk shares our root, else `getent ahosts` run in Asterisk's root (needs root).

use std::path::Path;
use std::time::{Duration, Instant};

use vcctl_core::checks::host_name::{hosts_file_names, HostLookup};
use vcctl_core::checks::procnet::Proto;

/// Look up Asterisk's host name as Asterisk would. `Err`: why it could not be checked.
pub async fn probe(ari_port: u16, timeout: Duration) -> Result<HostLookup, String> {
    let (listeners, complete) = tokio::task::spawn_blocking(crate::io::netcheck::read_listeners)
        .await
        .map_err(|e| e.to_string())?;
    let on_port: Vec<_> = listeners
        .iter()
        .filter(|l| l.socket.proto == Proto::Tcp && l.socket.local.port() == ari_port)
        .collect();
    let Some(listener) = on_port.first() else {
        return Err(format!(
            "nothing on this host listens on TCP port {ari_port}: Asterisk runs elsewhere; run vcctl doctor on Asterisk's host"
        ));
    };
    let Some(owner) = on_port.iter().find_map(|l| l.owner.clone()) else {
        return Err(if complete {
            format!(
                "the process listening on {} could not be identified",
                listener.socket.local
            )
        } else {
            format!(
                "the process listening on {} could not be seen (run vcctl doctor as root)",
                listener.socket.local
            )
        });
    };
    let proc_dir = format!("/proc/{}", owner.pid);
    let root = std::fs::read_link(format!("{proc_dir}/root")).map_err(|e| {
        format!(
            "cannot see the root of {} (pid {}): {e}; run vcctl doctor as root",
            owner.name, owner.pid
        )
    })?;
    let root_s = root.display().to_string();
    let same = |ns: &str| {
        let theirs = std::fs::read_link(format!("{proc_dir}/ns/{ns}")).ok();
        theirs.is_some() && theirs == std::fs::read_link(format!("/proc/self/ns/{ns}")).ok()
    };
    // The host name: ours when Asterisk shares our UTS namespace (a chroot does), else its
    // root's /etc/hostname (a container's).
    let name = if same("uts") {
        std::fs::read_to_string("/proc/sys/kernel/hostname")
    } else {
        std::fs::read_to_string(format!("{proc_dir}/root/etc/hostname"))
    }
    .map(|s| s.trim().to_string())
    .map_err(|e| format!("cannot read the host name Asterisk uses: {e}"))?;
    if name.is_empty() {
        return Err("Asterisk's host name is empty".into());
    }
    let in_hosts_file = std::fs::read_to_string(format!("{proc_dir}/root/etc/hosts"))
        .ok()
        .map(|t| hosts_file_names(&t, &name))
        .or_else(|| {
            // A missing file reads as "not named there".
            (!Path::new(&format!("{proc_dir}/root/etc"))
                .join("hosts")
                .exists()
                && Path::new(&format!("{proc_dir}/root/etc")).exists())
            .then_some(false)
        });
    let own_root = root_s == "/" && same("mnt");
    let started = Instant::now();
    let (result, method) = if own_root {
        let r = tokio::time::timeout(timeout, tokio::net::lookup_host((name.as_str(), 0))).await;
        let r = match r {
            Ok(Ok(addrs)) => Ok(addrs.map(|a| a.ip()).collect::<Vec<_>>()),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {} s", timeout.as_secs())),
        };
        (r, "getaddrinfo, as Asterisk calls it".to_string())
    } else {
        (
            getent_in(&format!("{proc_dir}/root"), &name, timeout).await,
            "getent ahosts in Asterisk's root".to_string(),
        )
    };
    let took = started.elapsed();
    let mut result = result;
    if let Ok(a) = &mut result {
        a.sort();
        a.dedup();
    }
    Ok(HostLookup {
        pid: owner.pid,
        root: root_s,
        name,
        in_hosts_file,
        result,
        took,
        method,
    })
}

/// `chroot ROOT getent ahosts NAME`: the lookup with Asterisk's libc, nsswitch.conf, hosts
/// file and resolv.conf.
async fn getent_in(
    root: &str,
    name: &str,
    timeout: Duration,
) -> Result<Vec<std::net::IpAddr>, String> {
    let mut cmd = tokio::process::Command::new("chroot");
    cmd.args([root, "getent", "ahosts", name])
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    let out = match tokio::time::timeout(timeout, cmd.output()).await {
        Err(_) => return Err(format!("no answer within {} s", timeout.as_secs())),
        Ok(Err(e)) => {
            return Err(format!(
                "could not run getent in Asterisk's root ({e}; it needs root)"
            ))
        }
        Ok(Ok(o)) => o,
    };
    match out.status.code() {
        Some(0) => Ok(String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split_whitespace().next()?.parse().ok())
            .collect()),
        Some(2) => Err("not found".into()),
        _ => {
            let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
            Err(if err.is_empty() {
                format!("getent failed ({})", out.status)
            } else {
                format!("getent failed: {err}")
            })
        }
    }
}
