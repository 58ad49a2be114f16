//! JSON output: the analysis serialised as the versioned document described in README.md.
//! Strings keep exactly what the log said; control, bidi and invisible characters are
//! written as `\uXXXX` escapes ([`safe::json`](super::safe::json)), so the document itself
//! is safe to print on a terminal and a name cannot disguise itself in an editor. It
//! computes nothing: every value comes from the [`Report`], and the
//! JSON Schema of the document is `rca schema`'s ([`crate::cli`]).

//!
//! [`write`] streams the document to a writer as it is serialised (a 100k-test report is
//! never held as one string); [`render`] gives the same bytes as a `String`.
//!
//! It shapes the document ([`Document`], the report's parts field by field, and the
//! checklist, [`crate::diagnose::checklist`]); nothing is computed or translated here.

use super::Report;
use crate::attribute::collect;
use crate::attribute::responses::TargetResponses;
use crate::compare::BaselineComparison;
use crate::diagnose::RootCauseAnalysis;
use crate::diagnose::checklist::{self, Item};
use crate::diagnose::recommend::Recommendation;
use crate::facts::{
    CategoryReport, EventReport, InputInfo, RunMetadata, Summary, TestReport, Timeline, ToolInfo,
};
use crate::history::identity::CiRun;
use crate::history::trend::recurrence::RunHistory;
use crate::probe::fold::Reprobe;
use crate::source::SourceScan;
use serde::Serialize;
use serde_json::ser::Formatter;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Pretty-printed JSON with a trailing newline.
pub fn render(r: &Report) -> String {
    let mut out = Vec::new();
    write(r, &mut out).expect("writing to memory does not fail");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

// The wire shape is this struct's own, the report's parts field by field in the order
// README.md gives; a stage's types appear in it only where their serialisation is the
// contract. (Its doc comment is the schema's description, so it stays as it was.)
/// The document: the analysis and, derived from its recommendations, the closing
/// `checklist` (its schema is what `rca schema` prints).
#[derive(Serialize, schemars::JsonSchema)]
pub struct Document<'a> {
    /// JSON schema version.
    schema_version: u32,
    /// rca name and version.
    tool: &'a ToolInfo,
    /// Inputs read.
    inputs: &'a [InputInfo],
    /// Outcome totals.
    summary: &'a Summary,
    /// Tests in order of appearance.
    #[schemars(with = "Vec<TestReport>")]
    tests: Elements<'a, TestReport>,
    /// Categories with events, in taxonomy order.
    categories: &'a [CategoryReport],
    /// Aggregated events.
    #[schemars(with = "Vec<EventReport>")]
    events: Elements<'a, EventReport>,
    /// Events per category over time.
    timeline: &'a Timeline,
    /// HTTP responses the log shows per target (urllib3 debug and httpx info lines).
    responses: &'a [TargetResponses],
    /// Time between consecutive retries of one request, per target.
    retry_gaps: BTreeMap<&'a str, RetryGaps>,
    /// `Retry-After` values the log shows (none: the log never prints the header).
    #[serde(skip_serializing_if = "retry_after_absent")]
    retry_after: RetryAfterSeen,
    /// urllib3's sleeps before retries, per path template (DEBUG logs with ms times).
    #[serde(skip_serializing_if = "no_sleeps")]
    retry_sleeps: BTreeMap<&'a str, RetrySleeps>,
    /// A re-probe of the servers the root causes name (`rca analyze --probe`).
    #[serde(skip_serializing_if = "Option::is_none")]
    reprobe: Option<&'a Reprobe>,
    /// The CI run the environment names (`GITHUB_RUN_ID`, `CI_PIPELINE_ID`, `BUILD_TAG`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    ci: Option<&'a CiRun>,
    /// What the JUnit XML says about the run itself: host names, `<properties>`, start.
    #[serde(skip_serializing_if = "no_metadata")]
    metadata: &'a RunMetadata,
    /// This run against the recorded history (`rca analyze --history`).
    #[serde(skip_serializing_if = "Option::is_none")]
    history: Option<&'a RunHistory>,
    /// This run against a baseline run of the same suite (`rca analyze --baseline`; not the
    /// baseline *tests* of this run, see `baseline_vs_load`).
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline: Option<&'a BaselineComparison>,
    /// The client configuration read from the code under test (`rca analyze --source DIR`).
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a SourceScan>,
    /// Findings, root causes with verdicts and cross-checks (`headline`, `findings`,
    /// `root_causes`, `unexplained_failures`, `observed_concurrency` at the top level).
    #[serde(flatten)]
    rca: &'a RootCauseAnalysis,
    /// Remediations the evidence supports, most urgent first.
    recommendations: &'a [Recommendation],
    /// Problems noticed (truncated log, count mismatch, ...).
    warnings: &'a [String],
    checklist: Vec<Item>,
}

