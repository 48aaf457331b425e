//! The stop request of long-running commands (serve, agent-sim, capture, the reflector).

/// Resolves on SIGTERM or SIGINT (Ctrl-C); on platforms without SIGTERM, on Ctrl-C.
pub async fn stop_requested() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
