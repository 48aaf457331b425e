//! Asking every node of a cluster at once (issue 18): one ARI client per node, the same
//! request to all of them concurrently, each answer kept with its node's name. The merge and
//! its labels are pure (`vcctl_core::ari::cluster`).

use std::future::Future;
use std::time::Duration;

use futures_util::future::join_all;

use crate::config::AriNode;
use crate::io::ari_http::{AriClient, AriError};

/// How long one node may take before it counts as not answering: a dead node must not hold
/// the others' rows back for the default 10 s.
pub const NODE_TIMEOUT: Duration = Duration::from_secs(5);

/// A node's name and its client.
#[derive(Debug, Clone)]
pub struct NodeClient {
    pub name: String,
    pub client: AriClient,
}

/// One client per node (no request is made yet).
pub fn clients(nodes: &[AriNode], timeout: Duration) -> Result<Vec<NodeClient>, AriError> {
    nodes
        .iter()
        .map(|n| {
            Ok(NodeClient {
                name: n.name.clone(),
                client: AriClient::with_timeout(&n.settings, timeout)?,
            })
        })
        .collect()
}

/// `ask` on every node at once; the answers in the nodes' order.
pub async fn ask_all<T, F, Fut>(nodes: &[NodeClient], ask: F) -> Vec<(String, Result<T, AriError>)>
where
    F: Fn(AriClient) -> Fut,
    Fut: Future<Output = Result<T, AriError>>,
{
    let answers = join_all(nodes.iter().map(|n| ask(n.client.clone()))).await;
    nodes.iter().map(|n| n.name.clone()).zip(answers).collect()
}
