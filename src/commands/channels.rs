use serde::Serialize;

use super::{list_on_nodes, Ctx};
use crate::cli::{ChannelsAction, ChannelsArgs};
use crate::error::Result;
use crate::ui::ari_views::{ChannelList, ChannelView, Done};
use crate::ui::output::{emit, Render};

pub async fn run(ctx: &Ctx, args: ChannelsArgs) -> Result<()> {
    let action = args.action.unwrap_or(ChannelsAction::List);
    if matches!(action, ChannelsAction::List)
        && list_on_nodes(ctx, |c| async move { c.channels().await }).await?
    {
        return Ok(());
    }
    let ari = ctx.ari()?;
    match action {
        ChannelsAction::List => emit(&ChannelList(ari.channels().await?), ctx.json()),
        ChannelsAction::Show { id } => {
            let channel = ari.channel(&id).await?;
            // Channels without RTP (Local, Stasis-only) answer 404 here: that is "no media".
            let rtp_statistics = ari.rtp_statistics(&id).await.ok();
            emit(
                &ChannelView {
                    channel,
                    rtp_statistics,
                },
                ctx.json(),
            )
        }
        ChannelsAction::Hangup { id, reason } => {
            ari.hangup(&id, reason.as_deref()).await?;
            emit(
                &Done {
                    ok: true,
                    action: "hung up channel".into(),
                    target: id,
                    detail: reason,
                },
                ctx.json(),
            )
        }
        ChannelsAction::Var { id, name } => {
            let value = ari.get_var(&id, &name).await?;
            emit(
                &VarView {
                    channel: id,
                    name,
                    value,
                },
                ctx.json(),
            )
        }
    }
}

#[derive(Debug, Serialize)]
struct VarView {
    channel: String,
    name: String,
    value: String,
}

impl Render for VarView {
    fn render_text(&self) -> String {
        self.value.clone()
    }
}
