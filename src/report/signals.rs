//! Printers of `rca signatures --history`: the signature list with what each signature fired
//! on in the recorded runs ([`crate::history::trend::signals`]): runs, events, tests that passed and
//! failed, precision; `never` for a signature that did not fire in the window.
//!
//! It does not count: the per-signature numbers are computed by [`crate::history::trend::signals`];
//! log-derived strings reach the terminal through [`super::safe`].

use crate::history::trend::signals::{SignatureStat, SignatureTrend};
use crate::parse::signatures::SignatureSet;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use std::collections::BTreeMap;

/// `precision` as a percentage, `-` when the signature fired on no test.
pub fn precision(p: Option<f64>) -> String {
    p.map(|p| format!("{:.0}%", p * 100.0))
        .unwrap_or_else(|| "-".to_string())
}

fn by_id(t: &SignatureTrend) -> BTreeMap<&str, &SignatureStat> {
    t.fired.iter().map(|s| (s.id.as_str(), s)).collect()
}

/// The signature list as a table with the history's columns.
pub fn text(sigs: &SignatureSet, t: &SignatureTrend) -> String {
    let stats = by_id(t);
    let mut table = Table::new();
    table.load_style(UTF8_FULL_CONDENSED);
    table.set_content_arrangement(ContentArrangement::Dynamic);
    table.set_header(vec![
        "id",
        "category",
        "source",
        "fired in runs",
        "events",
        "on passed tests",
        "on failed tests",
        "precision",
    ]);
    let num = |n: u64| Cell::new(n).set_alignment(CellAlignment::Right);
    for s in sigs.signatures() {
        let mut row = vec![
            Cell::new(&s.spec.id),
            Cell::new(s.category.id()),
            Cell::new(&s.spec.source),
        ];
        match stats.get(s.spec.id.as_str()) {
            Some(st) => row.extend([
                num(st.runs as u64),
                num(st.events),
                num(st.passed_tests),
                num(st.failed_tests),
                Cell::new(precision(st.precision)).set_alignment(CellAlignment::Right),
            ]),
            None if t.runs_with_data > 0 => row.push(Cell::new("never")),
            None => row.push(Cell::new("-")),
        }
        table.add_row(row);
    }
    format!(
        "{table}\n{} signatures; {} fired and {} never fired in {} run(s) with signature data\n",
        sigs.signatures().len(),
        t.fired.len(),
        t.never_fired.len(),
        t.runs_with_data
    )
}

/// The signature list as JSON: each specification with a `history` object (`null` when
/// it never fired), after `runs_with_data`.
pub fn json(sigs: &SignatureSet, t: &SignatureTrend) -> String {
    let stats = by_id(t);
    let list: Vec<serde_json::Value> = sigs
        .signatures()
        .iter()
        .map(|s| {
            let mut v = serde_json::to_value(&s.spec).expect("a signature serialises");
            let h = stats
                .get(s.spec.id.as_str())
                .map(|st| serde_json::to_value(st).expect("stats serialise"))
                .unwrap_or(serde_json::Value::Null);
            if let Some(obj) = v.as_object_mut() {
                obj.insert("history".to_string(), h);
            }
            v
        })
        .collect();
    let doc = serde_json::json!({
        "runs_with_data": t.runs_with_data,
        "never_fired": t.never_fired,
        "signatures": list,
    });
    let mut s = serde_json::to_string_pretty(&doc).expect("signatures serialise");
    s.push('\n');
    s
}
