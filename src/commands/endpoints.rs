use super::{list_on_nodes, Ctx};
use crate::cli::{EndpointsAction, EndpointsArgs};
use crate::error::{Error, Result};
use crate::ui::ari_views::EndpointList;
use crate::ui::output::emit;

pub async fn run(ctx: &Ctx, args: EndpointsArgs) -> Result<()> {
    let action = args.action.unwrap_or(EndpointsAction::List);
    if matches!(action, EndpointsAction::List)
        && list_on_nodes(ctx, |c| async move { c.endpoints().await }).await?
    {
        return Ok(());
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
