//! The Hebrew renderings of the sentences about other runs: the run against a baseline run
//! (`rca analyze --baseline`) and against its history (`rca analyze --history`).
//!
//! Only data: the patterns are matched, in the order of [`super::FAMILIES`], by the engine in
//! [`crate::report::i18n`]; the English sentences themselves are written by the analysis.

/// The run against a baseline run (`rca analyze --baseline`).
pub(super) const BASELINE: &[(&str, &str)] = &[
    (
        r"^baseline run (?P<s>.+): (?P<p>\d+) passed, (?P<f>\d+) failed of (?P<a>\d+)$",
        "ריצת בסיס {s}: {p} עברו, {f} נכשלו מתוך {a}",
    ),
    (r"^no change$", "אין שינוי"),
    (r"^(?P<n>\d+) tests? regressed$", "{n} טסטים נסוגו"),
    (r"^(?P<n>\d+) fixed$", "{n} תוקנו"),
    (
        r"^(?P<n>\d+) new failure signatures?$",
        "{n} חתימות כשל חדשות",
    ),
    (r"^(?P<n>\d+) vanished$", "{n} נעלמו"),
    (
        r"^(?P<n>\d+) endpoints? changed beyond noise$",
        "{n} נקודות קצה השתנו מעבר לרעש",
    ),
    (
        r"^(?P<n>\d+) log templates? only in this run$",
        "{n} תבניות לוג רק בריצה הזו",
    ),
    (
        r"^new against the baseline run: none of its (?P<n>\d+) failure signatures? occurred in (?P<s>.+)$",
        "חדש מול ריצת הבסיס: אף אחת מ-{n} חתימות הכשל שלו לא הופיעה ב-{s}",
    ),
    (
        r"^the baseline run (?P<s>.+) showed (?P<k>\d+) of its (?P<n>\d+) failure signatures? too \((?P<e>\d+) events\), with (?P<f>\d+) failed tests?$",
        "ריצת הבסיס {s} הראתה גם היא {k} מתוך {n} חתימות הכשל שלו ({e} אירועים), עם {f} טסטים שנכשלו",
    ),
    (
        r"^in the baseline run the same endpoint (?P<u>.+) answered (?P<n>\d+) times? \((?P<f>\d+) failed requests?(?P<x>, p50 [\d.]+ ms)?\)$",
        "בריצת הבסיס אותה נקודת קצה {u} ענתה {n} פעמים ({f} בקשות נכשלו{x})",
    ),
    (
        r"^in the baseline run the same endpoint (?P<u>.+) answered (?P<n>\d+) times? \((?P<f>\d+) failed requests?(?P<x>, p50 [\d.]+ ms)?\) at the same concurrency \(up to (?P<c>\d+)\)$",
        "בריצת הבסיס אותה נקודת קצה {u} ענתה {n} פעמים ({f} בקשות נכשלו{x}) באותה מקביליות (עד {c})",
    ),
    (
        r"^in the baseline run the same endpoint (?P<u>.+) answered (?P<n>\d+) times? \((?P<f>\d+) failed requests?(?P<x>, p50 [\d.]+ ms)?\) at concurrency up to (?P<c>\d+)$",
        "בריצת הבסיס אותה נקודת קצה {u} ענתה {n} פעמים ({f} בקשות נכשלו{x}) במקביליות של עד {c}",
    ),
    (
        r"^in the baseline run the same endpoint (?P<u>.+) answered (?P<n>\d+) times? \((?P<f>\d+) failed requests?(?P<x>, p50 [\d.]+ ms)?\) at concurrency up to (?P<c>\d+) \(this run: (?P<m>\d+)\)$",
        "בריצת הבסיס אותה נקודת קצה {u} ענתה {n} פעמים ({f} בקשות נכשלו{x}) במקביליות של עד {c} (בריצה הזו: {m})",
    ),
    (
        r"^(?P<w>responses|error responses|failed requests) (?P<a>\d+) -> (?P<b>\d+)$",
        "{w} {a} ← {b}",
    ),
    (
        r"^(?P<w>p50|p95) (?P<a>[\d.]+) -> (?P<b>[\d.]+) ms$",
        "{w} {a} ← {b} ms",
    ),
    (
        r"^the history keeps no requests per endpoint and no log templates: give the baseline run's log to compare them$",
        "ההיסטוריה אינה שומרת בקשות לפי נקודת קצה ותבניות לוג: תן את הלוג של ריצת הבסיס כדי להשוות אותן",
    ),
    (
        r"^templates beyond the first (?P<n>\d+) distinct ones per run were not compared$",
        "תבניות מעבר ל-{n} הראשונות בכל ריצה לא הושוו",
    ),
];

/// The run against its history (`rca analyze --history`).
pub(super) const HISTORY: &[(&str, &str)] = &[
    (
        r"^(?P<n>\d+) of (?P<a>\d+) root causes? (?:are|is) new(?P<rest>.*)$",
        "{n} מתוך {a} גורמי השורש חדשים{rest}",
    ),
    (
        r"^(?P<n>\d+) of (?P<a>\d+) failing tests? (?:are|is) new(?P<rest>.*)$",
        "{n} מתוך {a} הטסטים הנכשלים חדשים{rest}",
    ),
    (
        r"^, (?P<n>\d+) recurring(?P<rest>.*)$",
        ", {n} חוזרים{rest}",
    ),
    (
        r"^, (?P<n>\d+) regressed(?P<rest>.*)$",
        ", {n} חזרו לאחר הפסקה{rest}",
    ),
    (r"^no root causes$", "אין גורמי שורש"),
    (r"^no failing tests(?P<rest>.*)$", "אין טסטים נכשלים{rest}"),
    (
        r"^ \(compared with the last (?P<n>\d+) runs?, (?P<a>[\d-]+) \.\. (?P<b>[\d-]+)\)$",
        " (בהשוואה ל-{n} הריצות האחרונות, {a} .. {b})",
    ),
    (
        r"^no earlier runs to compare with$",
        "אין ריצות קודמות להשוואה",
    ),
    (r"^new$", "חדש"),
    (
        r"^recurring \((?:seen|failed) in (?P<n>\d+) of the last (?P<a>\d+) runs, first on (?P<b>[\d-]+)\)$",
        "חוזר (הופיע ב-{n} מתוך {a} הריצות האחרונות, לראשונה ב-{b})",
    ),
    (
        r"^recurring \((?:seen|failed) in the previous run, on (?P<b>[\d-]+)\)$",
        "חוזר (הופיע בריצה הקודמת, ב-{b})",
    ),
    (
        r"^regressed after (?P<n>\d+) passing runs? \(last (?:seen|failed) (?P<b>[\d-]+)\)$",
        "חזר לאחר {n} ריצות תקינות (הופיע לאחרונה ב-{b})",
    ),
];
