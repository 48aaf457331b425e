use super::{now_unix, Ctx};
use crate::error::Result;
use crate::ui::ari_views::InfoView;
use crate::ui::output::emit;

pub async fn run(ctx: &Ctx) -> Result<()> {
    let info = ctx.ari()?.info().await?;
    emit(&InfoView::new(info, now_unix()), ctx.json())
}
