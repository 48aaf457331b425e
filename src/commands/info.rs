use super::{gather_nodes, now_unix, partial, Ctx};
use crate::error::Result;
use crate::ui::ari_views::{InfoView, NodeList};
use crate::ui::output::emit;

pub async fn run(ctx: &Ctx) -> Result<()> {
    let nodes = ctx.ari_nodes()?;
    if nodes.len() > 1 {
        // One row per node: version, entity id, system name, uptime.
        let g = gather_nodes(&nodes, |c| async move { c.info().await.map(|i| vec![i]) }).await?;
        let now = now_unix();
        let rows = g
            .rows
            .iter()
            .cloned()
            .map(|r| vcctl_core::ari::cluster::Labelled {
                node: r.node,
                item: InfoView::new(r.item, now),
            })
            .collect();
        emit(&NodeList(rows), ctx.json())?;
        return partial(&g, &nodes);
    }
    let info = ctx.ari()?.info().await?;
    emit(&InfoView::new(info, now_unix()), ctx.json())
}
