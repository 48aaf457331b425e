//! Several Asterisk nodes seen as one (issue 18): the nodes file, node names, and the merge of
//! per-node answers into one labelled list that still shows the nodes that answered when one
//! did not.
//!
//! The I/O (asking every node at once) is `src/io/ari_cluster.rs`; this is the pure part.

use serde::Serialize;

/// A node as configured: its name (the NODE column) and its ARI base URL as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeSpec {
    pub name: String,
    pub url: String,
}

/// Why a nodes file or URL list could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NodesError {
    #[error("line {line} of the nodes file is not `NAME URL` ({text:?}); write e.g. `node1 http://10.0.0.2:8088`")]
    BadLine { line: usize, text: String },
    #[error("the node name '{0}' appears twice; give every node its own name")]
    Duplicate(String),
    #[error("no node is named (the list or file is empty); give at least one ARI URL")]
    Empty,
}

/// Parse a nodes file: one node a line, `NAME URL`, blank lines and `#` comments ignored.
pub fn parse_nodes_file(text: &str) -> Result<Vec<NodeSpec>, NodesError> {
    let mut nodes = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut words = line.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some(name), Some(url), None) => nodes.push(NodeSpec {
                name: name.to_string(),
                url: url.to_string(),
            }),
            _ => {
                return Err(NodesError::BadLine {
                    line: i + 1,
                    text: raw.trim().to_string(),
                })
            }
        }
    }
    check_nodes(nodes)
}

/// Nodes from a comma-separated URL list (`--ari-url a,b`), each named after its host (with
/// the port when two share a host).
pub fn nodes_from_url_list(list: &str) -> Result<Vec<NodeSpec>, NodesError> {
    let urls: Vec<&str> = list
        .split(',')
        .map(str::trim)
        .filter(|u| !u.is_empty())
        .collect();
    let host_port = |u: &str| {
        let rest = u.split_once("://").map(|(_, r)| r).unwrap_or(u);
        let rest = rest.rsplit_once('@').map(|(_, r)| r).unwrap_or(rest);
        rest.split('/').next().unwrap_or(rest).to_string()
    };
    let host = |hp: &str| -> String {
        match hp.rfind(':') {
            Some(i) if !hp[i..].contains(']') => hp[..i].to_string(),
            _ => hp.to_string(),
        }
    };
    let hosts: Vec<String> = urls.iter().map(|u| host(&host_port(u))).collect();
    let nodes = urls
        .iter()
        .zip(&hosts)
        .map(|(u, h)| {
            let shared = hosts.iter().filter(|o| *o == h).count() > 1;
            NodeSpec {
                name: if shared { host_port(u) } else { h.clone() },
                url: u.to_string(),
            }
        })
        .collect();
    check_nodes(nodes)
}

fn check_nodes(nodes: Vec<NodeSpec>) -> Result<Vec<NodeSpec>, NodesError> {
    if nodes.is_empty() {
        return Err(NodesError::Empty);
    }
    for (i, n) in nodes.iter().enumerate() {
        if nodes[..i].iter().any(|o| o.name == n.name) {
            return Err(NodesError::Duplicate(n.name.clone()));
        }
    }
    Ok(nodes)
}

/// One row of a merged list: the node it came from and the row itself (`--json` shows the
/// row's own fields with a `node` field beside them).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Labelled<T> {
    pub node: String,
    #[serde(flatten)]
    pub item: T,
}

/// A node that did not answer, and why (one sentence from the client's error).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NodeFailure {
    pub node: String,
    pub reason: String,
}

/// Every node's rows, in the nodes' configured order, and the nodes that failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Gathered<T> {
    pub rows: Vec<Labelled<T>>,
    pub failed: Vec<NodeFailure>,
}

/// Merge per-node answers (in the nodes' order) into one labelled list. A node's rows keep
/// their order; a failed node adds no rows, only a failure.
pub fn gather<T, E: std::fmt::Display>(answers: Vec<(String, Result<Vec<T>, E>)>) -> Gathered<T> {
    let mut rows = Vec::new();
    let mut failed = Vec::new();
    for (node, answer) in answers {
        match answer {
            Ok(items) => rows.extend(items.into_iter().map(|item| Labelled {
                node: node.clone(),
                item,
            })),
            Err(e) => failed.push(NodeFailure {
                node,
                reason: e.to_string(),
            }),
        }
    }
    Gathered { rows, failed }
}

/// The one line that names the nodes that did not answer, e.g. `node 'b' did not answer
/// (connection refused); the rows shown are from a, c`.
pub fn partial_sentence(failed: &[NodeFailure], answered: &[String]) -> String {
    let dead = failed
        .iter()
        .map(|f| format!("node '{}' did not answer ({})", f.node, f.reason))
        .collect::<Vec<_>>()
        .join("; ");
    if answered.is_empty() {
        format!("{dead}; no node answered")
    } else {
        format!("{dead}; shown: {}", answered.join(", "))
    }
}

