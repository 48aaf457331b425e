use super::Ctx;
use crate::cli::{EndpointsAction, EndpointsArgs};
use crate::error::{Error, Result};
use crate::ui::ari_views::EndpointList;
use crate::ui::output::emit;

pub async fn run(ctx: &Ctx, args: EndpointsArgs) -> Result<()> {
    let ari = ctx.ari()?;
    match args.action.unwrap_or(EndpointsAction::List) {
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
