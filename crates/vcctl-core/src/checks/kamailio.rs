//! Kamailio's view of the cluster (issue 18): `kamcmd dispatcher.list` parsed, and doctor's
//! verdict on whether Kamailio and each node's ARI agree that the node is up.
//!
//! Kamailio's dispatcher flags: the first letter is the state (`A` active, `I` inactive,
//! `D` disabled, `T` trying), the second says whether it probes the node (`P`) or not (`X`).

use crate::checks::verdicts::{CheckRow, Status};

/// One destination of a dispatcher set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DsDest {
    pub set: u32,
    /// e.g. `sip:127.0.0.2:5060`.
    pub uri: String,
    /// e.g. `AP`.
    pub flags: String,
    /// The `name=` attribute, when the dispatcher list gives one.
    pub name: Option<String>,
}

impl DsDest {
    /// The host of the SIP URI (no user, port or parameters).
    pub fn host(&self) -> &str {
        let rest = self
            .uri
            .split_once(':')
            .map(|(_, r)| r)
            .unwrap_or(&self.uri);
        let rest = rest.rsplit_once('@').map(|(_, r)| r).unwrap_or(rest);
        let rest = rest.split(';').next().unwrap_or(rest);
        if let Some(v6) = rest.strip_prefix('[') {
            return v6.split(']').next().unwrap_or(v6);
        }
        rest.split(':').next().unwrap_or(rest)
    }

    /// Kamailio sends new calls to it (state `A`, or `T` trying).
    pub fn active(&self) -> bool {
        self.flags.starts_with('A') || self.flags.starts_with('T')
    }
}

