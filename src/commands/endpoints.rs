use super::{gather_nodes, partial, Ctx};
use crate::cli::{EndpointsAction, EndpointsArgs};
use crate::error::{Error, Result};
use crate::ui::ari_views::{EndpointList, NodeList};
use crate::ui::output::emit;

pub async fn run(ctx: &Ctx, args: EndpointsArgs) -> Result<()> {
    let action = args.action.unwrap_or(EndpointsAction::List);
    if matches!(action, EndpointsAction::List) {
        let nodes = ctx.ari_nodes()?;
        if nodes.len() > 1 {
            let g = gather_nodes(&nodes, |c| async move { c.endpoints().await }).await?;
            emit(&NodeList(g.rows.clone()), ctx.json())?;
            return partial(&g, &nodes);
        }
    }
    let ari = ctx.ari()?;
    match action {
        EndpointsAction::List => emit(&EndpointList(ari.endpoints().await?), ctx.json()),
        EndpointsAction::Show { endpoint } => {
            let (tech, resource) = endpoint.split_once('/').ok_or_else(|| {
                Error::Usage(format!(
                    "'{endpoint}' is not TECH/RESOURCE; write it like PJSIP/anonymous"
                ))
            })?;
            emit(&ari.endpoint(tech, resource).await?, ctx.json())
        }
    }
}
