use super::Ctx;
use crate::error::Result;
use crate::ui::ari_views::AppList;
use crate::ui::output::emit;

pub async fn run(ctx: &Ctx) -> Result<()> {
    let apps = ctx.ari()?.applications().await?;
    emit(&AppList(apps), ctx.json())
}
