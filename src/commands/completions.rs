use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::error::Result;
use crate::ui::output::write_stdout;

pub fn run(args: CompletionsArgs) -> Result<()> {
    write_stdout(&script(args.shell))
}

/// The completion script for `shell`, as committed under `completions/`.
pub fn script(shell: clap_complete::Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "vcctl", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}
