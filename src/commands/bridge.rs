use super::{list_on_nodes, Ctx};
use crate::cli::{BridgeAction, BridgeArgs};
use crate::error::Result;
use crate::ui::ari_views::{BridgeList, Done};
use crate::ui::output::emit;

pub async fn run(ctx: &Ctx, args: BridgeArgs) -> Result<()> {
    let action = args.action.unwrap_or(BridgeAction::List);
    if matches!(action, BridgeAction::List)
        && list_on_nodes(ctx, |c| async move { c.bridges().await }).await?
    {
        return Ok(());
    }
    let ari = ctx.ari()?;
    let done = |action: &str, target: String, detail: Option<String>| Done {
        ok: true,
        action: action.into(),
        target,
        detail,
    };
    match action {
        BridgeAction::List => emit(&BridgeList(ari.bridges().await?), ctx.json()),
        BridgeAction::Create { kind, name } => emit(
            &ari.create_bridge(&kind, name.as_deref()).await?,
            ctx.json(),
        ),
        BridgeAction::Show { id } => emit(&ari.bridge(&id).await?, ctx.json()),
        BridgeAction::Add { id, channels } => {
            ari.add_to_bridge(&id, &channels).await?;
            emit(
                &done("added to bridge", id, Some(channels.join(", "))),
                ctx.json(),
            )
        }
        BridgeAction::Remove { id, channels } => {
            ari.remove_from_bridge(&id, &channels).await?;
            emit(
                &done("removed from bridge", id, Some(channels.join(", "))),
                ctx.json(),
            )
        }
        BridgeAction::Destroy { id } => {
            ari.destroy_bridge(&id).await?;
            emit(&done("destroyed bridge", id, None), ctx.json())
        }
    }
}
