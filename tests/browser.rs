//! The HTML report in a real browser: a log full of XSS payloads (in a test name, an
//! assertion message, a URL and a host) renders to a page that stays inert in headless
//! Chromium (no script element, no event-handler attribute, no `javascript:` or network URL,
//! the report's own title, no console message) and shows the payloads as escaped text; the
//! seed sample's report is screenshotted at phone and desktop widths under
//! `target/browser/` for a human to look at.
//!
//! Needs Debian's `chromium` (`.ci/run` installs it). Without it the tests print a notice
//! and pass, unless `CI` is set, where they fail.

mod common;

use common::*;
use serde_json::Value;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const SEED: &str = "seed-urllib3-2";

/// Put into a failing test's name (as a pytest parameter id).
const PAYLOAD_SCRIPT: &str = "<script>document.title='pwned'</script>";
/// Put into that test's assertion message (its symptom).
const PAYLOAD_IMG: &str = "\"><img src=x onerror=\"document.title='pwned'\">";
/// Replaces the URL of an application request-timeout line and ends another test's
/// assertion message.
const PAYLOAD_JS_URL: &str = "javascript:alert(1)";
/// The name of the hostile log file (the report shows its input's name).
const PAYLOAD_FILE: &str = "<svg onload=document.title='pwned'>";
/// Replaces the host of a pool-full warning (the host field stops at whitespace and commas).
const PAYLOAD_HOST: &str = "evil\"><svg/onload=alert(1)>";

/// Longest a single chromium run may take before it is killed.
const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(60);

/// One chromium at a time: the tests of this file run in parallel threads.
static CHROMIUM_LOCK: Mutex<()> = Mutex::new(());

// ---------------------------------------------------------------------------------------
// Finding and running chromium
// ---------------------------------------------------------------------------------------

/// `/usr/bin/chromium`, else `chromium` on PATH. None when missing, after printing a notice
/// (or panicking when `CI` is set: CI must install it).
fn chromium() -> Option<PathBuf> {
    let fixed = PathBuf::from("/usr/bin/chromium");
    let found = if fixed.is_file() {
        Some(fixed)
    } else {
        std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .map(|dir| dir.join("chromium"))
                .find(|p| p.is_file())
        })
    };
    if found.is_none() {
        if std::env::var_os("CI").is_some() {
            panic!(
                "chromium is not installed but CI is set: CI must install Debian's chromium \
                 (.ci/run does: apt-get install -y --no-install-recommends chromium \
                 fonts-dejavu-core) so that the HTML report is checked in a real browser"
            );
        }
        // Straight to the stderr handle: the test harness captures eprintln!, and this
        // must be seen. Once per test binary.
        static NOTICE: std::sync::Once = std::sync::Once::new();
        NOTICE.call_once(|| {
            let _ = std::io::stderr().write_all(
                b"\n#####################################################################\n\
                  ## NOTICE: chromium not found (/usr/bin/chromium or PATH): the     ##\n\
                  ## browser tests of the HTML report were SKIPPED. Install it with  ##\n\
                  ##   apt-get install -y --no-install-recommends chromium           ##\n\
                  ## (they fail instead of skipping when CI is set).                 ##\n\
                  #####################################################################\n\n",
            );
        });
    }
    found
}

/// What one chromium run left behind.
struct Run {
    stdout: String,
    stderr: String,
}

impl Run {
    /// Console messages (chromium logs every level as `INFO:CONSOLE`) and uncaught errors.
    /// The report has no script, so any console line at all is a defect.
    fn console_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
            .collect()
    }
}

