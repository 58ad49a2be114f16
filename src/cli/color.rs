//! Whether the text output is coloured, decided once per run: `--color always|never`
//! win; with `auto` (the default) `NO_COLOR` turns colour off, `CLICOLOR_FORCE` on,
//! `CLICOLOR=0` and `TERM=dumb` off, and otherwise only a terminal gets colour. The same
//! order as anstream, clap's own styling crate. It does not colour anything: painting the
//! text is [`crate::report::paint`]'s.

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub(super) enum ColorWhen {
    /// Colour on a terminal, unless the environment says otherwise.
    #[default]
    Auto,
    /// Always colour (also in a file or a pipe).
    Always,
    /// Never colour.
    Never,
}

/// Whether to colour, given `--color`, an environment lookup and whether the output is a
/// terminal.
pub(super) fn enabled(
    when: ColorWhen,
    env: impl Fn(&str) -> Option<String>,
    to_terminal: bool,
) -> bool {
    let set = |k: &str| env(k).is_some_and(|v| !v.is_empty());
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            if set("NO_COLOR") {
                false
            } else if set("CLICOLOR_FORCE") && env("CLICOLOR_FORCE").as_deref() != Some("0") {
                true
            } else if env("CLICOLOR").as_deref() == Some("0")
                || env("TERM").as_deref() == Some("dumb")
            {
                false
            } else {
                to_terminal
            }
        }
    }
}

/// [`enabled`] with the process environment.
pub(super) fn from_env(when: ColorWhen, to_terminal: bool) -> bool {
    enabled(when, |k| super::env::read().var(k), to_terminal)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(vars: &[(&str, &str)], when: ColorWhen, tty: bool) -> bool {
        enabled(
            when,
            |k| {
                vars.iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            },
            tty,
        )
    }

    #[test]
    fn the_decision_matrix() {
        use ColorWhen::*;
        assert!(with(&[], Auto, true));
        assert!(!with(&[], Auto, false));
        assert!(!with(&[("NO_COLOR", "1")], Auto, true));
        assert!(
            with(&[("NO_COLOR", "")], Auto, true),
            "empty NO_COLOR is unset"
        );
        assert!(with(&[("CLICOLOR_FORCE", "1")], Auto, false));
        assert!(!with(&[("CLICOLOR_FORCE", "0")], Auto, false));
        assert!(!with(
            &[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")],
            Auto,
            true
        ));
        assert!(!with(&[("TERM", "dumb")], Auto, true));
        assert!(!with(&[("CLICOLOR", "0")], Auto, true));
        assert!(with(&[("NO_COLOR", "1"), ("TERM", "dumb")], Always, false));
        assert!(!with(&[("CLICOLOR_FORCE", "1")], Never, true));
    }
}
