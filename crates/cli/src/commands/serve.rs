//! `mandate serve`: the web interface and API until SIGTERM or Ctrl-C.

use crate::args::ServeArgs;
use crate::context::Context;
use anyhow::{Context as _, Result};
use std::process::ExitCode;
use std::sync::Arc;

pub async fn run(ctx: &Context, args: ServeArgs) -> Result<ExitCode> {
    let store = Arc::new(ctx.open_for_writing(false).await?);
    println!(
        "Mandate is serving on http://{} (Ctrl-C to stop)",
        args.bind
    );
    if let Some(address) = args.metrics_bind {
        println!("Metrics are served on http://{address}/metrics");
    }
    mandate_web::serve(
        Arc::clone(&store),
        mandate_web::WebConfig {
            mail: ctx.mail.clone(),
            pdf: Some(pdf),
            metrics_bind: args.metrics_bind,
            // An empty token (`MANDATE_METRICS_TOKEN=`) is no token.
            metrics_token: args
                .metrics_token
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
            trusted_proxies: args.trusted_proxies,
            ..mandate_web::WebConfig::default()
        },
        args.bind,
        shutdown_signal(),
    )
    .await
    .with_context(|| format!("cannot serve on {}", args.bind))?;
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// The evidence pack's PDF, for the web interface's download.
fn pdf(pack: &mandate_report::evidence::EvidencePack) -> Result<Vec<u8>, String> {
    mandate_pdf::evidence_pdf(pack).map_err(|e| e.to_string())
}

/// Resolves on Ctrl-C or SIGTERM; requests in flight are then finished.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down");
}