/// Runs headless chromium on `page` with `mode` (`--dump-dom`, or `--screenshot=..` plus
/// `--window-size=..`), a fresh profile and no background traffic; kills it after
/// [`CHROMIUM_TIMEOUT`].
fn run_chromium(chromium: &Path, page: &Path, mode: &[String]) -> Run {
    let _guard = CHROMIUM_LOCK.lock().unwrap_or_else(|e| e.into_inner());
    let scratch = tempfile::tempdir().unwrap();
    let profile = scratch.path().join("profile");
    let out_path = scratch.path().join("stdout");
    let err_path = scratch.path().join("stderr");
    let url = format!("file://{}", page.canonicalize().unwrap().display());
    let mut cmd = Command::new(chromium);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args([
        "--virtual-time-budget=2000",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .args(mode)
    .arg(&url)
    .stdin(Stdio::null())
    .stdout(std::fs::File::create(&out_path).unwrap())
    .stderr(std::fs::File::create(&err_path).unwrap())
    // Its own process group, so that a hung run is killed with all its helpers.
    .process_group(0);
    let started = Instant::now();
    let mut child = cmd.spawn().expect("chromium starts");
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > CHROMIUM_TIMEOUT {
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "chromium {mode:?} {url} ran longer than {CHROMIUM_TIMEOUT:?} and was killed \
                 (a JavaScript dialog such as alert() blocks headless chromium); stderr:\n{}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let run = Run {
        stdout: String::from_utf8_lossy(&std::fs::read(&out_path).unwrap()).into_owned(),
        stderr: String::from_utf8_lossy(&std::fs::read(&err_path).unwrap()).into_owned(),
    };
    assert!(
        status.success(),
        "chromium {mode:?} {url} failed ({status}); stderr:\n{}",
        run.stderr
    );
    run
}

fn dump_dom(chromium: &Path, page: &Path) -> Run {
    let run = run_chromium(chromium, page, &["--dump-dom".to_string()]);
    assert!(
        run.stdout.contains("</html>"),
        "chromium --dump-dom printed no document for {}; stderr:\n{}",
        page.display(),
        run.stderr
    );
    run
}

fn screenshot(chromium: &Path, page: &Path, png: &Path, width: u32, height: u32) -> Run {
    let _ = std::fs::remove_file(png);
    run_chromium(
        chromium,
        page,
        &[
            format!("--screenshot={}", png.display()),
            format!("--window-size={width},{height}"),
        ],
    )
}

// ---------------------------------------------------------------------------------------
// A small scanner for the serialized DOM
// ---------------------------------------------------------------------------------------

/// An element's start tag as chromium serialized it.
#[derive(Debug)]
struct Tag {
    name: String,
    attrs: Vec<(String, String)>,
}

/// The parts of a serialized document the checks need.
#[derive(Debug, Default)]
struct Doc {
    tags: Vec<Tag>,
    /// Contents of `<style>` (and `<script>`) elements, which are serialized raw.
    raw_text: Vec<String>,
    /// Text nodes, entity-decoded, concatenated.
    text: String,
    /// The first `<title>` element's decoded text.
    title: Option<String>,
}

/// Scans serialized HTML. In chromium's serialization every `<` of a text node or of an
/// attribute value is escaped, so each literal `<` followed by a letter starts an element.
fn scan(html: &str) -> Doc {
    let b = html.as_bytes();
    let n = b.len();
    let find = |from: usize, pat: &str| -> usize { html[from..].find(pat).map_or(n, |p| from + p) };
    let mut doc = Doc::default();
    let mut text = String::new();
    let mut in_title = false;
    let mut title = String::new();
    let mut i = 0;
    while i < n {
        if b[i] != b'<' {
            let end = html[i..].find('<').map_or(n, |p| i + p);
            text.push_str(&html[i..end]);
            if in_title {
                title.push_str(&html[i..end]);
            }
            i = end;
            continue;
        }
        if html[i..].starts_with("<!--") {
            i = find(i + 4, "-->") + 3;
        } else if html[i..].starts_with("<!") || html[i..].starts_with("<?") {
            i = find(i, ">") + 1;
        } else if i + 1 < n && b[i + 1] == b'/' {
            let end = find(i, ">");
            if html[i + 2..end].trim().eq_ignore_ascii_case("title") {
                in_title = false;
            }
            i = end + 1;
        } else if i + 1 < n && b[i + 1].is_ascii_alphabetic() {
            let mut j = i + 1;
            while j < n && !b[j].is_ascii_whitespace() && b[j] != b'/' && b[j] != b'>' {
                j += 1;
            }
            let name = html[i + 1..j].to_ascii_lowercase();
            let mut attrs = Vec::new();
            loop {
                while j < n && (b[j].is_ascii_whitespace() || b[j] == b'/') {
                    j += 1;
                }
                if j >= n || b[j] == b'>' {
                    j += 1;
                    break;
                }
                let start = j;
                while j < n && !b[j].is_ascii_whitespace() && !b"=>/".contains(&b[j]) {
                    j += 1;
                }
                let attr = html[start..j].to_ascii_lowercase();
                let mut value = String::new();
                while j < n && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j < n && b[j] == b'=' {
                    j += 1;
                    while j < n && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if j < n && (b[j] == b'"' || b[j] == b'\'') {
                        let quote = b[j] as char;
                        let end = html[j + 1..].find(quote).map_or(n, |p| j + 1 + p);
                        value = decode_entities(&html[j + 1..end]);
                        j = (end + 1).min(n);
                    } else {
                        let start = j;
                        while j < n && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                            j += 1;
                        }
                        value = decode_entities(&html[start..j]);
                    }
                }
                attrs.push((attr, value));
            }
            i = j;
            // The document's title is the first one; SVG has <title> elements of its own.
            if name == "title" && !doc.tags.iter().any(|t| t.name == "title") {
                in_title = true;
            }
            if ["style", "script", "xmp", "noembed", "noframes", "iframe"].contains(&name.as_str())
            {
                let close = format!("</{name}");
                let lower = html[i..].to_ascii_lowercase();
                let end = lower.find(&close).map_or(n, |p| i + p);
                doc.raw_text.push(html[i..end].to_string());
                i = end;
            }
            doc.tags.push(Tag { name, attrs });
        } else {
            text.push('<');
            i += 1;
        }
    }
    doc.text = decode_entities(&text);
    if doc.tags.iter().any(|t| t.name == "title") {
        doc.title = Some(decode_entities(&title).trim().to_string());
    }
    doc
}

/// Decodes the entities chromium's serializer and common templates produce.
fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(p) = rest.find('&') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        let Some(semi) = rest
            .char_indices()
            .take_while(|(i, _)| *i < 12)
            .find(|(_, c)| *c == ';')
            .map(|(i, _)| i)
        else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            _ => entity
                .strip_prefix("#x")
                .or_else(|| entity.strip_prefix("#X"))
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// Elements a static, self-contained report never needs and that run code or load things.
const FORBIDDEN_ELEMENTS: &[&str] = &[
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "link",
    "portal",
    "form",
    "noscript",
    "foreignobject",
];

/// Attributes holding URLs.
const URL_ATTRS: &[&str] = &[
    "href",
    "xlink:href",
    "src",
    "srcset",
    "action",
    "formaction",
    "poster",
    "data",
    "background",
    "ping",
    "codebase",
];

/// Everything in a serialized document that makes it active or non-self-contained.
fn problems(doc: &Doc) -> Vec<String> {
    let mut out = Vec::new();
    for tag in &doc.tags {
        if FORBIDDEN_ELEMENTS.contains(&tag.name.as_str()) {
            out.push(format!("element <{}> {:?}", tag.name, tag.attrs));
        }
        for (name, value) in &tag.attrs {
            let squeezed: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if name.starts_with("on") {
                out.push(format!("event handler <{} {name}={value:?}>", tag.name));
            }
            // A Content-Security-Policy is welcome; refresh, cookies and the like are not.
            if name == "http-equiv" && !value.eq_ignore_ascii_case("content-security-policy") {
                out.push(format!("<{} http-equiv={value:?}>", tag.name));
            }
            if URL_ATTRS.contains(&name.as_str()) {
                if squeezed.starts_with("javascript:")
                    || squeezed.starts_with("vbscript:")
                    || squeezed.starts_with("data:text")
                {
                    out.push(format!("script URL <{} {name}={value:?}>", tag.name));
                }
                // Links may point anywhere; anything the page itself loads must be inline.
                let is_link = tag.name == "a" && name == "href";
                let inline = squeezed.is_empty()
                    || squeezed.starts_with('#')
                    || squeezed.starts_with("data:image/");
                if !is_link && !inline {
                    out.push(format!("resource <{} {name}={value:?}>", tag.name));
                }
            }
            if name == "style" {
                out.extend(
                    css_problems(value)
                        .into_iter()
                        .map(|p| format!("{p} in <{} style={value:?}>", tag.name)),
                );
            }
        }
    }
    for raw in &doc.raw_text {
        out.extend(css_problems(raw));
    }
    out
}

/// CSS that loads something: `@import`, `url(...)` other than a fragment or `data:image`,
/// `expression(`.
fn css_problems(css: &str) -> Vec<String> {
    let lower = css.to_ascii_lowercase();
    let mut out = Vec::new();
    if lower.contains("@import") {
        out.push("CSS @import".to_string());
    }
    if lower.contains("expression(") {
        out.push("CSS expression()".to_string());
    }
    for (p, _) in lower.match_indices("url(") {
        let arg = lower[p + 4..].trim_start().trim_start_matches(['"', '\'']);
        if !(arg.starts_with('#') || arg.starts_with("data:image/")) {
            out.push(format!(
                "CSS {}",
                &css[p..css.len().min(p + 60)].lines().next().unwrap_or("")
            ));
        }
    }
    out
}

/// Asserts a chromium run left an inert, quiet page with the report's own title.
fn assert_inert(run: &Run, expected_title: &str, what: &str) -> Doc {
    let doc = scan(&run.stdout);
    let found = problems(&doc);
    assert!(
        found.is_empty(),
        "{what}: the rendered DOM is not inert:\n  {}",
        found.join("\n  ")
    );
    assert!(
        !run.stdout.to_ascii_lowercase().contains("<script"),
        "{what}: the rendered DOM has a <script"
    );
    assert_eq!(
        doc.title.as_deref(),
        Some(expected_title),
        "{what}: the page title changed in the browser"
    );
    assert_ne!(doc.title.as_deref(), Some("pwned"), "{what}: script ran");
    let console = run.console_lines();
    assert!(
        console.is_empty(),
        "{what}: chromium logged console messages for a page that has no script:\n{}",
        console.join("\n")
    );
    doc
}

// ---------------------------------------------------------------------------------------
// Screenshots
// ---------------------------------------------------------------------------------------

/// A decoded PNG: width, height and RGBA pixels.
struct Image {
    width: usize,
    height: usize,
    rgba: Vec<[u8; 4]>,
}

/// Decodes the 8-bit, non-interlaced PNGs chromium writes.
fn decode_png(bytes: &[u8]) -> Image {
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "not a PNG (signature)"
    );
    let (mut width, mut height, mut depth, mut colour, mut interlace) = (0, 0, 0, 0, 0);
    let mut idat = Vec::new();
    let mut pos = 8;
    while pos + 8 <= bytes.len() {
        let len = u32::from_be_bytes(bytes[pos..pos + 4].try_into().unwrap()) as usize;
        let kind = &bytes[pos + 4..pos + 8];
        let data = &bytes[pos + 8..(pos + 8 + len).min(bytes.len())];
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(data[0..4].try_into().unwrap()) as usize;
                height = u32::from_be_bytes(data[4..8].try_into().unwrap()) as usize;
                depth = data[8];
                colour = data[9];
                interlace = data[12];
            }
            b"IDAT" => idat.extend_from_slice(data),
            b"IEND" => break,
            _ => {}
        }
        pos += 12 + len;
    }
    assert!(
        depth == 8 && interlace == 0,
        "unexpected PNG format: depth {depth}, interlace {interlace}"
    );
    let channels = match colour {
        0 => 1,
        2 => 3,
        4 => 2,
        6 => 4,
        _ => panic!("unexpected PNG colour type {colour}"),
    };
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut raw)
        .expect("PNG image data inflates");
    let stride = width * channels;
    assert_eq!(raw.len(), height * (stride + 1), "PNG image data size");
    let mut prev = vec![0u8; stride];
    let mut rgba = Vec::with_capacity(width * height);
    for row in raw.chunks(stride + 1) {
        let filter = row[0];
        let mut cur = row[1..].to_vec();
        for x in 0..stride {
            let a = if x >= channels { cur[x - channels] } else { 0 } as i16;
            let up = prev[x] as i16;
            let c = if x >= channels { prev[x - channels] } else { 0 } as i16;
            let add = match filter {
                0 => 0,
                1 => a,
                2 => up,
                3 => (a + up) / 2,
                4 => {
                    let p = a + up - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - up).abs(), (p - c).abs());
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        up
                    } else {
                        c
                    }
                }
                f => panic!("bad PNG filter {f}"),
            };
            cur[x] = cur[x].wrapping_add(add as u8);
        }
        for px in cur.chunks(channels) {
            rgba.push(match channels {
                1 => [px[0], px[0], px[0], 255],
                2 => [px[0], px[0], px[0], px[1]],
                3 => [px[0], px[1], px[2], 255],
                _ => [px[0], px[1], px[2], px[3]],
            });
        }
        prev = cur;
    }
    Image {
        width,
        height,
        rgba,
    }
}

