//! Walking `--source DIR`: the Python files under it in a stable order, with `.gitignore`
//! (and `.ignore`, git's excludes) honoured as git does, whether or not DIR is a git
//! checkout, and virtual environments, `site-packages` and caches left out. Each file is
//! read with a size bound; what is left out is said, never silently dropped. It does not
//! parse the files: that is [`super::python`]'s.

use std::io::Read;
use std::path::{Path, PathBuf};

/// Files larger than this are not read (generated or vendored code, not a test suite).
pub const MAX_FILE_BYTES: u64 = 1 << 20;
/// Python files read at most per scan.
pub const MAX_FILES: usize = 20_000;

/// Folders never entered: virtual environments, installed packages, caches, VCS data.
const SKIPPED_DIRS: &[&str] = &[
    "venv",
    ".venv",
    "virtualenv",
    ".tox",
    ".nox",
    "site-packages",
    "dist-packages",
    "__pycache__",
    "node_modules",
    ".git",
    ".hg",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
];

/// One Python file read, or why it was not.
pub enum Entry {
    /// Its path relative to DIR (`/`-separated) and its text (lossy UTF-8).
    File(String, String),
    /// A note on what was left out (too big, unreadable, the file limit).
    Skipped(String),
}

/// Checks DIR: a one-line error when it is missing or not a directory.
pub fn check_dir(dir: &Path) -> Result<(), String> {
    match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => Ok(()),
        Ok(_) => Err(format!("--source {}: not a directory", dir.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(format!("--source {}: no such directory", dir.display()))
        }
        Err(e) => Err(format!("--source {}: {e}", dir.display())),
    }
}

/// Calls `each` with every Python file under `dir`, in path order.
pub fn walk(dir: &Path, mut each: impl FnMut(Entry)) {
    let walker = ignore::WalkBuilder::new(dir)
        .hidden(false)
        .require_git(false)
        .follow_links(false)
        .sort_by_file_path(|a, b| a.cmp(b))
        .filter_entry(|e| {
            let is_dir = e.file_type().is_some_and(|t| t.is_dir());
            !(is_dir && e.depth() > 0 && skipped_dir(e.path()))
        })
        .build();
    let mut read = 0usize;
    for entry in walker {
        let Ok(entry) = entry else { continue };
        let path = entry.path();
        if !entry.file_type().is_some_and(|t| t.is_file())
            || path.extension().and_then(|e| e.to_str()) != Some("py")
        {
            continue;
        }
        let rel = relative(dir, path);
        if read == MAX_FILES {
            each(Entry::Skipped(format!(
                "more than {MAX_FILES} Python files: the rest were not read"
            )));
            return;
        }
        read += 1;
        each(match read_bounded(path) {
            Ok(Some(text)) => Entry::File(rel, text),
            Ok(None) => Entry::Skipped(format!(
                "{rel}: larger than {} KiB, not read",
                MAX_FILE_BYTES / 1024
            )),
            Err(e) => Entry::Skipped(format!("{rel}: cannot read: {e}")),
        });
    }
}

/// A virtual environment by name, `site-packages`, or any folder with a `pyvenv.cfg`.
fn skipped_dir(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    SKIPPED_DIRS.contains(&name) || name.ends_with(".egg-info") || path.join("pyvenv.cfg").exists()
}

/// The text of a file no larger than [`MAX_FILE_BYTES`] (`None` when larger).
fn read_bounded(path: &Path) -> std::io::Result<Option<String>> {
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Ok(None);
    }
    Ok(Some(match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }))
}

fn relative(dir: &Path, path: &Path) -> String {
    let rel: PathBuf = path.strip_prefix(dir).unwrap_or(path).to_path_buf();
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    fn walked(dir: &Path) -> (Vec<String>, Vec<String>) {
        let (mut files, mut notes) = (Vec::new(), Vec::new());
        walk(dir, |e| match e {
            Entry::File(rel, _) => files.push(rel),
            Entry::Skipped(n) => notes.push(n),
        });
        (files, notes)
    }

    #[test]
    fn gitignore_and_virtualenvs_are_left_out() {
        let t = tempfile::tempdir().unwrap();
        let d = t.path();
        write(d, ".gitignore", "generated/\n*_local.py\n");
        write(d, "src/client.py", "x = 1\n");
        write(d, "src/settings_local.py", "x = 1\n");
        write(d, "generated/api.py", "x = 1\n");
        write(d, "venv/lib/requests/sessions.py", "x = 1\n");
        write(d, ".venv/lib/x.py", "x = 1\n");
        write(
            d,
            "lib/python3.12/site-packages/urllib3/util/retry.py",
            "x = 1\n",
        );
        write(d, "myenv/pyvenv.cfg", "home = /usr\n");
        write(d, "myenv/lib/y.py", "x = 1\n");
        write(d, "src/__pycache__/client.py", "x = 1\n");
        write(d, "conftest.py", "x = 1\n");
        write(d, "README.md", "not python\n");
        let (files, notes) = walked(d);
        assert_eq!(files, ["conftest.py", "src/client.py"]);
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn big_files_are_skipped_with_a_note() {
        let t = tempfile::tempdir().unwrap();
        let big = "# padding\n".repeat((MAX_FILE_BYTES as usize / 10) + 1);
        write(t.path(), "huge.py", &big);
        write(t.path(), "small.py", "x = 1\n");
        let (files, notes) = walked(t.path());
        assert_eq!(files, ["small.py"]);
        assert_eq!(notes, ["huge.py: larger than 1024 KiB, not read"]);
    }

    #[test]
    fn a_missing_or_plain_file_is_not_a_directory() {
        let t = tempfile::tempdir().unwrap();
        let missing = t.path().join("nope");
        assert!(
            check_dir(&missing)
                .unwrap_err()
                .ends_with("no such directory")
        );
        write(t.path(), "f.py", "x = 1\n");
        assert!(
            check_dir(&t.path().join("f.py"))
                .unwrap_err()
                .ends_with("not a directory")
        );
        assert!(check_dir(t.path()).is_ok());
    }
}