impl<'a> Document<'a> {
    /// The document of `r`.
    pub fn of(r: &'a Report) -> Document<'a> {
        let (f, d) = (&r.facts, &r.diagnosis);
        Document {
            schema_version: r.schema_version,
            tool: &r.tool,
            inputs: &f.inputs,
            summary: &f.summary,
            tests: Elements(&f.tests),
            categories: &f.categories,
            events: Elements(&f.events),
            timeline: &f.timeline,
            responses: &f.responses,
            retry_gaps: f
                .retry_gaps
                .iter()
                .map(|(k, g)| (k.as_str(), g.into()))
                .collect(),
            retry_after: (&f.retry_after).into(),
            retry_sleeps: f
                .retry_sleeps
                .iter()
                .map(|(k, s)| (k.as_str(), s.into()))
                .collect(),
            reprobe: r.reprobe.as_ref(),
            ci: r.ci.as_ref(),
            metadata: &f.metadata,
            history: r.history.as_ref(),
            baseline: r.baseline.as_ref(),
            source: r.source.as_ref(),
            rca: &d.rca,
            recommendations: &d.recommendations,
            warnings: &f.warnings,
            checklist: checklist::build(&d.recommendations),
        }
    }
}

/// A long array of the document (tests, events: a report of an event-dense log has tens of
/// thousands), its elements rendered on every core a batch at a time and then written in
/// order, each exactly as the pretty printer would have written it in place. Short arrays
/// are written directly.
struct Elements<'a, T>(&'a [T]);

/// Arrays shorter than this are written on the calling thread.
const PARALLEL_FROM: usize = 1024;
/// Elements rendered before they are written (bounds the memory held).
const BATCH: usize = 8192;
/// Fewest elements worth a thread.
const PER_THREAD: usize = 512;
/// The document's arrays are values of its top-level object: their elements sit two
/// levels deep.
const ELEMENT_DEPTH: usize = 2;

impl<T: Serialize + Sync> Serialize for Elements<'_, T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{Error, SerializeSeq};
        if self.0.len() < PARALLEL_FROM {
            return self.0.serialize(serializer);
        }
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for batch in self.0.chunks(BATCH) {
            for element in render_all(batch).map_err(S::Error::custom)? {
                seq.serialize_element(&element)?;
            }
        }
        seq.end()
    }
}

/// The elements of `batch` rendered at [`ELEMENT_DEPTH`], in order, split across cores (the
/// calling thread takes the first part).
fn render_all<T: Serialize + Sync>(batch: &[T]) -> serde_json::Result<Vec<Rendered>> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let threads = (batch.len() / PER_THREAD).clamp(1, cores);
    let part = batch.len().div_ceil(threads);
    let mut parts = batch.chunks(part);
    let first = parts.next().unwrap_or_default();
    std::thread::scope(|scope| {
        let others: Vec<_> = parts.map(|p| scope.spawn(move || render_part(p))).collect();
        let mut out = render_part(first)?;
        for handle in others {
            out.extend(handle.join().expect("rendering does not panic")?);
        }
        Ok(out)
    })
}

/// Each element of `part` as the pretty printer writes it at [`ELEMENT_DEPTH`].
fn render_part<T: Serialize>(part: &[T]) -> serde_json::Result<Vec<Rendered>> {
    part.iter()
        .map(|element| {
            let mut text = Vec::new();
            let formatter = Safe {
                depth: ELEMENT_DEPTH,
                has_value: false,
            };
            element.serialize(&mut serde_json::Serializer::with_formatter(
                &mut text, formatter,
            ))?;
            Ok(Rendered(
                String::from_utf8(text).expect("serde_json writes UTF-8"),
            ))
        })
        .collect()
}