/// Asserts a screenshot exists, is a PNG of the window's size and shows a page (not a
/// blank or single-colour one).
fn assert_screenshot(png: &Path, width: usize, height: usize) {
    let bytes =
        std::fs::read(png).unwrap_or_else(|e| panic!("no screenshot at {}: {e}", png.display()));
    assert!(
        bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "{} is not a PNG",
        png.display()
    );
    assert!(
        bytes.len() > 8 * 1024,
        "{} is only {} bytes: a blank page?",
        png.display(),
        bytes.len()
    );
    let image = decode_png(&bytes);
    assert_eq!(
        (image.width, image.height),
        (width, height),
        "{} size",
        png.display()
    );
    let mut counts: HashMap<[u8; 4], usize> = HashMap::new();
    for px in &image.rgba {
        *counts.entry(*px).or_default() += 1;
    }
    let (background, bg_count) = counts.iter().max_by_key(|(_, c)| **c).unwrap();
    let ink = image.rgba.len() - bg_count;
    let ink_rows = image
        .rgba
        .chunks(image.width)
        .filter(|row| row.iter().any(|px| px != background))
        .count();
    assert!(
        counts.len() >= 16 && ink * 100 >= image.rgba.len() && ink_rows * 4 >= image.height,
        "{} looks empty: {} colours, {ink} of {} pixels and {ink_rows} of {} rows differ from \
         the background {background:?}",
        png.display(),
        counts.len(),
        image.rgba.len(),
        image.height
    );
}

