//! The project file `rca.toml`: defaults for `--rules`, `--history`, `--label`,
//! `--probe-map`, `--health-path`, `--lang` and `--fail-on`, so a team writes them once.
//!
//! Found at `RCA_CONFIG` (which must exist when set), else the first `rca.toml` from the
//! current directory up to the git root (the directory holding `.git`; outside a
//! repository only the current directory is looked at). Flags override the file; for the
//! history store `RCA_HISTORY` does too, and the file's store is only where runs go and are
//! read from: it never turns on `rca analyze --history`'s comparison by itself. Paths in
//! the file are relative to the file. `rca config` prints the effective settings and where
//! each came from. It does not act on any setting: each value is handed to the subcommand
//! whose flag it stands for.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The environment variable naming the config file.
pub(super) const CONFIG_ENV: &str = "RCA_CONFIG";
/// The file looked for.
pub(super) const FILE_NAME: &str = "rca.toml";

/// What `rca.toml` may say.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Settings {
    /// `--rules`: a signatures file.
    pub rules: Option<String>,
    /// `--history`: the store (path, `sqlite:PATH` or `postgres://...`).
    pub history: Option<String>,
    /// `--label`s, `key = "value"`, recorded with `--record` and matched with `--history`.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    /// `--probe-map` rewrites, `"OLD=NEW"`.
    #[serde(default)]
    pub probe_map: Vec<String>,
    /// `--health-path`.
    pub health_path: Option<String>,
    /// `--lang`: `en` or `he`.
    pub lang: Option<String>,
    /// `--fail-on` category ids (or `any`).
    #[serde(default)]
    pub fail_on: Vec<String>,
}

/// The config file in force, if any.
#[derive(Debug, Default, Clone)]
pub(super) struct Config {
    /// Where it was read from.
    pub path: Option<PathBuf>,
    /// How it was found (`RCA_CONFIG`, or the search from the current directory).
    pub found_by: &'static str,
    /// Its settings, paths already resolved against its directory.
    pub settings: Settings,
}

impl Config {
    /// Loads the config file from `RCA_CONFIG` or the search from the current directory.
    pub(super) fn load() -> Result<Config, String> {
        if let Some(p) = super::env::read()
            .var_os(CONFIG_ENV)
            .filter(|p| !p.is_empty())
        {
            let path = PathBuf::from(p);
            if !path.is_file() {
                return Err(format!("{CONFIG_ENV}={}: no such file", path.display()));
            }
            return Config::read(path, CONFIG_ENV);
        }
        let cwd = std::env::current_dir().map_err(|e| format!("current directory: {e}"))?;
        match find(&cwd) {
            Some(path) => Config::read(path, "search from the current directory"),
            None => Ok(Config::default()),
        }
    }

    fn read(path: PathBuf, found_by: &'static str) -> Result<Config, String> {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        let mut settings: Settings = toml::from_str(&text).map_err(|e| {
            let msg = e.message().to_string();
            format!("{}: {}", path.display(), msg.trim())
        })?;
        check(&settings).map_err(|e| format!("{}: {e}", path.display()))?;
        let dir = path.parent().unwrap_or(Path::new("."));
        settings.rules = settings.rules.map(|r| relative_to(dir, &r));
        settings.history = settings.history.map(|h| store_relative_to(dir, &h));
        Ok(Config {
            path: Some(path),
            found_by,
            settings,
        })
    }

    /// A label for where a value came from.
    pub(super) fn source(&self) -> String {
        match &self.path {
            Some(p) => p.display().to_string(),
            None => "rca.toml".to_string(),
        }
    }

    /// The file's labels as `key=value`, for keys the flags did not give.
    pub(super) fn labels_beside(&self, flags: &[String]) -> Vec<String> {
        let given: Vec<&str> = flags
            .iter()
            .map(|l| l.split_once('=').map_or(l.as_str(), |(k, _)| k).trim())
            .collect();
        let mut out = flags.to_vec();
        for (k, v) in &self.settings.labels {
            if !given.contains(&k.as_str()) {
                out.push(format!("{k}={v}"));
            }
        }
        out
    }
}

/// Values the flags would refuse, refused in the file too (one line, exit 2).
fn check(s: &Settings) -> Result<(), String> {
    if let Some(lang) = &s.lang
        && !["en", "he"].contains(&lang.as_str())
    {
        return Err(format!("lang = {lang:?}: expected \"en\" or \"he\""));
    }
    for (k, v) in &s.labels {
        super::parse::parse_labels(&[format!("{k}={v}")])?;
    }
    super::parse_fail_on(&s.fail_on)?;
    Ok(())
}