/// JSON text that serde_json writes as it is: serialised the way serde_json's own
/// `RawValue` is (a struct under its marker name), without `RawValue::from_string`'s
/// second parse of text this module has just written. A change of the marker would show
/// as `arrays_rendered_in_parallel_equal_arrays_written_in_place` failing.
struct Rendered(String);

impl Serialize for Rendered {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        const RAW: &str = "$serde_json::private::RawValue";
        let mut s = serializer.serialize_struct(RAW, 1)?;
        s.serialize_field(RAW, &self.0)?;
        s.end()
    }
}

fn retry_after_absent(r: &RetryAfterSeen) -> bool {
    r.count == 0
}

fn no_sleeps(s: &BTreeMap<&str, RetrySleeps>) -> bool {
    s.is_empty()
}

// The retry figures as the document writes them: the collector's own counters stay its
// own, so a change there cannot change the schema by accident. (Names and doc comments are
// the schema's, so they are those of the collector's types.)

/// `Retry-After` values found in the log (headers printed by the application or by an
/// HTTP library's debug output).
#[derive(Serialize, schemars::JsonSchema)]
struct RetryAfterSeen {
    /// Lines with a value.
    count: u64,
    /// Smallest delay asked for, in seconds.
    min_s: f64,
    /// Largest delay asked for, in seconds.
    max_s: f64,
    /// First line that showed one.
    first_line: u64,
}

impl From<&collect::RetryAfterSeen> for RetryAfterSeen {
    fn from(r: &collect::RetryAfterSeen) -> Self {
        RetryAfterSeen {
            count: r.count,
            min_s: r.min_s,
            max_s: r.max_s,
            first_line: r.first_line,
        }
    }
}

/// urllib3's sleeps before retrying, measured from DEBUG lines with millisecond times.
#[derive(Serialize, schemars::JsonSchema)]
struct RetrySleeps {
    /// Before status retries ("Retry: /p"): backoff, or the server's Retry-After.
    status: RetryGaps,
    /// Before retries after connection errors ("Retrying (...)"): backoff only.
    error: RetryGaps,
}

impl From<&collect::RetrySleeps> for RetrySleeps {
    fn from(s: &collect::RetrySleeps) -> Self {
        RetrySleeps {
            status: (&s.status).into(),
            error: (&s.error).into(),
        }
    }
}

/// Gaps between consecutive retries of one request to one target.
#[derive(Serialize, schemars::JsonSchema)]
struct RetryGaps {
    /// Pairs measured.
    pairs: u64,
    /// Sum of the gaps in ms.
    total_ms: i64,
    /// Shortest gap in ms.
    min_ms: i64,
    /// Longest gap in ms.
    max_ms: i64,
    /// Every timestamp had sub-second precision.
    precise: bool,
    /// The timeout the retried lines name, in seconds.
    timeout_s: Option<f64>,
}

impl From<&collect::RetryGaps> for RetryGaps {
    fn from(g: &collect::RetryGaps) -> Self {
        RetryGaps {
            pairs: g.pairs,
            total_ms: g.total_ms,
            min_ms: g.min_ms,
            max_ms: g.max_ms,
            precise: g.precise,
            timeout_s: g.timeout_s,
        }
    }
}

fn no_metadata(m: &&RunMetadata) -> bool {
    m.is_empty()
}

/// Writes the pretty-printed document and a trailing newline to `w`.
pub fn write<W: Write>(r: &Report, w: W) -> io::Result<()> {
    to_writer(&Document::of(r), w)
}