// ---------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------

/// `target/browser/` (under `CARGO_TARGET_DIR` when that is set).
fn out_dir() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => manifest.join(dir),
        None => manifest.join("target"),
    };
    let dir = target.join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `rca analyze LOG -o HTML` and returns the title the file declares.
fn render_html(log: &Path, html: &Path) -> String {
    let _ = std::fs::remove_file(html);
    let out = rca()
        .arg("analyze")
        .arg(log)
        .arg("-o")
        .arg(html)
        .arg("--quiet")
        .output()
        .expect("rca runs");
    assert!(
        out.status.success(),
        "rca analyze {} -o {} failed: {}",
        log.display(),
        html.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(html).expect("rca wrote the HTML report");
    assert!(
        text.trim_start()
            .to_ascii_lowercase()
            .starts_with("<!doctype html"),
        "{} is not an HTML document: {:?}",
        html.display(),
        &text[..text.len().min(200)]
    );
    let title = scan(&text)
        .title
        .unwrap_or_else(|| panic!("{} has no <title>", html.display()));
    assert!(!title.is_empty(), "{} has an empty <title>", html.display());
    title
}

/// Replaces `from` by `to` in `log` (`count` times, or everywhere when None), asserting it
/// occurs.
fn replace(log: &str, from: &str, to: &str, count: Option<usize>) -> String {
    assert!(log.contains(from), "the seed sample no longer has {from:?}");
    match count {
        Some(n) => log.replacen(from, to, n),
        None => log.replace(from, to),
    }
}

/// The seed sample with XSS payloads on lines rca reports.
fn hostile_log() -> String {
    let log = String::from_utf8(sample_bytes(&format!("{SEED}.log"))).unwrap();
    // A failing test's node id (its progress line, failure header and FAILED summary line).
    let log = replace(
        &log,
        "test_heavy_config_concurrent",
        &format!("test_heavy_config_concurrent[{PAYLOAD_SCRIPT}]"),
        None,
    );
    // Its assertion message, i.e. its symptom.
    let log = replace(
        &log,
        "AssertionError: 10/10 jobs failed (0% success)",
        &format!("AssertionError: 10/10 jobs failed {PAYLOAD_IMG} (0% success)"),
        None,
    );
    // Another failing test's assertion message.
    let log = replace(
        &log,
        "AssertionError: every job failed: 30/30 jobs failed",
        &format!("AssertionError: every job failed: 30/30 jobs failed, see {PAYLOAD_JS_URL}"),
        None,
    );
    // The URL of the first application deadline line.
    let log = replace(
        &log,
        "Request timeout after 2607.07ms for POST https://127.0.0.1:54789/focus-server/configure",
        &format!("Request timeout after 2607.07ms for POST {PAYLOAD_JS_URL}"),
        Some(1),
    );
    // The host of the first pool-full warning.
    replace(
        &log,
        "discarding connection: 127.0.0.1. Connection pool size: 10",
        &format!("discarding connection: {PAYLOAD_HOST}. Connection pool size: 10"),
        Some(1),
    )
}

/// Every string in a JSON document.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
        Value::Object(o) => o.values().for_each(|v| strings(v, out)),
        _ => {}
    }
}

