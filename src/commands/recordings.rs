use super::Ctx;
use crate::cli::{RecordingsAction, RecordingsArgs};
use crate::error::{Error, Result};
use crate::ui::ari_views::{Done, RecordingList};
use crate::ui::output::emit;

pub async fn run(ctx: &Ctx, args: RecordingsArgs) -> Result<()> {
    let ari = ctx.ari()?;
    match args.action.unwrap_or(RecordingsAction::List) {
        RecordingsAction::List => emit(&RecordingList(ari.recordings().await?), ctx.json()),
        RecordingsAction::Get { name, output } => {
            let bytes = ari.recording_file(&name).await?;
            std::fs::write(&output, &bytes)
                .map_err(|e| Error::io(format!("could not write {}", output.display()), e))?;
            let detail = format!("{} bytes to {}", bytes.len(), output.display());
            emit(
                &Done {
                    ok: true,
                    action: "downloaded recording".into(),
                    target: name,
                    detail: Some(detail),
                },
                ctx.json(),
            )
        }
        RecordingsAction::Delete { name } => {
            ari.delete_recording(&name).await?;
            emit(
                &Done {
                    ok: true,
                    action: "deleted recording".into(),
                    target: name,
                    detail: None,
                },
                ctx.json(),
            )
        }
    }
}
