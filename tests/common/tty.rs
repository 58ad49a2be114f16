//! A real pseudo-terminal for the tests that need one, from util-linux `script` (as some
//! CI wrappers use; it reports 0 columns unless `COLUMNS` says otherwise), and helpers for
//! colour codes and line widths.

use std::path::Path;
use std::process::Command;

/// The `rca` binary's path.
pub fn bin() -> String {
    assert_cmd::cargo::cargo_bin!("rca")
        .to_str()
        .unwrap()
        .to_string()
}

/// A POSIX-shell word.
pub fn sh(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Runs `rca ARGS` on a pseudo-terminal (stdin, stdout and stderr all on it), with `env`
/// set and `COLUMNS`, `NO_COLOR`, `CLICOLOR*` and `TERM` cleared first. Returns the exit
/// code and what the terminal showed (CR LF made LF).
pub fn on_tty(args: &[&str], env: &[(&str, &str)], cwd: Option<&Path>) -> (i32, String) {
    let line = std::iter::once(bin())
        .chain(args.iter().map(|a| a.to_string()))
        .map(|a| sh(&a))
        .collect::<Vec<_>>()
        .join(" ");
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .stdin(std::process::Stdio::null())
        .env_remove("RUST_BACKTRACE");
    for var in [
        "COLUMNS",
        "NO_COLOR",
        "CLICOLOR",
        "CLICOLOR_FORCE",
        "RCA_CONFIG",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("TERM", "xterm-256color");
    for (k, v) in env {
        cmd.env(k, v);
    }
    if let Some(d) = cwd {
        cmd.current_dir(d);
    }
    let out = cmd
        .output()
        .expect("util-linux `script` runs (Debian's bsdutils)");
    let text = String::from_utf8_lossy(&out.stdout).replace("\r\n", "\n");
    (out.status.code().unwrap_or(-1), text)
}

pub fn has_colour(s: &str) -> bool {
    s.contains("\u{1b}[")
}

/// Every escape sequence in `s` is a colour (SGR) one: `ESC [ digits;... m`.
pub fn only_colour_escapes(s: &str) -> bool {
    s.split('\u{1b}').skip(1).all(|rest| {
        let Some(body) = rest.strip_prefix('[') else {
            return false;
        };
        let end = body.find(|c: char| !(c.is_ascii_digit() || c == ';'));
        end.is_some_and(|i| body[i..].starts_with('m'))
    })
}

pub fn strip_colour(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find('\u{1b}') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        let end = after.find('m').map_or(after.len(), |m| m + 1);
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Display width of a line (the tables hold box-drawing characters and ASCII).
pub fn width(line: &str) -> usize {
    line.chars().count()
}