/// The payloads must reach the analysis, or the browser checks prove nothing.
fn assert_payloads_analysed(log: &Path) {
    let v = analyze_json(&[log.to_str().unwrap()]);
    let tests = v["tests"].as_array().unwrap();
    let hostile = tests
        .iter()
        .find(|t| {
            t["nodeid"]
                .as_str()
                .is_some_and(|id| id.contains(PAYLOAD_SCRIPT))
        })
        .unwrap_or_else(|| panic!("no test's nodeid contains {PAYLOAD_SCRIPT:?}"));
    assert_eq!(hostile["outcome"], "failed", "{hostile}");
    assert!(
        hostile["symptom"]
            .as_str()
            .is_some_and(|s| s.contains(PAYLOAD_IMG)),
        "the symptom lost the payload: {hostile}"
    );
    let samples: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["sample"].as_str())
        .collect();
    assert!(
        tests.iter().any(|t| t["outcome"] == "failed"
            && t["symptom"]
                .as_str()
                .is_some_and(|s| s.ends_with(PAYLOAD_JS_URL))),
        "no failed test's symptom ends with {PAYLOAD_JS_URL:?}"
    );
    assert!(
        samples.iter().any(|s| s.contains(PAYLOAD_JS_URL)),
        "no event sample has {PAYLOAD_JS_URL:?}"
    );
    assert!(
        v["events"].as_array().unwrap().iter().any(|e| e["host"]
            .as_str()
            .is_some_and(|h| h.contains("evil\"><svg"))),
        "no event host has the payload"
    );
    let mut all = Vec::new();
    strings(&v, &mut all);
    assert!(all.iter().any(|s| s.contains(PAYLOAD_HOST)));
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

