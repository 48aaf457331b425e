//! The one command that lets a blocked port range in: `ufw allow` for ufw chains, else an
//! accept rule at the top of the base chain (nft or iptables).

use super::*;

// ---------------------------------------------------------------------------------------
// Fixes
// ---------------------------------------------------------------------------------------

/// The one command that lets `proto` ports `lo..=hi` in at the base chain of `blocking`:
/// `ufw allow` for ufw chains, else an accept rule inserted at the top of the base chain.
pub fn fix_command(blocking: &RuleRef, proto: Proto, lo: u16, hi: u16) -> String {
    let p = proto.name();
    if blocking.ufw {
        return if lo == hi {
            format!("ufw allow {lo}/{p}")
        } else {
            format!("ufw allow {lo}:{hi}/{p}")
        };
    }
    match blocking.backend {
        Backend::Nft => {
            let ports = if lo == hi {
                lo.to_string()
            } else {
                format!("{lo}-{hi}")
            };
            format!(
                "nft insert rule {} {} {} {p} dport {ports} accept",
                blocking.family,
                blocking.table,
                nft_quote(&blocking.base_chain)
            )
        }
        Backend::Iptables | Backend::Ip6tables => {
            let tool = if blocking.backend == Backend::Iptables {
                "iptables"
            } else {
                "ip6tables"
            };
            let table = if blocking.table == "filter" {
                String::new()
            } else {
                format!("-t {} ", blocking.table)
            };
            let ports = if lo == hi {
                lo.to_string()
            } else {
                format!("{lo}:{hi}")
            };
            format!(
                "{tool} {table}-I {} 1 -p {p} --dport {ports} -j ACCEPT",
                blocking.base_chain
            )
        }
    }
}

pub(super) fn nft_quote(name: &str) -> String {
    if name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        name.to_string()
    } else {
        format!("\"{name}\"")
    }
}