/// The first `rca.toml` from `start` up to the git root.
pub(super) fn find(start: &Path) -> Option<PathBuf> {
    let ancestors: Vec<&Path> = start.ancestors().collect();
    let root = ancestors.iter().position(|d| d.join(".git").exists());
    let searched = match root {
        Some(i) => &ancestors[..=i],
        None => &ancestors[..1],
    };
    searched
        .iter()
        .map(|d| d.join(FILE_NAME))
        .find(|p| p.is_file())
}

fn relative_to(dir: &Path, p: &str) -> String {
    let path = Path::new(p);
    if path.is_absolute() {
        p.to_string()
    } else {
        dir.join(path).display().to_string()
    }
}

/// A store location with a relative path resolved (URLs are left as they are).
fn store_relative_to(dir: &Path, url: &str) -> String {
    if url.contains("://") {
        url.to_string()
    } else if let Some(p) = url.strip_prefix("sqlite:") {
        format!("sqlite:{}", relative_to(dir, p))
    } else {
        relative_to(dir, url)
    }
}

/// One line of `rca config`: a setting, its value and where it came from.
fn line(out: &mut String, name: &str, value: &str, source: &str) {
    let value = if value.is_empty() { "-" } else { value };
    out.push_str(&format!("{name:<12} {value:<40} {source}\n"));
}

/// `rca config`: the effective settings (as `rca analyze` would use them without flags).
pub(super) fn show(cfg: &Config) -> String {
    let mut out = String::new();
    match &cfg.path {
        Some(p) => out.push_str(&format!(
            "config file: {} ({})\n\n",
            p.display(),
            cfg.found_by
        )),
        None => out.push_str(&format!(
            "config file: none ({CONFIG_ENV} unset, no {FILE_NAME} from here to the git root)\n\n"
        )),
    }
    let file = cfg.source();
    let s = &cfg.settings;
    let from = |set: bool| if set { file.as_str() } else { "default" };
    out.push_str(&format!("{:<12} {:<40} {}\n", "setting", "value", "from"));
    line(
        &mut out,
        "rules",
        s.rules.as_deref().unwrap_or("(built-in signatures only)"),
        from(s.rules.is_some()),
    );
    let env = super::env::read()
        .var("RCA_HISTORY")
        .filter(|v| !v.is_empty());
    let (history, source) = match (&env, &s.history) {
        (Some(h), _) => (h.clone(), "RCA_HISTORY"),
        (None, Some(h)) => (h.clone(), file.as_str()),
        (None, None) => ("$XDG_DATA_HOME/rca/history.sqlite".to_string(), "default"),
    };
    line(&mut out, "history", &history, source);
    let labels: Vec<String> = s.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    line(
        &mut out,
        "label",
        &labels.join(" "),
        from(!labels.is_empty()),
    );
    line(
        &mut out,
        "probe-map",
        &s.probe_map.join(" "),
        from(!s.probe_map.is_empty()),
    );
    line(
        &mut out,
        "health-path",
        s.health_path.as_deref().unwrap_or("/"),
        from(s.health_path.is_some()),
    );
    line(
        &mut out,
        "lang",
        s.lang.as_deref().unwrap_or("en"),
        from(s.lang.is_some()),
    );
    line(
        &mut out,
        "fail-on",
        &s.fail_on.join(","),
        from(!s.fail_on.is_empty()),
    );
    out.push_str("\nFlags override these; RCA_HISTORY overrides the file's history.\n");
    crate::report::text::terminal(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_search_stops_at_the_git_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        let deep = root.join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "").unwrap();
        assert_eq!(
            find(&deep),
            None,
            "outside a repository only the cwd counts"
        );
        std::fs::create_dir(root.join(".git")).unwrap();
        assert_eq!(find(&deep), None, "the file above the git root is not read");
        std::fs::write(root.join(FILE_NAME), "").unwrap();
        assert_eq!(find(&deep), Some(root.join(FILE_NAME)));
        std::fs::write(deep.join(FILE_NAME), "").unwrap();
        assert_eq!(find(&deep), Some(deep.join(FILE_NAME)), "the nearest wins");
    }

    #[test]
    fn paths_are_relative_to_the_file() {
        let d = Path::new("/p");
        assert_eq!(relative_to(d, "r.toml"), "/p/r.toml");
        assert_eq!(relative_to(d, "/abs.toml"), "/abs.toml");
        assert_eq!(store_relative_to(d, "sqlite:h.db"), "sqlite:/p/h.db");
        assert_eq!(
            store_relative_to(d, "postgres://u@h/db"),
            "postgres://u@h/db"
        );
    }

    #[test]
    fn flag_labels_win_per_key() {
        let mut cfg = Config::default();
        cfg.settings.labels.insert("branch".into(), "main".into());
        cfg.settings.labels.insert("team".into(), "pay".into());
        let got = cfg.labels_beside(&["branch=dev".to_string()]);
        assert_eq!(got, ["branch=dev", "team=pay"]);
    }
}