/// Log text full of XSS payloads stays text in the browser.
#[test]
fn hostile_log_renders_inert_in_chromium() {
    let Some(chromium) = chromium() else { return };
    let dir = out_dir();
    let scratch = tempfile::tempdir().unwrap();
    let log = scratch.path().join(format!("hostile{PAYLOAD_FILE}.log"));
    std::fs::write(&log, hostile_log()).unwrap();
    assert_payloads_analysed(&log);

    let html = dir.join("hostile-report.html");
    let title = render_html(&log, &html);
    let run = dump_dom(&chromium, &html);
    std::fs::write(dir.join("hostile-report.dom.html"), &run.stdout).unwrap();
    let doc = assert_inert(&run, &title, "hostile report");

    // The payloads are there, as escaped text.
    assert!(
        run.stdout.contains("&lt;script&gt;"),
        "the escaped script payload is not in the DOM"
    );
    for payload in [
        PAYLOAD_SCRIPT,
        PAYLOAD_IMG,
        PAYLOAD_JS_URL,
        PAYLOAD_HOST,
        PAYLOAD_FILE,
    ] {
        assert!(
            doc.text.contains(payload),
            "the page does not show {payload:?} as text"
        );
    }

    let png = dir.join("hostile-report-390.png");
    let shot = screenshot(&chromium, &html, &png, 390, 2400);
    assert!(shot.console_lines().is_empty(), "{}", shot.stderr);
    assert_screenshot(&png, 390, 2400);
}

/// The seed sample's report: inert, and screenshots at phone and desktop widths.
#[test]
fn seed_report_renders_and_screenshots() {
    let Some(chromium) = chromium() else { return };
    let dir = out_dir();
    let html = dir.join("seed-report.html");
    let title = render_html(&samples_dir().join(format!("{SEED}.log")), &html);
    let run = dump_dom(&chromium, &html);
    let doc = assert_inert(&run, &title, "seed report");
    assert!(
        doc.text
            .contains("tests/load/test_job_capacity.py::test_heavy_config_concurrent"),
        "the seed report does not name a failing test"
    );
    assert!(
        doc.tags.iter().any(|t| t.name == "svg"),
        "the seed report has no inline SVG"
    );
    for (name, width) in [("seed-report.png", 390), ("seed-report-1280.png", 1280)] {
        let png = dir.join(name);
        let shot = screenshot(&chromium, &html, &png, width as u32, 2400);
        assert!(
            shot.console_lines().is_empty(),
            "console messages while screenshotting:\n{}",
            shot.stderr
        );
        assert_screenshot(&png, width, 2400);
        eprintln!("screenshot: {}", png.display());
    }
}