/// Any serialisable value, pretty-printed with hidden characters escaped, then a newline.
pub fn to_writer<T: Serialize, W: Write>(value: &T, w: W) -> io::Result<()> {
    // A buffer of a concrete type: serde_json writes a few bytes at a time (a quote, a colon,
    // an indent), and through the caller's `&mut dyn Write` each of those was a call.
    let mut out = io::BufWriter::with_capacity(1 << 16, w);
    let mut ser = serde_json::Serializer::with_formatter(&mut out, Safe::default());
    value.serialize(&mut ser).map_err(io::Error::other)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// serde_json's pretty printer (two-space indent, `"key": value`), with the hidden
/// characters serde leaves raw in strings written as `\uXXXX` escapes
/// ([`safe::json`](super::safe::json), while streaming). Its line breaks are written as one
/// slice (comma, newline and indent) rather than one write per indent level.
#[derive(Default)]
struct Safe {
    depth: usize,
    has_value: bool,
}

/// `,` then a newline and the spaces of [`Safe::MAX_DEPTH`] levels.
static BREAK: [u8; 2 + 2 * Safe::MAX_DEPTH] = {
    let mut b = [b' '; 2 + 2 * Safe::MAX_DEPTH];
    b[0] = b',';
    b[1] = b'\n';
    b
};

impl Safe {
    /// Nesting written from one slice; deeper levels add their indent piece by piece.
    const MAX_DEPTH: usize = 32;

    /// A newline (after a comma unless `first`) and the indent of `depth`.
    fn line_break<W: ?Sized + Write>(w: &mut W, depth: usize, first: bool) -> io::Result<()> {
        let from = usize::from(first);
        let levels = depth.min(Self::MAX_DEPTH);
        w.write_all(&BREAK[from..2 + 2 * levels])?;
        for _ in levels..depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            Self::line_break(w, self.depth, true)?;
        }
        w.write_all(bracket)
    }
}

impl Formatter for Safe {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        w.write_all(super::safe::json_fragment(fragment).as_bytes())
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        Self::line_break(w, self.depth, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        Self::line_break(w, self.depth, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_match_serde_pretty_printing_at_every_depth() {
        // Deeper than the one-slice indent, with empty and one-element containers.
        let mut value = serde_json::json!({"leaf": [], "empty": {}, "one": [1], "s": "x"});
        for depth in 0..40 {
            value = serde_json::json!({"depth": depth, "inner": [value, {"k": null}], "e": []});
        }
        let mut streamed = Vec::new();
        to_writer(&value, &mut streamed).unwrap();
        let mut pretty = serde_json::to_string_pretty(&value).unwrap();
        pretty.push('\n');
        assert_eq!(String::from_utf8(streamed).unwrap(), pretty);
    }

    /// A long array rendered on several threads is byte for byte what the pretty printer
    /// writes in place, at every length around the thresholds and past one batch.
    #[test]
    fn arrays_rendered_in_parallel_equal_arrays_written_in_place() {
        #[derive(Serialize)]
        struct Spliced<'a> {
            before: u32,
            items: Elements<'a, serde_json::Value>,
            after: &'a str,
        }
        #[derive(Serialize)]
        struct InPlace<'a> {
            before: u32,
            items: &'a [serde_json::Value],
            after: &'a str,
        }
        let item = |i: usize| match i % 4 {
            0 => {
                serde_json::json!({"id": i, "name": format!("t\u{202e}{i}\u{1b}[0m"), "e": {}, "l": []})
            }
            1 => serde_json::json!({"nested": {"deep": [1, {"x": null}], "s": "a\"b\\c\n"}}),
            2 => serde_json::json!([i, "x", [], {}]),
            _ => serde_json::json!("plain"),
        };
        for len in [
            0,
            3,
            PARALLEL_FROM - 1,
            PARALLEL_FROM,
            3 * PER_THREAD + 7,
            BATCH + 5,
        ] {
            let items: Vec<serde_json::Value> = (0..len).map(item).collect();
            let mut spliced = Vec::new();
            let value = Spliced {
                before: 1,
                items: Elements(&items),
                after: "end",
            };
            to_writer(&value, &mut spliced).unwrap();
            let mut in_place = Vec::new();
            let value = InPlace {
                before: 1,
                items: &items,
                after: "end",
            };
            to_writer(&value, &mut in_place).unwrap();
            assert!(spliced == in_place, "length {len}");
        }
    }

    #[test]
    fn streamed_output_escapes_like_the_string_sanitiser() {
        let value = serde_json::json!({
            "name": "test_\u{202e}gpj.exe[\u{200b}]",
            "nested": [{"k": "a\u{1b}[31m\u{7f}b"}, 1, null],
            "plain": "ok"
        });
        let mut streamed = Vec::new();
        to_writer(&value, &mut streamed).unwrap();
        let mut whole = serde_json::to_string_pretty(&value).unwrap();
        whole.push('\n');
        assert_eq!(
            String::from_utf8(streamed).unwrap(),
            super::super::safe::json(whole)
        );
    }
}
