//! `rca completions SHELL` and `rca man`: generated from the clap definitions, so they
//! never fall behind the flags. It defines no flag: every one comes from the clap
//! definitions in [`super`].

use clap::CommandFactory;
use clap_complete::Shell;

/// `rca completions`.
#[derive(Debug, clap::Args)]
#[command(after_help = COMPLETIONS_EXAMPLES)]
pub(super) struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    shell: Shell,
}

const COMPLETIONS_EXAMPLES: &str = "\
Examples:
  rca completions bash > ~/.local/share/bash-completion/completions/rca
  rca completions zsh > ~/.zfunc/_rca        (with fpath+=~/.zfunc before compinit)
  rca completions fish > ~/.config/fish/completions/rca.fish
  rca completions powershell >> $PROFILE
  rca completions elvish >> ~/.config/elvish/rc.elv";

/// `rca man`.
#[derive(Debug, clap::Args)]
#[command(
    after_help = "Examples:\n  rca man > ~/.local/share/man/man1/rca.1 && man rca\n  rca man | man -l -"
)]
pub(super) struct ManArgs {}

/// Writes the completion script for `args.shell` to standard output.
pub(super) fn completions(args: &CompletionsArgs) -> Result<i32, String> {
    let mut cmd = super::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "rca", &mut buf);
    write_bytes(&buf)
}

/// Writes the man page (roff) of `rca` to standard output.
pub(super) fn man(_: &ManArgs) -> Result<i32, String> {
    let cmd = super::Cli::command();
    let mut buf = Vec::new();
    clap_mangen::Man::new(cmd)
        .render(&mut buf)
        .map_err(|e| format!("man page: {e}"))?;
    write_bytes(&buf)
}

fn write_bytes(buf: &[u8]) -> Result<i32, String> {
    let text = String::from_utf8_lossy(buf);
    super::output::write_output(None, &text)?;
    Ok(super::EXIT_OK)
}
