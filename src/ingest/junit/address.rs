//! Node ids and JUnit addresses: the `(classname, name)` pair pytest writes for a node id
//! ([`junit_address`]), and the way back from a case to a node id, exact or guessed.
//!
//! Not here: reading the XML ([`super::parser`]) and matching JUnit cases with the tests of a
//! console log, which is the collector's ([`crate::attribute::collect`]).

use super::{JunitCase, JunitRun};

impl JunitRun {
    /// Returns the first case that [`JunitCase::matches_nodeid`] the given pytest node id.
    ///
    /// If none matches exactly, falls back to the single case (if exactly one) whose
    /// classname is `<prefix>.<expected classname>`, as written with `--junit-prefix`.
    pub fn find_nodeid(&self, nodeid: &str) -> Option<&JunitCase> {
        let (classname, name) = junit_address(nodeid);
        if let Some(c) = self
            .cases
            .iter()
            .find(|c| c.name == name && c.classname == classname)
        {
            return Some(c);
        }
        if classname.is_empty() {
            return None;
        }
        let mut prefixed = self.cases.iter().filter(|c| {
            c.name == name
                && c.classname
                    .strip_suffix(classname.as_str())
                    .is_some_and(|p| p.len() > 1 && p.ends_with('.'))
        });
        match (prefixed.next(), prefixed.next()) {
            (Some(c), None) => Some(c),
            _ => None,
        }
    }
}

/// The `(classname, name)` pair pytest's junitxml plugin writes for a node id.
///
/// Mirrors pytest's `mangle_test_address`: the id is split at the first `[` (so parameters
/// may contain `.`, `/` or `::`), the path part is split at `::`, the file path's `/` become
/// `.` and a trailing `.py` is dropped; the last part plus the parameters is the name (with
/// characters illegal in XML visually escaped like pytest's `bin_xml_escape`), the rest
/// joined with `.` is the classname. A `junit_prefix` is not included.
///
/// `"tests/load/test_x.py::TestFoo::test_y[a-1]"` gives `("tests.load.test_x.TestFoo", "test_y[a-1]")`.
pub fn junit_address(nodeid: &str) -> (String, String) {
    let nodeid = nodeid.trim();
    let (path, params) = match nodeid.find('[') {
        Some(i) => nodeid.split_at(i),
        None => (nodeid, ""),
    };
    let mut names: Vec<String> = path.split("::").map(str::to_owned).collect();
    // `split` always yields at least one element.
    if let Some(first) = names.first_mut() {
        let dotted = first.replace('/', ".");
        *first = match dotted.strip_suffix(".py") {
            Some(s) => s.to_owned(),
            None => dotted,
        };
    }
    let mut name = names.pop().unwrap_or_default();
    name.push_str(params);
    (cap_id(names.join(".")), cap_id(bin_xml_escape(&name)))
}

/// Names as [`crate::ingest::bounds`] keeps them, the same from the XML and from a node id.
pub(super) fn cap_id(s: String) -> String {
    crate::ingest::bounds::cap_owned(s, crate::ingest::bounds::MAX_ID)
}

/// pytest's `bin_xml_escape`: characters not allowed in XML (and DEL) become `#xNN`.
fn bin_xml_escape(s: &str) -> String {
    let legal = |c: char| matches!(c as u32, 0x09 | 0x0A | 0x0D | 0x20..=0x7E | 0x80..=0xD7FF | 0xE000..=0xFFFD | 0x10000..=0x10FFFF);
    if s.chars().all(legal) {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if legal(c) {
            out.push(c);
        } else if (c as u32) <= 0xFF {
            out.push_str(&format!("#x{:02X}", c as u32));
        } else {
            out.push_str(&format!("#x{:04X}", c as u32));
        }
    }
    out
}

impl JunitCase {
    /// True if this case is the one pytest wrote for `nodeid`
    /// (e.g. `tests/load/test_x.py::TestFoo::test_y[a-1]`).
    ///
    /// Exact comparison against [`junit_address`]`(nodeid)`: both `classname` and `name` must be
    /// equal. This does not depend on `junit_family`: pytest derives `classname`/`name` from
    /// the node id in every family, and the legacy `file` attribute (the *definition*
    /// location, which differs from the node id for inherited tests) is deliberately not
    /// consulted. Reports written with `--junit-prefix` do not match; see
    /// [`JunitRun::find_nodeid`] for a prefix-tolerant lookup.
    pub fn matches_nodeid(&self, nodeid: &str) -> bool {
        let (classname, name) = junit_address(nodeid);
        self.name == name && self.classname == classname
    }

    /// Best-effort reconstruction of the pytest node id, e.g. `tests/load/test_x.py::TestFoo::test_y[a-1]`.
    ///
    /// With a legacy `file` attribute whose dotted form prefixes the classname, the module path
    /// is exact. Otherwise the trailing classname segments starting with an uppercase letter
    /// are taken as (nested) classes, the rest as the module path (`.` → `/`, plus `.py`).
    /// Directories containing dots and modules starting with an uppercase letter cannot be
    /// recovered this way. A case with an empty classname (module collection error) maps to
    /// the module path derived from `name`.
    pub fn nodeid_guess(&self) -> String {
        if let Some(file) = &self.file {
            let file = file.replace('\\', "/");
            let file = file.strip_prefix("./").unwrap_or(&file);
            let stem = file.strip_suffix(".py").unwrap_or(file);
            let dotted = stem.replace('/', ".");
            if self.classname.is_empty() && self.name == dotted {
                return file.to_owned();
            }
            if self.classname == dotted {
                return format!("{file}::{}", self.name);
            }
            if let Some(classes) = self
                .classname
                .strip_prefix(&dotted)
                .and_then(|r| r.strip_prefix('.'))
            {
                return format!("{file}::{}::{}", classes.replace('.', "::"), self.name);
            }
        }
        if self.classname.is_empty() {
            if self.name.contains('[') || self.name.contains("::") {
                return self.name.clone();
            }
            return format!("{}.py", self.name.replace('.', "/"));
        }
        let segs: Vec<&str> = self.classname.split('.').collect();
        let mut k = segs.len();
        while k > 1 && segs[k - 1].chars().next().is_some_and(char::is_uppercase) {
            k -= 1;
        }
        let mut out = segs[..k].join("/");
        out.push_str(".py");
        for class in &segs[k..] {
            out.push_str("::");
            out.push_str(class);
        }
        out.push_str("::");
        out.push_str(&self.name);
        out
    }
}
