//! The process environment, read once: [`read`] takes a snapshot when the command line
//! starts, and every variable rca looks at is read from it (`RCA_CONFIG`, `RCA_HISTORY`,
//! `RCA_REDACT_KEY`, `XDG_DATA_HOME`, `HOME`, `COLUMNS`, `GITHUB_STEP_SUMMARY`, the colour
//! switches `NO_COLOR`/`CLICOLOR_FORCE`/`CLICOLOR`/`TERM`, and the CI run ids
//! [`crate::history::identity::detect`] asks for), so what a run depends on is one value
//! taken at one moment.
//!
//! It owns the snapshot only; it does not interpret a variable (each is read where its
//! meaning lives: `config.rs`, `history.rs`, `color.rs`, ...).

use std::collections::BTreeMap;
use std::ffi::{OsStr, OsString};
use std::sync::OnceLock;

/// The environment as the process started with it.
pub(super) struct Env {
    vars: BTreeMap<OsString, OsString>,
}

static ENV: OnceLock<Env> = OnceLock::new();

/// The snapshot, taken on first use (the command line's first step).
pub(super) fn read() -> &'static Env {
    ENV.get_or_init(|| Env {
        vars: std::env::vars_os().collect(),
    })
}

impl Env {
    /// The value of `key`, raw.
    pub(super) fn var_os(&self, key: &str) -> Option<&OsStr> {
        self.vars.get(OsStr::new(key)).map(OsString::as_os_str)
    }

    /// The value of `key` when it is valid UTF-8 (as `std::env::var(key).ok()`).
    pub(super) fn var(&self, key: &str) -> Option<String> {
        self.var_os(key)?.to_str().map(str::to_string)
    }
}
