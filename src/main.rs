//! `vcctl`: parse the command line, set up logging, run the command, map errors to exit codes.

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() {
    let cli = vcctl::cli::Cli::parse();
    // serve is a service read in logs: its per-call lines (info) show by default.
    let service = matches!(cli.command, vcctl::cli::Command::Serve(_));
    init_logging(cli.global.verbose, service);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("vcctl: could not start the async runtime: {e}");
            std::process::exit(1);
        }
    };
    let result = runtime.block_on(vcctl::commands::run(cli));
    // Do not wait for lingering background tasks (open sockets of ended calls are closed by drop).
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    if let Err(e) = result {
        let code = e.exit_code();
        if code != 0 {
            eprintln!("vcctl: {e}");
        }
        std::process::exit(code);
    }
}

fn init_logging(verbose: u8, service: bool) {
    let default = match verbose {
        0 if service => "warn,vcctl=info",
        0 => "warn",
        1 => "info,vcctl=info",
        2 => "info,vcctl=debug",
        _ => "debug,vcctl=trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only on a terminal: serve's log is read from files and journals.
        .with_ansi(vcctl::ui::progress::stderr_is_tty())
        .with_target(false)
        .init();
}
