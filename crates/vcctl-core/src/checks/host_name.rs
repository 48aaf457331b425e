//! Doctor's "asterisk host name" check, as data: whether Asterisk resolves its own host
//! name locally and quickly.
//!
//! Why it matters: with SIP bound to the wildcard address (the deployment's default), Asterisk
//! looks its host name up while it sets up each call's RTP (`ast_find_ourip`: the host name,
//! then `A.ROOT-SERVERS.NET`), in the SIP thread. Without an /etc/hosts entry that is a DNS
//! query per call, and a slow or unreachable DNS server stalls every call setup.

use std::net::IpAddr;
use std::time::Duration;

use crate::checks::verdicts::{CheckRow, Status};

/// Below this a lookup is quick.
pub const QUICK: Duration = Duration::from_millis(100);
/// From this on a lookup is a failure: every call setup waits this long.
pub const SLOW: Duration = Duration::from_secs(1);

/// Whether `name` is named in an /etc/hosts text (case-insensitive, comments ignored).
pub fn hosts_file_names(text: &str, name: &str) -> bool {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let addr = f.next()?;
            addr.parse::<IpAddr>().ok()?;
            Some(f.map(str::to_string).collect::<Vec<_>>())
        })
        .any(|names| names.iter().any(|n| n.eq_ignore_ascii_case(name)))
}

/// What was found about the Asterisk process serving ARI on this host.
#[derive(Debug, Clone, PartialEq)]
pub struct HostLookup {
    pub pid: u32,
    /// Asterisk's root directory as this process sees it (`/` when not chrooted).
    pub root: String,
    /// The host name Asterisk gets from gethostname().
    pub name: String,
    /// Whether its root's /etc/hosts names it (`None`: could not be read).
    pub in_hosts_file: Option<bool>,
    /// The timed lookup: the addresses, or why it failed; with how long it took.
    pub result: Result<Vec<IpAddr>, String>,
    pub took: Duration,
    /// How the lookup was made (e.g. "getent in Asterisk's root").
    pub method: String,
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The row for a lookup.
pub fn judge_host_lookup(l: &HostLookup) -> CheckRow {
    let target = format!("{} (pid {})", l.name, l.pid);
    let hosts = if l.root == "/" {
        "/etc/hosts".to_string()
    } else {
        format!("{}/etc/hosts", l.root.trim_end_matches('/'))
    };
    let fix = format!(
        "add the line '127.0.1.1 {}' to {hosts} (what Debian writes for the host name; use the host's address if it has a fixed one) so Asterisk resolves its host name without DNS; the sandbox writes it at every start (scripts/asterisk-sandbox.sh restart), and in Docker network_mode: host copies the host's /etc/hosts (or set extra_hosts)",
        l.name
    );
    let source = match l.in_hosts_file {
        Some(true) => format!("from {hosts}"),
        Some(false) => format!("not in {hosts}, so by DNS"),
        None => format!("({hosts} could not be read)"),
    };
    let took = ms(l.took);
    match &l.result {
        Ok(addrs) => {
            let list = addrs
                .iter()
                .map(|a| a.to_string())
                .collect::<Vec<_>>()
                .join(", ");
            let ev = format!(
                "Asterisk's host name '{}' resolves to {list} in {took}, {source} ({})",
                l.name, l.method
            );
            let status = if l.took >= SLOW {
                Status::Fail
            } else if l.took >= QUICK || l.in_hosts_file == Some(false) {
                Status::Warn
            } else {
                Status::Pass
            };
            let mut row = CheckRow::new("asterisk host name", target, status, ev);
            if status != Status::Pass {
                row = row.with_fix(fix);
                if l.in_hosts_file == Some(false) && l.took < SLOW {
                    row.evidence.push_str(
                        "; Asterisk makes this lookup for every call it sets up, so a DNS hiccup stalls call setup",
                    );
                }
            }
            row
        }
        Err(why) => {
            let status = if l.took >= SLOW {
                Status::Fail
            } else {
                Status::Warn
            };
            CheckRow::new(
                "asterisk host name",
                target,
                status,
                format!(
                    "Asterisk's host name '{}' does not resolve ({why}) after {took}, {source} ({}); Asterisk then also looks up A.ROOT-SERVERS.NET, for every call it sets up",
                    l.name, l.method
                ),
            )
            .with_fix(fix)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup() -> HostLookup {
        HostLookup {
            pid: 42,
            root: "/var/lib/vcctl-sandbox/rootfs".into(),
            name: "vm".into(),
            in_hosts_file: Some(true),
            result: Ok(vec!["127.0.1.1".parse().unwrap()]),
            took: Duration::from_micros(2500),
            method: "getent in Asterisk's root".into(),
        }
    }

    #[test]
    fn hosts_files_are_read_like_the_resolver_reads_them() {
        let t = "# comment vm\n127.0.0.1\tlocalhost\n127.0.1.1 VM vm.example  # the host\n::1 ip6-localhost\nnot-an-address vmx\n";
        assert!(hosts_file_names(t, "vm"));
        assert!(hosts_file_names(t, "vm.example"));
        assert!(hosts_file_names(t, "ip6-localhost"));
        assert!(!hosts_file_names(t, "comment"));
        assert!(!hosts_file_names(t, "vmx"));
        assert!(!hosts_file_names("", "vm"));
    }

    #[test]
    fn a_local_quick_answer_passes_and_says_how_long() {
        let r = judge_host_lookup(&lookup());
        assert_eq!(r.status, Status::Pass);
        assert_eq!(
            r.evidence,
            "Asterisk's host name 'vm' resolves to 127.0.1.1 in 2.5 ms, from /var/lib/vcctl-sandbox/rootfs/etc/hosts (getent in Asterisk's root)"
        );
        assert_eq!(r.fix, None);
    }

    #[test]
    fn dns_lookups_warn_and_slow_or_failing_ones_fail_with_the_fix() {
        let mut l = lookup();
        l.in_hosts_file = Some(false);
        l.took = Duration::from_millis(20);
        let r = judge_host_lookup(&l);
        assert_eq!(r.status, Status::Warn);
        assert!(r.evidence.contains("by DNS"), "{}", r.evidence);
        assert!(r
            .fix
            .as_deref()
            .unwrap()
            .starts_with("add the line '127.0.1.1 vm' to /var/lib/vcctl-sandbox/rootfs/etc/hosts"));

        l.took = Duration::from_millis(2500);
        assert_eq!(judge_host_lookup(&l).status, Status::Fail);

        l.result = Err("Name or service not known".into());
        l.took = Duration::from_millis(30);
        let r = judge_host_lookup(&l);
        assert_eq!(r.status, Status::Warn);
        assert!(r.evidence.contains("A.ROOT-SERVERS.NET"), "{}", r.evidence);

        l.took = Duration::from_secs(5);
        assert_eq!(judge_host_lookup(&l).status, Status::Fail);

        let mut native = lookup();
        native.root = "/".into();
        native.took = Duration::from_millis(150);
        let r = judge_host_lookup(&native);
        assert_eq!(r.status, Status::Warn);
        assert!(r.fix.unwrap().contains(" to /etc/hosts "));
    }
}