/// Parse the text `kamcmd dispatcher.list` prints (Kamailio 5.x).
pub fn parse_dispatcher_list(text: &str) -> Vec<DsDest> {
    let mut out: Vec<DsDest> = Vec::new();
    let mut set = 0;
    for line in text.lines() {
        let line = line.trim();
        let Some((key, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim() {
            "ID" => set = value.parse().unwrap_or(0),
            "URI" => out.push(DsDest {
                set,
                uri: value.to_string(),
                flags: String::new(),
                name: None,
            }),
            "FLAGS" => {
                if let Some(d) = out.last_mut() {
                    d.flags = value.to_string();
                }
            }
            "BODY" => {
                if let Some(d) = out.last_mut() {
                    d.name = value
                        .split(';')
                        .find_map(|kv| kv.trim().strip_prefix("name="))
                        .map(str::to_string);
                }
            }
            _ => {}
        }
    }
    out
}

/// A node as doctor saw it through ARI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSeen {
    pub name: String,
    /// The host of its ARI URL, matched against the dispatcher URIs when no `name=` matches.
    pub ari_host: String,
    /// Its ARI answered with the credentials given.
    pub ari_up: bool,
}

/// One row per node (does Kamailio agree with ARI?) and one per dispatcher destination that
/// is none of the nodes.
pub fn judge_kamailio(nodes: &[NodeSeen], dests: &[DsDest]) -> Vec<CheckRow> {
    let mut rows = Vec::new();
    let mut used = vec![false; dests.len()];
    for n in nodes {
        let at = dests
            .iter()
            .position(|d| d.name.as_deref() == Some(n.name.as_str()))
            .or_else(|| dests.iter().position(|d| d.host() == n.ari_host));
        let check = format!("kamailio: {}", n.name);
        let Some(i) = at else {
            rows.push(
                CheckRow::new(
                    check,
                    n.ari_host.clone(),
                    Status::Warn,
                    "Kamailio's dispatcher has no destination for this node: it gets no calls",
                )
                .with_fix("add `SET sip:HOST:5060 0 0 name=NODE` to dispatcher.list, then `kamcmd dispatcher.reload`"),
            );
            continue;
        };
        used[i] = true;
        let d = &dests[i];
        let target = d.uri.clone();
        rows.push(match (d.active(), n.ari_up) {
            (true, true) => CheckRow::new(
                check,
                target,
                Status::Pass,
                format!("active in set {} ({}) and its ARI answers", d.set, d.flags),
            ),
            (false, false) => CheckRow::new(
                check,
                target,
                Status::Pass,
                format!(
                    "out of rotation ({}), as expected: its ARI does not answer either",
                    d.flags
                ),
            ),
            (true, false) => CheckRow::new(
                check,
                target,
                Status::Fail,
                format!(
                    "Kamailio and ARI disagree: Kamailio still sends calls to it ({}) but its ARI does not answer",
                    d.flags
                ),
            )
            .with_fix("start the node's Asterisk (and its serve), or take it out: kamcmd dispatcher.set_state ip SET URI"),
            (false, true) => CheckRow::new(
                check,
                target,
                Status::Warn,
                format!(
                    "Kamailio and ARI disagree: its ARI answers but Kamailio has it out of rotation ({}): its SIP OPTIONS probe fails",
                    d.flags
                ),
            )
            .with_fix("check the node's PJSIP transport and that Kamailio reaches its SIP port"),
        });
    }
    for (d, _) in dests.iter().zip(&used).filter(|(_, u)| !**u) {
        rows.push(
            CheckRow::new(
                format!("kamailio: {}", d.name.as_deref().unwrap_or("unknown node")),
                d.uri.clone(),
                Status::Warn,
                format!(
                    "Kamailio dispatches to it ({}) but it is none of the nodes checked",
                    d.flags
                ),
            )
            .with_fix("name every node to doctor (--ari-url a,b or --nodes FILE)"),
        );
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `kamcmd dispatcher.list` printed for the cluster sandbox (Kamailio 5.6.3), node 2
    /// killed.
    const LIST: &str = "{
	NRSETS: 1
	RECORDS: {
		SET: {
			ID: 1
			TARGETS: {
				DEST: {
					URI: sip:127.0.0.3:5060
					FLAGS: IP
					PRIORITY: 0
					ATTRS: {
						BODY: name=node2
						DUID: <null string>
					}
				}
				DEST: {
					URI: sip:127.0.0.2:5060
					FLAGS: AP
					PRIORITY: 0
					ATTRS: {
						BODY: name=node1
						DUID: <null string>
					}
				}
			}
		}
	}
}";

    fn seen(name: &str, host: &str, up: bool) -> NodeSeen {
        NodeSeen {
            name: name.into(),
            ari_host: host.into(),
            ari_up: up,
        }
    }

    #[test]
    fn the_dispatcher_list_gives_uri_flags_and_name() {
        let d = parse_dispatcher_list(LIST);
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].uri, "sip:127.0.0.3:5060");
        assert_eq!(d[0].flags, "IP");
        assert_eq!(d[0].name.as_deref(), Some("node2"));
        assert_eq!(d[0].set, 1);
        assert_eq!(d[0].host(), "127.0.0.3");
        assert!(!d[0].active());
        assert!(d[1].active());
        assert!(parse_dispatcher_list("").is_empty());
    }

    #[test]
    fn agreement_passes_and_disagreement_is_named() {
        let d = parse_dispatcher_list(LIST);
        // node2 is out and its ARI is down: they agree.
        let rows = judge_kamailio(
            &[
                seen("node1", "127.0.0.2", true),
                seen("node2", "127.0.0.3", false),
            ],
            &d,
        );
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|r| r.status == Status::Pass), "{rows:?}");
        // node2's ARI answers but Kamailio has it out: a warning naming both views.
        let rows = judge_kamailio(
            &[
                seen("node1", "127.0.0.2", true),
                seen("node2", "127.0.0.3", true),
            ],
            &d,
        );
        assert_eq!(rows[1].status, Status::Warn);
        assert!(
            rows[1].evidence.contains("disagree"),
            "{}",
            rows[1].evidence
        );
        // node1 is active in Kamailio but its ARI is down: a failure.
        let rows = judge_kamailio(
            &[
                seen("node1", "127.0.0.2", false),
                seen("node2", "127.0.0.3", false),
            ],
            &d,
        );
        assert_eq!(rows[0].status, Status::Fail);
        assert_eq!(rows[0].target, "sip:127.0.0.2:5060");
    }

    #[test]
    fn nodes_match_by_host_when_names_differ_and_strangers_are_listed() {
        let d = parse_dispatcher_list(LIST);
        // Nodes named after their hosts (an --ari-url list) still find their destination.
        let rows = judge_kamailio(&[seen("127.0.0.2", "127.0.0.2", true)], &d);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].status, Status::Pass);
        // node2 was not named to doctor: Kamailio sends to a node nobody checked.
        assert_eq!(rows[1].status, Status::Warn);
        assert_eq!(rows[1].check, "kamailio: node2");
        // A node Kamailio does not know.
        let rows = judge_kamailio(&[seen("node9", "10.0.0.9", true)], &[]);
        assert_eq!(rows[0].status, Status::Warn);
        assert!(rows[0].evidence.contains("no destination"));
    }
}