/// An ARI event's JSON (one line) with `"node"` added; text that is not a JSON object is
/// kept whole under `raw`.
pub fn label_event(node: &str, raw: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(raw) {
        Ok(serde_json::Value::Object(mut m)) => {
            m.insert("node".into(), serde_json::Value::String(node.into()));
            serde_json::Value::Object(m).to_string()
        }
        _ => serde_json::json!({"node": node, "raw": raw.trim_end()}).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nodes_file_names_each_node() {
        let text = "# the cluster\nnode1 http://127.0.0.2:8088\n\n  node2  http://127.0.0.3:8088  # second\n";
        let nodes = parse_nodes_file(text).unwrap();
        assert_eq!(
            nodes,
            vec![
                NodeSpec {
                    name: "node1".into(),
                    url: "http://127.0.0.2:8088".into()
                },
                NodeSpec {
                    name: "node2".into(),
                    url: "http://127.0.0.3:8088".into()
                },
            ]
        );
    }

    #[test]
    fn bad_nodes_files_say_which_line_and_why() {
        let e = parse_nodes_file("node1 http://a:8088\nnode2\n").unwrap_err();
        assert_eq!(
            e,
            NodesError::BadLine {
                line: 2,
                text: "node2".into()
            }
        );
        assert!(e.to_string().contains("line 2"), "{e}");
        let e = parse_nodes_file("a http://x\na http://y\n").unwrap_err();
        assert_eq!(e, NodesError::Duplicate("a".into()));
        assert_eq!(parse_nodes_file("# nothing\n"), Err(NodesError::Empty));
    }

    #[test]
    fn url_lists_are_named_by_host_and_by_port_when_hosts_repeat() {
        let n =
            nodes_from_url_list("http://127.0.0.2:8088, http://u:pw@127.0.0.3:8088/ari").unwrap();
        assert_eq!(n[0].name, "127.0.0.2");
        assert_eq!(n[1].name, "127.0.0.3");
        assert_eq!(n[1].url, "http://u:pw@127.0.0.3:8088/ari");
        let n = nodes_from_url_list("http://h:8088,http://h:8089").unwrap();
        assert_eq!(n[0].name, "h:8088");
        assert_eq!(n[1].name, "h:8089");
        let n = nodes_from_url_list("http://[::1]:8088").unwrap();
        assert_eq!(n[0].name, "[::1]");
        assert_eq!(nodes_from_url_list(" , "), Err(NodesError::Empty));
        assert_eq!(
            nodes_from_url_list("http://h:1,http://h:1"),
            Err(NodesError::Duplicate("h:1".into()))
        );
    }

    #[test]
    fn gather_keeps_node_order_and_names_the_failed_node() {
        let answers: Vec<(String, Result<Vec<&str>, String>)> = vec![
            ("a".into(), Ok(vec!["c1", "c2"])),
            ("b".into(), Err("connection refused".into())),
            ("c".into(), Ok(vec!["c3"])),
        ];
        let g = gather(answers);
        let labels: Vec<(&str, &str)> = g.rows.iter().map(|r| (r.node.as_str(), r.item)).collect();
        assert_eq!(labels, vec![("a", "c1"), ("a", "c2"), ("c", "c3")]);
        assert_eq!(
            g.failed,
            vec![NodeFailure {
                node: "b".into(),
                reason: "connection refused".into()
            }]
        );
        assert_eq!(
            partial_sentence(&g.failed, &["a".into(), "c".into()]),
            "node 'b' did not answer (connection refused); shown: a, c"
        );
        assert_eq!(
            partial_sentence(&g.failed, &[]),
            "node 'b' did not answer (connection refused); no node answered"
        );
    }

    #[test]
    fn a_nodes_events_carry_its_name() {
        let v: serde_json::Value = serde_json::from_str(&label_event(
            "node2",
            r#"{"type":"StasisStart","channel":{"id":"c1"}}"#,
        ))
        .unwrap();
        assert_eq!(v["node"], "node2");
        assert_eq!(v["type"], "StasisStart");
        assert_eq!(v["channel"]["id"], "c1");
        let v: serde_json::Value = serde_json::from_str(&label_event("a", "not json\n")).unwrap();
        assert_eq!(v, serde_json::json!({"node": "a", "raw": "not json"}));
    }

    #[test]
    fn labelled_rows_serialize_with_a_node_field_beside_their_own() {
        #[derive(Serialize)]
        struct Row {
            id: &'static str,
        }
        let v = serde_json::to_value(Labelled {
            node: "node1".into(),
            item: Row { id: "c1" },
        })
        .unwrap();
        assert_eq!(v, serde_json::json!({"node": "node1", "id": "c1"}));
    }
}