/// The checks above would see a live page: a page that runs script fails them.
#[test]
fn harness_catches_a_live_page() {
    let Some(chromium) = chromium() else { return };
    let scratch = tempfile::tempdir().unwrap();
    let page = scratch.path().join("live.html");
    std::fs::write(
        &page,
        format!(
            "<!doctype html><html><head><title>rca report</title></head><body><p>x</p>\
             {PAYLOAD_SCRIPT}<p>{PAYLOAD_IMG}</p><svg/onload=console.log(1)></svg>\
             <a href=\"{PAYLOAD_JS_URL}\">x</a><script>undefinedFunction()</script></body></html>"
        ),
    )
    .unwrap();
    let run = dump_dom(&chromium, &page);
    let doc = scan(&run.stdout);
    assert_eq!(doc.title.as_deref(), Some("pwned"), "{}", run.stdout);
    let found = problems(&doc).join("\n");
    for expected in [
        "element <script>",
        "resource <img src=",
        "event handler <img onerror=",
        "event handler <svg onload=",
        "script URL <a href=",
    ] {
        assert!(found.contains(expected), "missed {expected:?} in:\n{found}");
    }
    assert!(
        run.console_lines()
            .iter()
            .any(|l| l.contains("Uncaught ReferenceError")),
        "missed the uncaught error in:\n{}",
        run.stderr
    );
}

/// Measures the timeline's row labels of `html` in chromium: a copy of the page without its
/// Content-Security-Policy gets a script that writes each label's text and whether its box
/// lies inside the chart into a `data-labels` attribute of `<body>`.
fn measured_labels(chromium: &Path, html: &str, dir: &Path) -> Vec<(String, bool)> {
    let csp_start = html
        .find("<meta http-equiv=\"Content-Security-Policy\"")
        .expect("the report declares a CSP");
    let csp_end = csp_start + html[csp_start..].find('>').unwrap() + 1;
    let script = "<script>const svg=document.querySelector('svg');const box=svg.getBoundingClientRect();\
        const labels=[...svg.querySelectorAll('text')].filter(t=>t.getAttribute('x')==='0').map(t=>{\
        const b=t.getBoundingClientRect();return [t.textContent,b.width>0&&b.left>=box.left-1&&b.right<=box.right+1];});\
        document.body.setAttribute('data-labels',JSON.stringify(labels));</script>";
    let page = format!(
        "{}{}",
        &html[..csp_start],
        html[csp_end..].replace("</body>", &format!("{script}</body>"))
    );
    let path = dir.join("measure.html");
    std::fs::write(&path, page).unwrap();
    let run = dump_dom(chromium, &path);
    let at = run
        .stdout
        .find("data-labels=\"")
        .unwrap_or_else(|| panic!("the measuring script did not run:\n{}", run.stderr));
    let rest = &run.stdout[at + "data-labels=\"".len()..];
    let raw = decode_entities(&rest[..rest.find('"').unwrap()]);
    serde_json::from_str::<Vec<(String, bool)>>(&raw).expect("labels as JSON")
}

/// In the Hebrew (right-to-left) report the timeline keeps its row labels: each category's
/// label is drawn inside the chart, as in the English one.
#[test]
fn hebrew_timeline_keeps_its_row_labels() {
    let Some(chromium) = chromium() else { return };
    let scratch = tempfile::tempdir().unwrap();
    let log = samples_dir().join(format!("{SEED}.log"));
    let categories: Vec<String> = analyze_json(&[&log.to_string_lossy()])["timeline"]["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["category"].as_str().unwrap().to_string())
        .collect();
    assert!(!categories.is_empty(), "the seed sample has a timeline");
    for lang in ["he", "en"] {
        let out = rca()
            .arg("analyze")
            .arg(&log)
            .args(["-f", "html", "--lang", lang, "-q"])
            .output()
            .unwrap();
        assert!(out.status.success());
        let html = String::from_utf8(out.stdout).unwrap();
        let labels = measured_labels(&chromium, &html, scratch.path());
        let texts: Vec<&str> = labels.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, categories, "{lang}: the row labels");
        for (text, inside) in &labels {
            assert!(
                inside,
                "{lang}: the label {text:?} is drawn outside the chart"
            );
        }
    }
}
