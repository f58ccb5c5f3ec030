//! `mandate`: the command line. Parses arguments, runs one command, and turns
//! every failure into one line on stderr and a non-zero exit code, never a
//! panic or a backtrace.
//!
//! Exit codes: 0 success; 1 a finding (tampering found, rows rejected);
//! 2 an error (bad arguments, unreadable database, missing key).

mod args;
mod commands;
mod context;
mod output;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    init_logging(&cli);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            // `{:#}` puts the whole context chain on one line.
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Logs go to stderr; `MANDATE_LOG` (or `RUST_LOG`) overrides the level,
/// which is `info` for the server and `warn` for one-shot commands.
/// `MANDATE_LOG_FORMAT=json` writes one JSON object a line, for log shippers.
fn init_logging(cli: &args::Cli) {
    let default = if cli.command.is_server() {
        "info"
    } else {
        "warn"
    };
    let filter = std::env::var("MANDATE_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_else(|_| default.to_string());
    let filter = tracing_subscriber::EnvFilter::try_new(&filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("MANDATE_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn verify_cli() {
        super::args::Cli::command().debug_assert();
    }
}
