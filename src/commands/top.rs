//! `vcctl top`: the live calls of a running serve. Full screen on a terminal
//! (`io::top_screen`, `ui::top`); one snapshot as a table or `--json` otherwise.

use super::Ctx;
use crate::cli::TopArgs;
use crate::error::Result;
use crate::io::serve_client::ServeClient;
use crate::ui::output::emit;
use crate::ui::top::{CallRow, TopSnapshot};

pub async fn run(ctx: &Ctx, a: TopArgs) -> Result<()> {
    let client = ServeClient::new(&a.serve);
    if a.once || ctx.json() || !crate::ui::progress::stdout_is_tty() {
        let (calls, totals) = tokio::join!(client.calls(), client.totals());
        let snap = TopSnapshot {
            serve: a.serve.clone(),
            totals: totals?,
            calls: calls?.iter().map(CallRow::from_snapshot).collect(),
        };
        return emit(&snap, ctx.json());
    }
    // NO_COLOR (https://no-color.org): set and not empty turns colours off.
    let color = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let db = crate::io::store::resolve_db_path(a.db.db.as_deref(), &ctx.layers);
    let secrets = super::calls::bundle_secrets(ctx);
    let dir = a.bundle_dir.clone();
    let bundle = Box::new(move |id: &str| {
        let out = dir.join(format!("{}.tar.gz", crate::io::serve::journal::stem(id)));
        super::calls::bundle_call(&db, id, &out, None, false, false, secrets.clone())
            .map(|r| r.path)
            .map_err(|e| e.to_string())
    });
    crate::io::top_screen::run(client, a.rate, color, bundle).await
}
