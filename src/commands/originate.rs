use super::Ctx;
use crate::cli::OriginateArgs;
use crate::error::Result;
use crate::io::ari_http::Originate;
use crate::ui::output::emit;

pub async fn run(ctx: &Ctx, a: OriginateArgs) -> Result<()> {
    let settings = ctx.ari_settings()?;
    let to_dialplan = a.extension.is_some();
    let o = Originate {
        endpoint: a.endpoint,
        // Without a dialplan target the call goes to the Stasis app.
        app: (!to_dialplan).then(|| settings.app.clone()),
        app_args: a.app_args,
        context: a.context,
        extension: a.extension,
        priority: a.priority,
        caller_id: a.caller_id,
        timeout: a.timeout,
        variables: a.vars,
        ..Default::default()
    };
    let channel = ctx.ari()?.originate(&o).await?;
    emit(&channel, ctx.json())
}
