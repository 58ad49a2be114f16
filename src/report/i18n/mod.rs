//! Report languages: English and Hebrew. Fixed wording comes from [`Labels`]; the sentences
//! the analysis writes (verdicts, cross-checks, titles, symptoms) are translated clause by
//! clause with a table of English patterns and their Hebrew renderings, so that the analysis
//! stays one piece of English-producing code. Code, log lines, hosts and numbers are kept as
//! they are (left-to-right in an RTL page).

use regex::Regex;
use std::sync::LazyLock;

/// A report language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// English (default).
    #[default]
    En,
    /// Hebrew, right-to-left.
    He,
}

impl Lang {
    /// Parses `en` / `he`.
    pub fn parse(s: &str) -> Option<Lang> {
        match s {
            "en" => Some(Lang::En),
            "he" => Some(Lang::He),
            _ => None,
        }
    }

    /// The `lang` attribute value.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::He => "he",
        }
    }

    /// The `dir` attribute value.
    pub fn dir(self) -> &'static str {
        match self {
            Lang::En => "ltr",
            Lang::He => "rtl",
        }
    }
}

/// Fixed wording of the reports.
#[derive(Debug, Clone)]
pub struct Labels {
    pub summary: &'static str,
    pub history: &'static str,
    pub impact: &'static str,
    pub failing_tests: &'static str,
    pub root_causes: &'static str,
    pub recommendations: &'static str,
    pub timeline: &'static str,
    pub appendix: &'static str,
    pub tests_failed_of: &'static str,
    pub errors_word: &'static str,
    pub passed_word: &'static str,
    pub source: &'static str,
    pub confidence: &'static str,
    pub failed_tests_count: &'static str,
    pub contributes_to: &'static str,
    pub no_http_failure: &'static str,
    pub unexplained: &'static str,
    pub total: &'static str,
    pub passed: &'static str,
    pub failed: &'static str,
    pub errors: &'static str,
    pub skipped: &'static str,
    pub xfailed: &'static str,
    pub xpassed: &'static str,
    pub category: &'static str,
    pub events: &'static str,
    pub tests: &'static str,
    pub hosts: &'static str,
    pub test: &'static str,
    pub outcome: &'static str,
    pub categories: &'static str,
    pub symptom: &'static str,
    pub root_cause: &'static str,
    pub verdict: &'static str,
    pub symptom_lines: &'static str,
    pub events_word: &'static str,
    pub evidence: &'static str,
    pub counter_evidence: &'static str,
    pub cross_checks: &'static str,
    pub in_the_code: &'static str,
    pub failed_tests_label: &'static str,
    pub failed_tests_col: &'static str,
    pub none_as_main: &'static str,
    pub collateral: &'static str,
    pub code_changes: &'static str,
    pub infra_checks: &'static str,
    pub addresses: &'static str,
    pub before: &'static str,
    pub after: &'static str,
    pub check: &'static str,
    pub no_recommendation: &'static str,
    pub reprobe: &'static str,
    pub reprobe_intro: &'static str,
    pub probed: &'static str,
    pub verdict_word: &'static str,
    pub sent: &'static str,
    pub breaker: &'static str,
    pub knee: &'static str,
    pub outcomes: &'static str,
    pub no_timestamps: &'static str,
    pub first: &'static str,
    pub last: &'static str,
    pub busiest: &'static str,
    pub finding: &'static str,
    pub fingerprint: &'static str,
    pub first_lines: &'static str,
    pub findings_word: &'static str,
    pub warnings: &'static str,
    pub generated: &'static str,
    pub now: &'static str,
    pub next: &'static str,
    pub later: &'static str,
    pub setting: &'static str,
    pub this_run: &'static str,
    pub recommended: &'static str,
    pub reason: &'static str,
    pub config_parts: &'static str,
    pub checklist: &'static str,
    pub client_code: &'static str,
    pub platform_team: &'static str,
    pub priority: &'static str,
    pub timeline_chart: &'static str,
    pub baseline_run: &'static str,
    pub baseline_intro: &'static str,
    pub regressed_tests: &'static str,
    pub fixed_tests: &'static str,
    pub new_signatures: &'static str,
    pub vanished_signatures: &'static str,
    pub signature: &'static str,
    pub in_baseline_run: &'static str,
    pub in_this_run: &'static str,
    pub endpoint: &'static str,
    pub beyond_noise: &'static str,
    pub templates_only: &'static str,
    pub template: &'static str,
    pub lines_word: &'static str,
    pub and_more: &'static str,
    pub capacity: &'static str,
    pub capacity_how: &'static str,
    pub level: &'static str,
}

impl Labels {
    /// The labels of a language.
    pub fn of(lang: Lang) -> Labels {
        match lang {
            Lang::En => Labels {
                summary: "Summary",
                history: "History",
                impact: "Impact",
                failing_tests: "Failing tests",
                root_causes: "Root causes",
                recommendations: "Recommendations",
                timeline: "Timeline",
                appendix: "Appendix: evidence",
                tests_failed_of: "tests failed",
                errors_word: "error(s)",
                passed_word: "passed",
                source: "Source",
                confidence: "confidence",
                failed_tests_count: "failed test(s)",
                contributes_to: "contributes to",
                no_http_failure: "No HTTP-client failure was found in the log.",
                unexplained: "failed test(s) show no HTTP-client failure (assertions or test code).",
                total: "total",
                passed: "passed",
                failed: "failed",
                errors: "errors",
                skipped: "skipped",
                xfailed: "xfailed",
                xpassed: "xpassed",
                category: "category",
                events: "events",
                tests: "tests",
                hosts: "hosts",
                test: "test",
                outcome: "outcome",
                categories: "categories",
                symptom: "symptom",
                root_cause: "root cause",
                verdict: "Verdict",
                symptom_lines: "Symptom: representative lines",
                events_word: "event(s)",
                evidence: "Evidence",
                counter_evidence: "Counter-evidence",
                cross_checks: "Cross-checks",
                in_the_code: "In the code",
                failed_tests_label: "Failed tests",
                failed_tests_col: "failed tests",
                none_as_main: "none as main cause",
                collateral: "Outage windows (tests that failed together in one window are collateral of one outage, not independent failures)",
                code_changes: "Code changes",
                infra_checks: "Infrastructure checks",
                addresses: "addresses",
                before: "Before",
                after: "After",
                check: "Check",
                no_recommendation: "No change is supported by the evidence in this log.",
                reprobe: "Re-probe",
                reprobe_intro: "The servers named by the root causes, probed when this report was written (GET, capped, with a circuit breaker):",
                probed: "probed",
                verdict_word: "verdict",
                sent: "attempts",
                breaker: "breaker",
                knee: "capacity knee",
                capacity: "Capacity (from the log)",
                capacity_how: "derived from",
                level: "concurrency",
                outcomes: "outcomes",
                no_timestamps: "The log has no timestamps; events are ordered by line only.",
                first: "first",
                last: "last",
                busiest: "busiest second",
                finding: "finding",
                fingerprint: "fingerprint",
                first_lines: "first lines",
                findings_word: "finding(s)",
                warnings: "Warnings while reading",
                generated: "Generated by rca from the log alone; line numbers refer to the input file.",
                now: "now",
                next: "next",
                later: "later",
                setting: "setting",
                this_run: "this run (inferred)",
                recommended: "recommended",
                reason: "why",
                config_parts: "What the block answers",
                checklist: "Checklist",
                client_code: "Client code",
                platform_team: "Platform team",
                priority: "priority",
                timeline_chart: "events per category over time",
                baseline_run: "Baseline run",
                baseline_intro: "This run against a run of the same suite that passed (a baseline run, not the baseline tests of this run). Counts and durations change beyond noise when they move by at least 5 and by a factor of 1.5 (durations: 20 ms and 1.5×, with 5 timed requests on each side).",
                regressed_tests: "Regressed tests (passed in the baseline run)",
                fixed_tests: "Fixed tests (failed in the baseline run)",
                new_signatures: "Failure signatures new in this run",
                vanished_signatures: "Failure signatures that vanished",
                signature: "signature",
                in_baseline_run: "baseline run",
                in_this_run: "this run",
                endpoint: "endpoint",
                beyond_noise: "beyond noise",
                templates_only: "Log templates only in this run",
                template: "template",
                lines_word: "lines",
                and_more: "and more",
            },
            Lang::He => Labels {
                summary: "תקציר",
                history: "היסטוריה",
                impact: "השפעה",
                failing_tests: "טסטים שנכשלו",
                root_causes: "גורמי שורש",
                recommendations: "המלצות",
                timeline: "ציר זמן",
                appendix: "נספח: ראיות",
                tests_failed_of: "טסטים נכשלו",
                errors_word: "שגיאות",
                passed_word: "עברו",
                source: "מקור",
                confidence: "ודאות",
                failed_tests_count: "טסטים שנכשלו",
                contributes_to: "תורם לעוד",
                no_http_failure: "לא נמצא בלוג כשל של לקוח HTTP.",
                unexplained: "טסטים שנכשלו ללא כשל של לקוח HTTP (assertions או קוד הטסטים).",
                total: "סה\"כ",
                passed: "עברו",
                failed: "נכשלו",
                errors: "שגיאות",
                skipped: "דולגו",
                xfailed: "xfailed",
                xpassed: "xpassed",
                category: "קטגוריה",
                events: "אירועים",
                tests: "טסטים",
                hosts: "יעדים",
                test: "טסט",
                outcome: "תוצאה",
                categories: "קטגוריות",
                symptom: "סימפטום",
                root_cause: "גורם שורש",
                verdict: "הכרעה",
                symptom_lines: "סימפטום: שורות מייצגות",
                events_word: "אירועים",
                evidence: "ראיות",
                counter_evidence: "ראיות נגד",
                cross_checks: "בדיקות הצלבה",
                in_the_code: "בקוד",
                failed_tests_label: "טסטים שנכשלו",
                failed_tests_col: "טסטים שנכשלו",
                none_as_main: "אין טסט שזהו הגורם העיקרי לכישלונו",
                collateral: "חלונות תקלה (טסטים שנכשלו יחד באותו חלון הם נזק נלווה של תקלה אחת, לא כשלים בלתי תלויים)",
                code_changes: "שינויי קוד",
                infra_checks: "בדיקות תשתית",
                addresses: "מטפל ב-",
                before: "לפני",
                after: "אחרי",
                check: "בדיקה",
                no_recommendation: "הראיות בלוג זה אינן תומכות באף שינוי.",
                reprobe: "בדיקה חוזרת (re-probe)",
                reprobe_intro: "השרתים שגורמי השורש מצביעים עליהם, נבדקו שוב בזמן כתיבת הדוח (GET, במגבלת בקשות ועם circuit breaker):",
                probed: "נבדק",
                verdict_word: "מצב",
                sent: "ניסיונות",
                breaker: "breaker",
                knee: "נקודת שבירה",
                capacity: "קיבולת (מהלוג)",
                capacity_how: "נגזר מ",
                level: "מקביליות",
                outcomes: "תוצאות",
                no_timestamps: "אין בלוג חותמות זמן; האירועים מסודרים לפי מספר שורה בלבד.",
                first: "ראשון",
                last: "אחרון",
                busiest: "השנייה העמוסה ביותר",
                finding: "ממצא",
                fingerprint: "טביעת אצבע",
                first_lines: "שורות ראשונות",
                findings_word: "ממצאים",
                warnings: "אזהרות בקריאת הלוג",
                generated: "נוצר על ידי rca מתוך הלוג בלבד; מספרי השורות מתייחסים לקובץ הקלט.",
                now: "מיידי",
                next: "בהמשך",
                later: "בהמשך הדרך",
                setting: "הגדרה",
                this_run: "בריצה הזו (הוסק מהלוג)",
                recommended: "מומלץ",
                reason: "למה",
                config_parts: "על מה הבלוק עונה",
                checklist: "רשימת משימות",
                client_code: "קוד הלקוח",
                platform_team: "צוות הפלטפורמה",
                priority: "עדיפות",
                timeline_chart: "אירועים לפי קטגוריה לאורך זמן",
                baseline_run: "ריצת בסיס",
                baseline_intro: "הריצה הזו מול ריצה של אותה חבילת טסטים שעברה (ריצת בסיס, לא טסטי הבסיס של הריצה הזו). ספירות וזמנים משתנים מעבר לרעש כשהם זזים לפחות ב-5 ובפקטור 1.5 (זמנים: 20 ms ו-1.5×, עם 5 בקשות מתוזמנות בכל צד).",
                regressed_tests: "טסטים שנסוגו (עברו בריצת הבסיס)",
                fixed_tests: "טסטים שתוקנו (נכשלו בריצת הבסיס)",
                new_signatures: "חתימות כשל חדשות בריצה הזו",
                vanished_signatures: "חתימות כשל שנעלמו",
                signature: "חתימה",
                in_baseline_run: "ריצת הבסיס",
                in_this_run: "הריצה הזו",
                endpoint: "נקודת קצה",
                beyond_noise: "מעבר לרעש",
                templates_only: "תבניות לוג רק בריצה הזו",
                template: "תבנית",
                lines_word: "שורות",
                and_more: "ועוד",
            },
        }
    }
}

/// English clause patterns and their Hebrew renderings (`{name}` = named capture).
const HE: &[(&str, &str)] = &[
    // the run against a baseline run (`rca analyze --baseline`)
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
    // the run against its history (`rca analyze --history`)
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
    // the capacity estimate from the log's load levels (crate::capacity)
    (
        r"^the log's load levels: (?P<rest>.+) \((?P<conf>high|medium|low) confidence\)$",
        "רמות העומס בלוג: {rest} (ביטחון {conf})",
    ),
    (
        r"^errors start between concurrency (?P<a>\d+) and (?P<k>\d+): (?P<subj>.+) passed up to (?P<b>\d+) and failed from (?P<n>\d+)$",
        "השגיאות מתחילות בין מקביליות {a} ל-{k}: {subj} עברו עד {b} ונכשלו מ-{n}",
    ),
    (
        r"^errors first at concurrency (?P<k>\d+) but (?P<subj>.+) passed at (?P<n>\d+) above it: the knee is uncertain \(intermittent errors or another cause\)$",
        "שגיאות לראשונה במקביליות {k} אך {subj} עברו ב-{n} מעליה: נקודת השבירה אינה ודאית (שגיאות לסירוגין או סיבה אחרת)",
    ),
    (
        r"^latency climbs between concurrency (?P<a>\d+) and (?P<k>\d+): (?P<subj>.+) passed at every level but took (?P<n>\S+) times as long at (?P<b>\d+) as at (?P<m>\d+)$",
        "זמן התגובה מטפס בין מקביליות {a} ל-{k}: {subj} עברו בכל הרמות אך ארכו פי {n} ב-{b} מאשר ב-{m}",
    ),
    (
        r"^(?P<subj>.+) failed at concurrency (?P<k>\d+), the only level: the capacity is below (?P<n>\d+) or the server is down$",
        "{subj} נכשלו במקביליות {k}, הרמה היחידה: הקיבולת נמוכה מ-{n} או שהשרת למטה",
    ),
    (
        r"^every load level failed, the lowest at concurrency (?P<k>\d+): the capacity is below (?P<n>\d+) or the server is down$",
        "כל רמות העומס נכשלו, הנמוכה במקביליות {k}: הקיבולת נמוכה מ-{n} או שהשרת למטה",
    ),
    (
        r"^(?P<subj>.+) passed at concurrency (?P<k>\d+), the only level: no knee up to (?P<n>\d+)$",
        "{subj} עברו במקביליות {k}, הרמה היחידה: אין נקודת שבירה עד {n}",
    ),
    (
        r"^no knee up to concurrency (?P<k>\d+): every load level passed$",
        "אין נקודת שבירה עד מקביליות {k}: כל רמות העומס עברו",
    ),
    (
        r"^(?P<t>.+) kept up with the load levels up to (?P<a>\d+) and failed from (?P<k>\d+): overloaded, not down$",
        "{t} עמד ברמות העומס עד {a} ונכשל מ-{k}: עומס יתר, לא נפילה",
    ),
    (
        r"^the log's load levels passed up to (?P<a>\d+) and failed from (?P<k>\d+): a capacity limit, not an outage$",
        "רמות העומס בלוג עברו עד {a} ונכשלו מ-{k}: מגבלת קיבולת, לא נפילה",
    ),
    (
        r"^the parametrised levels of (?P<x>\S+) \((?P<l>[\d, …]+(?: \(\d+ levels\))?)\)$",
        "רמות הפרמטרים של {x} ({l})",
    ),
    (
        r#"^the load levels of (?P<n>\d+) test\(s\) \((?P<l>[\d, …]+(?: \(\d+ levels\))?)\), from their parameters and "N/N jobs" messages$"#,
        "רמות העומס של {n} טסטים ({l}), מהפרמטרים שלהם ומהודעות \"N/N jobs\"",
    ),
    (
        r"^the re-probe of (?P<u>\S+) fails from concurrency (?P<k>\d+), the log from (?P<n>\d+): agrees with the log$",
        "הבדיקה החוזרת של {u} נכשלת ממקביליות {k}, הלוג מ-{n}: תואם את הלוג",
    ),
    (
        r"^the re-probe of (?P<u>\S+) fails from concurrency (?P<k>\d+), the log from (?P<n>\d+): lower than the log shows: the server has less capacity now$",
        "הבדיקה החוזרת של {u} נכשלת ממקביליות {k}, הלוג מ-{n}: נמוך ממה שהלוג מראה: לשרת יש כעת פחות קיבולת",
    ),
    (
        r"^the re-probe of (?P<u>\S+) fails from concurrency (?P<k>\d+), the log from (?P<n>\d+): higher than the log shows: the run's failures were not only capacity$",
        "הבדיקה החוזרת של {u} נכשלת ממקביליות {k}, הלוג מ-{n}: גבוה ממה שהלוג מראה: הכשלים בריצה לא נבעו רק מקיבולת",
    ),
    (
        r"^the re-probe of (?P<u>\S+) kept up to concurrency (?P<k>\d+), the log failed from (?P<n>\d+): the server copes better now, or the run's load was not what the levels say$",
        "הבדיקה החוזרת של {u} עמדה בעומס עד מקביליות {k}, הלוג נכשל מ-{n}: השרת מתמודד טוב יותר כעת, או שהעומס בריצה לא היה כפי שהרמות אומרות",
    ),
    (
        r"^the re-probe of (?P<u>\S+) fails from concurrency (?P<k>\d+): the log shows no knee$",
        "הבדיקה החוזרת של {u} נכשלת ממקביליות {k}: בלוג אין נקודת שבירה",
    ),
    (
        r"^the re-probe of (?P<u>\S+) kept up to concurrency (?P<k>\d+): the log shows no knee either$",
        "הבדיקה החוזרת של {u} עמדה בעומס עד מקביליות {k}: גם בלוג אין נקודת שבירה",
    ),
    // root-cause titles
    (
        r"^(?P<t>.+) unreachable: (?P<c>[a-z_, ]+)$",
        "{t} אינו נגיש: {c}",
    ),
    (
        r"^(?P<t>.+) failed the TLS handshake: tls_error$",
        "{t} נכשל בלחיצת היד של TLS: tls_error",
    ),
    (
        r"^(?P<t>.+) answered HTTP (?P<s>\d{3})$",
        "{t} החזיר HTTP {s}",
    ),
    (
        r"^(?P<t>.+) answered error statuses$",
        "{t} החזיר קודי שגיאה",
    ),
    (
        r"^(?P<t>.+) slow or dropping connections: (?P<c>[a-z_, ]+)$",
        "{t} איטי או מנתק חיבורים: {c}",
    ),
    (
        r"^client connection pool for (?P<h>.+) too small \(size (?P<s>\d+)\)$",
        "ה-connection pool של הלקוח אל {h} קטן מדי (גודל {s})",
    ),
    (
        r"^client connection pool for (?P<h>.+) exhausted$",
        "ה-connection pool של הלקוח אל {h} מוצה",
    ),
    // verdict summaries
    (
        r"^(?P<t>.+) could not be reached even without load: server down, firewall or network$",
        "לא ניתן היה להגיע אל {t} גם ללא עומס: השרת למטה, חומת אש או רשת",
    ),
    (
        r"^(?P<t>.+) accepts single requests but stops accepting connections under load$",
        "{t} מקבל בקשות בודדות אך מפסיק לקבל חיבורים תחת עומס",
    ),
    (
        r"^(?P<t>.+) could not be reached$",
        "לא ניתן היה להגיע אל {t}",
    ),
    (
        r"^no baseline test tells down from overloaded$",
        "אין טסט baseline שמבדיל בין שרת למטה לשרת עמוס",
    ),
    (
        r"^(?P<t>.+) is up but refuses work with HTTP (?P<s>\d{3}): overloaded or an unhealthy upstream$",
        "{t} פעיל אך מסרב לעבודה עם HTTP {s}: עומס יתר או upstream לא תקין",
    ),
    (
        r"^(?P<t>.+) answered HTTP (?P<s>\d{3}): a server-side error$",
        "{t} החזיר HTTP {s}: שגיאה בצד השרת",
    ),
    (r"^its logs must say why$", "הלוגים שלו צריכים להסביר מדוע"),
    (
        r"^(?P<t>.+) rejected the requests with HTTP (?P<s>\d{3}): check what the tests send$",
        "{t} דחה את הבקשות עם HTTP {s}: יש לבדוק מה הטסטים שולחים",
    ),
    (
        r"^(?P<t>.+) accepted connections but answered too slowly or dropped them$",
        "{t} קיבל חיבורים אך ענה לאט מדי או ניתק אותם",
    ),
    (
        r"^the client opened more concurrent connections than its pool keeps$",
        "הלקוח פתח יותר חיבורים מקבילים ממה שה-pool שלו מחזיק",
    ),
    // evidence and counter-evidence
    (
        r"^(?P<n>\d+) event\(s\) in (?P<f>\d+) finding\(s\) \((?P<c>[a-z_, ]+)\), first at (?P<l>.*)$",
        "{n} אירועים ב-{f} ממצאים ({c}), הראשונים בשורות {l}",
    ),
    (
        r"^(?P<n>\d+) failed test\(s\) have this as their main failure$",
        "{n} טסטים שנכשלו, וזהו הכשל העיקרי שלהם",
    ),
    (
        r"^(?P<n>\d+) test\(s\) showed these events and still passed$",
        "{n} טסטים הראו אירועים אלה ובכל זאת עברו",
    ),
    (
        r"^(?P<t>.+) answered (?P<n>\d+) request\(s\) successfully (?P<scope>in the same window|during the run) \((?P<e>\d+) error response\(s\) in all\)$",
        "{t} ענה בהצלחה ל-{n} בקשות {scope} ({e} תשובות שגיאה בסך הכול)",
    ),
    (
        r"^(?P<t>.+) answered (?P<n>\d+) other request\(s\) while these failed: overloaded or flapping, not down$",
        "{t} ענה ל-{n} בקשות אחרות בזמן שאלה נכשלו: עומס יתר או חוסר יציבות, לא שרת למטה",
    ),
    (
        r"^(?P<n>\d+) test\(s\) passed in the same run$",
        "{n} טסטים עברו באותה ריצה",
    ),
    (
        r"^the single-request baseline failed too \((?P<b>.+)\): the target fails without load$",
        "גם טסט ה-baseline של בקשה בודדת נכשל ({b}): היעד נכשל גם ללא עומס",
    ),
    (
        r"^baseline test\(s\) passed: (?P<b>.+)$",
        "טסטי ה-baseline עברו: {b}",
    ),
    (
        r"^pool size (?P<s>\d+) is the urllib3/requests default: a session without explicit pool settings$",
        "pool בגודל {s} הוא ברירת המחדל של urllib3/requests: session ללא הגדרות pool מפורשות",
    ),
    // cross-check titles
    (
        r"^connection pool size vs concurrency$",
        "גודל ה-connection pool מול רמת המקביליות",
    ),
    (
        r"^request duration vs timeout x attempts$",
        "משך הבקשה מול timeout כפול מספר הניסיונות",
    ),
    (r"^retry amplification$", "הגברת עומס בגלל ניסיונות חוזרים"),
    (
        r"^single-request baseline vs load$",
        "טסט baseline של בקשה בודדת מול עומס",
    ),
    (r"^status retries$", "ניסיונות חוזרים על קודי סטטוס"),
    (
        r"^no single-request baseline test was found, so down cannot be told from overloaded$",
        "לא נמצא טסט baseline של בקשה בודדת, כך שאי אפשר להבדיל בין שרת למטה לשרת עמוס",
    ),
    (
        r"^baseline tests are found by the words baseline, single or smoke in their names \(or a concurrency of 1\)$",
        "טסטי baseline מזוהים לפי המילים baseline, single או smoke בשמם (או מקביליות 1)",
    ),
    (
        r"^--baseline-tests REGEX names them$",
        "--baseline-tests REGEX מגדיר אותם במפורש",
    ),
    (
        r"^baseline tests are the tests matching --baseline-tests '(?P<x>.*)'$",
        "טסטי ה-baseline הם הטסטים שתואמים את --baseline-tests '{x}'",
    ),
    // cross-check statements
    (
        r"^pool size (?P<s>\d+) < observed concurrency (?P<c>\d+): up to (?P<n>\d+) connections per burst are opened and then discarded \((?P<w>\d+) pool-full warnings\)$",
        "pool בגודל {s} קטן ממקביליות נצפית של {c}: עד {n} חיבורים בכל פרץ נפתחים ואז נזרקים ({w} אזהרות pool-full)",
    ),
    (
        r"^pool size (?P<s>\d+) >= observed concurrency (?P<c>\d+), yet (?P<w>\d+) pool-full warnings: another session shares the host$",
        "pool בגודל {s} אינו קטן ממקביליות נצפית של {c}, ובכל זאת {w} אזהרות pool-full: session נוסף משתמש באותו יעד",
    ),
    (r"^pool size (?P<s>\d+)$", "pool בגודל {s}"),
    (
        r"^(?P<w>\d+) pool-full warnings show more concurrent requests than that$",
        "{w} אזהרות pool-full מראות יותר בקשות מקבילות מזה",
    ),
    (
        r"^(?P<s>\d+) is the urllib3/requests default, so the session that logged this was built without pool settings even if the main client is tuned$",
        "{s} היא ברירת המחדל של urllib3/requests, כך שה-session שרשם זאת נבנה ללא הגדרות pool גם אם הלקוח הראשי מכוונן",
    ),
    (
        r"^a failed request took (?P<e>[\d.]+) s with a (?P<t>[\d.]+) s timeout: (?P<r>[\d.]+)x the timeout$",
        "בקשה שנכשלה נמשכה {e} שניות עם timeout של {t} שניות: פי {r} מה-timeout",
    ),
    (
        r"^the Retry settings allow (?P<n>\d+) attempts \((?P<b>[\d.]+) s of timeouts\), so (?P<o>[\d.]+) s went to backoff and overhead$",
        "הגדרות ה-Retry מאפשרות {n} ניסיונות ({b} שניות של timeouts), כך ש-{o} שניות הלכו ל-backoff ולתקורה",
    ),
    (
        r"^backoff observed between attempts$",
        "ה-backoff שנצפה בין ניסיונות",
    ),
    (
        r"^consecutive retries of one request were (?P<m>[\d.]+) s apart on average \((?P<n>\d+) pair\(s\), (?P<x>[\d.]+)-(?P<o>[\d.]+) s\)$",
        "ניסיונות חוזרים עוקבים של אותה בקשה היו במרחק {m} שניות בממוצע ({n} זוגות, {x}-{o} שניות)",
    ),
    (
        r"^with a (?P<t>[\d.]+) s timeout that leaves no visible backoff between attempts$",
        "עם timeout של {t} שניות לא נשאר backoff נראה בין הניסיונות",
    ),
    (
        r"^with a (?P<t>[\d.]+) s timeout that leaves about (?P<b>[\d.]+) s of backoff per retry$",
        "עם timeout של {t} שניות נשארות כ-{b} שניות של backoff לכל ניסיון חוזר",
    ),
    (
        r"^the log's timestamps have 1 s resolution$",
        "חותמות הזמן בלוג ברזולוציה של שנייה אחת",
    ),
    (
        r"^retries stacked on top of the timeout$",
        "ניסיונות חוזרים נערמו מעל ה-timeout",
    ),
    (
        r"^the (?P<c>[a-z/]+) retry counter ran out$",
        "מונה הניסיונות {c} מוצה",
    ),
    (
        r"^(?P<r>\d+) retry attempt\(s\) for (?P<f>\d+) failed request\(s\): (?P<p>[\d.]+) attempts per failed request against (?P<t>.+?)(?: \(Retry allowed (?P<n>\d+)\))?$",
        "{r} ניסיונות חוזרים עבור {f} בקשות שנכשלו: {p} ניסיונות לכל בקשה שנכשלה מול {t} (Retry מאפשר {n})",
    ),
    (
        r"^POST requests were among those retried \(not idempotent: a retry may create a second job\)$",
        "בקשות POST היו בין אלה שנשלחו שוב (לא אידמפוטנטיות: ניסיון חוזר עלול ליצור job שני)",
    ),
    (
        r"^the baseline \((?P<b>.+)\) did not hit this, (?P<n>\d+) test\(s\) under load did: overloaded, not down$",
        "טסט ה-baseline ({b}) לא נתקל בזה, {n} טסטים תחת עומס כן: עומס יתר, לא שרת למטה",
    ),
    (
        r"^the baseline failed as well \((?P<b>.+)\) besides (?P<n>\d+) test\(s\) under load: down or unreachable, not just overloaded$",
        "גם טסט ה-baseline נכשל ({b}) מלבד {n} טסטים תחת עומס: השרת למטה או לא נגיש, לא רק עמוס",
    ),
    (
        r"^(?P<n>\d+) final failure\(s\) against (?P<t>.+) after repeated HTTP (?P<s>\d{3}) answers: every retry reached the server and was refused again$",
        "{n} כשלים סופיים מול {t} אחרי תשובות HTTP {s} חוזרות: כל ניסיון חוזר הגיע לשרת ונדחה שוב",
    ),
    (
        r"^POST was retried on status \((?P<e>.+)\): the server saw every attempt, so a retry can repeat a side effect$",
        "POST נשלח שוב בגלל קוד סטטוס ({e}): השרת ראה כל ניסיון, כך שניסיון חוזר עלול לחזור על תופעת לוואי",
    ),
    // the client configuration's reasons per setting (src/client_config.rs)
    (
        r#"^"Connection pool size: (?P<s>\d+)" \(L(?P<l>\d+)\): (?P<n>\d+) connections for up to (?P<c>\d+) concurrent requests, so up to (?P<w>\d+) per burst are opened and discarded$"#,
        "\"Connection pool size: {s}\" (שורה {l}): {n} חיבורים לעד {c} בקשות מקבילות, כך שעד {w} חיבורים בכל פרץ נפתחים ונזרקים",
    ),
    (
        r#"^"Connection pool size: (?P<s>\d+)" \(L(?P<l>\d+)\): pool-full warnings at this size$"#,
        "\"Connection pool size: {s}\" (שורה {l}): אזהרות pool-full בגודל הזה",
    ),
    (
        r"^no pool-full warning, sized for the (?P<c>\d+) concurrent requests the tests run$",
        "אין אזהרות pool-full; בגודל של {c} הבקשות המקבילות שהטסטים מריצים",
    ),
    (
        r"^no pool evidence in this run: the requests default, kept explicit$",
        "אין בריצה ראיות על ה-pool: ברירת המחדל של requests, במפורש",
    ),
    (
        r"^wait for a free connection instead of opening one the pool will throw away$",
        "להמתין לחיבור פנוי במקום לפתוח חיבור שה-pool יזרוק",
    ),
    (
        r"^the first Retrying line of a request shows total=(?P<n>\d+) \(L(?P<l>\d+)\): the run's total kept$",
        "שורת ה-Retrying הראשונה של בקשה מראה total={n} (שורה {l}): ה-total של הריצה נשמר",
    ),
    (
        r"^connect and status errors counted on their own, fewer read retries \(a read timeout may have been executed\)$",
        "שגיאות התחברות וקודי סטטוס נספרים בנפרד, פחות ניסיונות חוזרים על קריאה (בקשה שה-read timeout שלה פג אולי כבר בוצעה)",
    ),
    (
        r"^no Retrying line in the log: a bounded default$",
        "אין בלוג שורת Retrying: ברירת מחדל מוגבלת",
    ),
    (
        r"^retries of one request were (?P<m>[\d.]+) s apart with a (?P<o>[\d.]+) s timeout: about (?P<b>[\d.]+) s of backoff per retry, from 1 s timestamps, so backoff_factor was about (?P<f>[\d.]+): retries came back before an overloaded server recovered$",
        "ניסיונות חוזרים של אותה בקשה היו במרחק {m} שניות עם timeout של {o} שניות: כ-{b} שניות backoff לכל ניסיון (מחותמות זמן של שנייה), כלומר backoff_factor של כ-{f}: הניסיונות חזרו לפני ששרת עמוס התאושש",
    ),
    (
        r"^retries of one request were (?P<m>[\d.]+) s apart with a (?P<o>[\d.]+) s timeout: about (?P<b>[\d.]+) s of backoff per retry, so backoff_factor was about (?P<f>[\d.]+): retries came back before an overloaded server recovered$",
        "ניסיונות חוזרים של אותה בקשה היו במרחק {m} שניות עם timeout של {o} שניות: כ-{b} שניות backoff לכל ניסיון, כלומר backoff_factor של כ-{f}: הניסיונות חזרו לפני ששרת עמוס התאושש",
    ),
    (
        r"^urllib3 slept at most (?P<a>[\d.]+) s before a retry \(DEBUG lines\) over (?P<n>\d+) retries, so backoff_factor was about (?P<f>[\d.]+): retries came back before an overloaded server recovered$",
        "urllib3 המתין לכל היותר {a} שניות לפני ניסיון חוזר (שורות DEBUG) לאורך {n} ניסיונות, כלומר backoff_factor של כ-{f}: הניסיונות חזרו לפני ששרת עמוס התאושש",
    ),
    (
        r"^(?P<f>[\d.]+) waits 0, (?P<a>[\d.]+), (?P<b>[\d.]+) s$",
        "{f} ממתין 0, {a}, {b} שניות",
    ),
    (
        r"^the log shows no measurable wait between retries$",
        "הלוג לא מראה המתנה מדידה בין ניסיונות חוזרים",
    ),
    (
        r"^spread the retries of parallel workers so they do not return in lockstep \(urllib3 >= 2, drop on 1\.26\)$",
        "לפזר את הניסיונות החוזרים של workers מקבילים כדי שלא יחזרו יחד (urllib3 >= 2, להסיר ב-1.26)",
    ),
    (
        r#"^retry only statuses that mean "come back later", when the server says$"#,
        "לנסות שוב רק על קודים שפירושם \"חזור מאוחר יותר\", כשהשרת אומר מתי",
    ),
    (
        r"^status retries ran out on 429/503 without waiting as long as the server may have asked$",
        "הניסיונות החוזרים על 429/503 מוצו בלי להמתין כפי שהשרת אולי ביקש",
    ),
    (
        r"^read and status retries only for idempotent methods$",
        "ניסיונות חוזרים על קריאה וקודי סטטוס רק למתודות אידמפוטנטיות",
    ),
    (
        r"^connect errors are still retried for every method$",
        "שגיאות התחברות עדיין נשלחות שוב בכל מתודה",
    ),
    (
        r"^POST was retried after the server had seen it: a retry can repeat a side effect$",
        "POST נשלח שוב אחרי שהשרת כבר ראה אותו: ניסיון חוזר עלול לחזור על תופעת לוואי",
    ),
    (
        r"^connect errors are still retried \(the server never saw those\)$",
        "שגיאות התחברות עדיין נשלחות שוב (השרת לא ראה אותן)",
    ),
    (
        r"^(?P<k>connect|read) timeout=(?P<o>[\d.]+) \(L(?P<l>\d+)\): kept$",
        "{k} timeout={o} (שורה {l}): נשמר",
    ),
    (
        r"^connect timeout=(?P<o>[\d.]+) \(L(?P<l>\d+)\): each unreachable attempt cost (?P<a>[\d.]+) s, (?P<b>[\d.]+) s is plenty on a LAN$",
        "connect timeout={o} (שורה {l}): כל ניסיון ליעד לא נגיש עלה {a} שניות, {b} שניות מספיקות ברשת מקומית",
    ),
    (
        r"^connect timeout not in the log: a short default$",
        "ה-connect timeout לא מופיע בלוג: ברירת מחדל קצרה",
    ),
    (
        r"^read timeout not in the log: set it above the slowest expected answer$",
        "ה-read timeout לא מופיע בלוג: לקבוע אותו מעל התשובה האיטית ביותר הצפויה",
    ),
    (
        r"^a timeout on every call, never none$",
        "timeout בכל קריאה, אף פעם לא בלי",
    ),
    // Retry-After
    (
        r"^Retry-After on status retries$",
        "Retry-After בניסיונות חוזרים על קוד סטטוס",
    ),
    (
        r"^the slowest request that ran out of retries on HTTP (?P<s>\d{3}) took (?P<e>[\d.]+) s in total with (?P<n>\d+) attempt\(s\)$",
        "הבקשה האיטית ביותר שמיצתה את הניסיונות החוזרים על HTTP {s} נמשכה {e} שניות בסך הכול, ב-{n} ניסיונות",
    ),
    (
        r"^the slowest request that ran out of retries on HTTP (?P<s>\d{3}) took (?P<e>[\d.]+) s in total$",
        "הבקשה האיטית ביותר שמיצתה את הניסיונות החוזרים על HTTP {s} נמשכה {e} שניות בסך הכול",
    ),
    (
        r"^the server asked to wait (?P<w>[\d.]+) s \(Retry-After, L(?P<l>\d+)\)$",
        "השרת ביקש להמתין {w} שניות (Retry-After, שורה {l})",
    ),
    (
        r"^honouring it takes at least (?P<n>[\d.]+) s, so Retry-After was not honoured$",
        "כיבוד הבקשה דורש לפחות {n} שניות, כלומר ה-Retry-After לא כובד",
    ),
    (
        r"^consistent with Retry-After being honoured$",
        "תואם לכיבוד ה-Retry-After",
    ),
    (
        r"^the client waited at most (?P<w>[\d.]+) s between attempts, so a Retry-After longer than that was not honoured$",
        "הלקוח המתין לכל היותר {w} שניות בין ניסיונות, כך ש-Retry-After ארוך מזה לא כובד",
    ),
    (
        r"^the log does not show whether the server sent one$",
        "הלוג לא מראה אם השרת שלח כזה",
    ),
    (
        r"^the log does not show how long the requests that ran out of retries on HTTP (?P<s>\d{3}) took$",
        "הלוג לא מראה כמה זמן נמשכו הבקשות שמיצו את הניסיונות החוזרים על HTTP {s}",
    ),
    // re-probe (rca analyze --probe)
    (
        r"^re-probe now: (?P<u>\S+) is still down \((?P<n>\d+) attempt\(s\), (?P<m>.+)\): a persistent outage, not a passing blip$",
        "בדיקה חוזרת עכשיו: {u} עדיין למטה ({n} ניסיונות, {m}): תקלה מתמשכת, לא תקלה חולפת",
    ),
    (
        r"^re-probe now: (?P<u>\S+) answers single requests but fails from concurrency (?P<n>\d+) \((?P<m>.+)\)$",
        "בדיקה חוזרת עכשיו: {u} עונה לבקשות בודדות אך נכשל החל ממקביליות {n} ({m})",
    ),
    (
        r"^the run drove (?P<n>\d+) concurrent requests, past that knee: load-related$",
        "הריצה הפעילה {n} בקשות מקבילות, מעבר לנקודת השבירה: הכשל קשור לעומס",
    ),
    (
        r"^the run drove (?P<n>\d+) concurrent requests, below that knee$",
        "הריצה הפעילה {n} בקשות מקבילות, מתחת לנקודת השבירה",
    ),
    (
        r"^re-probe now: (?P<u>\S+) is healthy \((?P<a>\d+) of (?P<s>\d+) answered, p50 (?P<p>\d+) ms\): the run's failures were transient or load-related$",
        "בדיקה חוזרת עכשיו: {u} תקין ({a} מתוך {s} נענו, p50 {p} ms): הכשלים בריצה היו חולפים או קשורים לעומס",
    ),
    (
        r"^re-probe now: (?P<u>\S+) is healthy \((?P<a>\d+) of (?P<s>\d+) answered\): the run's failures were transient or load-related$",
        "בדיקה חוזרת עכשיו: {u} תקין ({a} מתוך {s} נענו): הכשלים בריצה היו חולפים או קשורים לעומס",
    ),
    (
        r"^no ramp was run to test load \(--ramp\)$",
        "לא הורץ ramp לבדיקת עומס (--ramp)",
    ),
    (
        r"^but at most (?P<n>\d+) request\(s\) were on the wire at once: the ramp was capped below its steps$",
        "אך לכל היותר {n} בקשות היו בדרך בו-זמנית: הרמפה הוגבלה מתחת לשלביה",
    ),
    (
        r"^re-probe now: (?P<u>\S+) answered 404 to every health request: the server is up, its health unknown \(set --health-path\)$",
        "בדיקה חוזרת עכשיו: {u} החזיר 404 לכל בקשות הבריאות: השרת פעיל אך מצבו לא ידוע (יש להגדיר --health-path)",
    ),
    (
        r"^it kept up at every ramp step up to concurrency (?P<n>\d+)$",
        "השרת עמד בכל שלבי ה-ramp עד מקביליות {n}",
    ),
    (
        r"^re-probe now: (?P<u>\S+) is degraded \((?P<a>\d+) of (?P<s>\d+) answered, failures: (?P<m>.+)\)$",
        "בדיקה חוזרת עכשיו: {u} במצב ירוד ({a} מתוך {s} נענו, כשלים: {m})",
    ),
    // urllib3 DEBUG sleeps
    (
        r"^urllib3 slept (?P<a>[\d.]+)-(?P<b>[\d.]+) s before each of (?P<n>\d+) status retr\(ies\) on HTTP (?P<s>\d{3}) \(between its DEBUG 'Incremented Retry' and 'Retry:' lines\)$",
        "urllib3 המתין {a}-{b} שניות לפני כל אחד מ-{n} הניסיונות החוזרים על HTTP {s} (בין שורות ה-DEBUG 'Incremented Retry' ו-'Retry:')",
    ),
    (
        r"^urllib3 slept (?P<a>[\d.]+)-(?P<b>[\d.]+) s \(mean (?P<m>[\d.]+) s\) before each of (?P<n>\d+) retr\(ies\) after a connection error \(between its DEBUG 'Incremented Retry' and 'Retrying' lines\)$",
        "urllib3 המתין {a}-{b} שניות (ממוצע {m}) לפני כל אחד מ-{n} הניסיונות החוזרים אחרי שגיאת חיבור (בין שורות ה-DEBUG 'Incremented Retry' ו-'Retrying')",
    ),
    (
        r"^shorter sleeps mean Retry-After was not honoured$",
        "המתנות קצרות יותר פירושן שה-Retry-After לא כובד",
    ),
    (
        r"^no wait before retrying: a Retry-After, if the server sent one, was not honoured$",
        "אין המתנה לפני ניסיון חוזר: Retry-After, אם השרת שלח כזה, לא כובד",
    ),
    (
        r"^the log does not show the header, so this is the server's Retry-After or the client's backoff$",
        "הלוג לא מראה את הכותרת, כך שזה ה-Retry-After של השרת או ה-backoff של הלקוח",
    ),
    // outage windows
    (
        r"^(?P<a>[\d-]+ [\d:]+) – (?P<b>[\d-]+ [\d:]+) UTC: (?P<n>\d+) failed tests within (?P<d>\d+) s$",
        "{a} – {b} UTC: {n} טסטים נכשלו בתוך {d} שניות",
    ),
    (
        r"^no successful response from the target in that time$",
        "אף תשובה מוצלחת מהשרת בזמן הזה",
    ),
    (
        r"^the target answered (?P<n>\d+) request\(s\) successfully in that time$",
        "השרת ענה בהצלחה ל-{n} בקשות בזמן הזה",
    ),
    (
        r"^(?P<t>\S+) connection failures although it answered other requests: (?P<c>.+)$",
        "{t}: כשלי התחברות אף שהשרת ענה לבקשות אחרות: {c}",
    ),
    (
        r"^connections to (?P<t>\S+) failed \((?P<c>[^)]+)\) although it answered other requests in this run \(error statuses or slow answers\): a scheme, TLS or port mismatch on these requests, or an intermittent network fault, not a server that is down$",
        "החיבורים ל-{t} נכשלו ({c}) אף שהשרת ענה לבקשות אחרות בריצה הזו (סטטוסי שגיאה או תשובות איטיות): אי-התאמה של scheme, TLS או port בבקשות האלה, או תקלת רשת לסירוגין, לא שרת שנפל",
    ),
    (
        r"^(?P<t>\S+) gives no HTTP answer now \((?P<m>[^)]*)\): down now, an outage still going on$",
        "{t} לא מחזיר עכשיו שום תשובת HTTP ({m}): השרת למטה עכשיו, התקלה נמשכת",
    ),
    (
        r"^healthy now \(re-probe\): the run's failures were transient or load-related$",
        "תקין עכשיו (בדיקה חוזרת): הכשלים בריצה היו חולפים או קשורים לעומס",
    ),
    (
        r"^still failing now \(re-probe: (?P<m>[^)]*)\)$",
        "עדיין נכשל עכשיו (בדיקה חוזרת: {m})",
    ),
    (
        r"^degraded now \(re-probe: (?P<m>[^)]*)\)$",
        "פגום חלקית עכשיו (בדיקה חוזרת: {m})",
    ),
    (r"^Run: (?P<d>.+) UTC$", "ריצה: {d} UTC"),
    (
        r"^servers named in the log: (?P<s>.+)$",
        "שרתים שהלוג מזכיר: {s}",
    ),
    (r"^rca (?P<v>[0-9][0-9.]*)$", "rca {v}"),
    // headline
    (
        r"^(?P<f>\d+) of (?P<t>\d+) tests failed -> (?P<r>\d+) root causes?(?P<rest>.*)$",
        "{f} מתוך {t} טסטים נכשלו ← {r} גורמי שורש{rest}",
    ),
    (
        r"^(?P<a>\d+) \(\+(?P<n>\d+) without a time\)$",
        "{a} (+{n} ללא זמן)",
    ),
    (
        r"^ \(\+(?P<n>\d+) contributing\)(?P<rest>.*)$",
        " (+{n} תורמים){rest}",
    ),
    (
        r"^ \(\+(?P<n>\d+) failure\(s\) without an HTTP-client cause\)$",
        " (+{n} כשלים ללא גורם של לקוח HTTP)",
    ),
    (
        r"^no test results in the input -> (?P<r>\d+) root causes? from (?P<n>\d+) event\(s\)$",
        "אין תוצאות טסטים בקלט ← {r} גורמי שורש מתוך {n} אירועים",
    ),
    // symptoms (one-line phrases)
    (r"^Connect timed out(?P<rest>.*)$", "תם הזמן להתחברות{rest}"),
    (r"^Read timed out(?P<rest>.*)$", "תם הזמן לקריאה{rest}"),
    (
        r"^Connection pool full(?P<rest>.*)$",
        "ה-connection pool מלא{rest}",
    ),
    (
        r"^Connection pool exhausted(?P<rest>.*)$",
        "ה-connection pool מוצה{rest}",
    ),
    (
        r"^Retries exhausted on HTTP (?P<s>\d{3})(?P<rest>.*)$",
        "הניסיונות החוזרים מוצו על HTTP {s}{rest}",
    ),
    (
        r"^Retries exhausted after (?P<c>[a-z ]+?)(?P<rest>(?: on | to | ×).*)?$",
        "הניסיונות החוזרים מוצו אחרי {c}{rest}",
    ),
    (
        r"^Retries exhausted(?P<rest>.*)$",
        "הניסיונות החוזרים מוצו{rest}",
    ),
    (r"^Connection refused(?P<rest>.*)$", "החיבור נדחה{rest}"),
    (
        r"^Connection reset by peer(?P<rest>.*)$",
        "החיבור נותק על ידי הצד השני{rest}",
    ),
    (
        r"^Name resolution failed(?P<rest>.*)$",
        "תרגום השם נכשל{rest}",
    ),
    (r"^TLS error(?P<rest>.*)$", "שגיאת TLS{rest}"),
    (
        r"^HTTP error status(?P<rest>.*)$",
        "קוד שגיאה של HTTP{rest}",
    ),
    (
        r"^Request deadline hit after (?P<x>[\d.]+) s(?P<rest>.*)$",
        "חריגה ממגבלת הזמן של הבקשה אחרי {x} שניות{rest}",
    ),
    (
        r"^Request deadline hit(?P<rest>.*)$",
        "חריגה ממגבלת הזמן של הבקשה{rest}",
    ),
    // `--source DIR`: why a place in the code is linked to a root cause
    (
        r"^requests\.Session\(\) with no adapter mounted: requests' default pool of (?P<n>\d+), the pool size the pool-full warning shows$",
        "requests.Session() בלי adapter מותקן: ה-pool של ברירת המחדל של requests בגודל {n}, גודל ה-pool שמופיע באזהרת pool-full",
    ),
    (
        r"^(?P<c>(?:HTTPAdapter pool_maxsize|urllib3 pool maxsize)=\S+): the pool size the pool-full warning shows$",
        "{c}: גודל ה-pool שמופיע באזהרת pool-full",
    ),
    (
        r"^(?P<c>(?:HTTPAdapter pool_maxsize|urllib3 pool maxsize)=\S+): not the pool of (?P<s>[\d, ]+) the warning shows, so the warning comes from another session$",
        "{c}: לא ה-pool בגודל {s} שמופיע באזהרה, ולכן האזהרה באה מ-session אחר",
    ),
    (
        r"^(?P<c>(?:HTTPAdapter pool_maxsize|urllib3 pool maxsize)=\S+): with block=True a request waits for a free connection$",
        "{c}: עם block=True בקשה ממתינה לחיבור פנוי",
    ),
    (
        r"^(?P<c>(?:HTTPAdapter pool_maxsize|urllib3 pool maxsize)=\S+): the pool size it sets$",
        "{c}: גודל ה-pool שהוא קובע",
    ),
    (
        r"^HTTPAdapter max_retries=(?P<n>\d+): Retry\(total=\d+\) with no backoff$",
        "HTTPAdapter max_retries={n}: Retry(total={n}) ללא backoff",
    ),
    (
        r"^httpx transport retries=(?P<n>\S+): connect errors only, no backoff$",
        "httpx transport retries={n}: שגיאות התחברות בלבד, ללא backoff",
    ),
    (r"^(?P<c>Retry\(.*\))$", "{c}"),
    (
        r"^allows (?P<n>\d+) attempts per request$",
        "מאפשר {n} ניסיונות לכל בקשה",
    ),
    (
        r"^allowed_methods=None retries every method, POST included$",
        "allowed_methods=None חוזר על כל method, כולל POST",
    ),
    (
        r"^backoff_factor=(?P<f>[\d.]+): urllib3 sleeps (?P<a>[\d., ]+) s between attempts$",
        "backoff_factor={f}: urllib3 ממתין {a} שניות בין ניסיונות",
    ),
    (
        r"^(?P<x>[\d.]+) s per retry on average, to compare with the measured backoff$",
        "{x} שניות בממוצע לכל ניסיון חוזר, להשוואה עם ה-backoff שנמדד",
    ),
    (
        r"^a caller may pass other values$",
        "קוד שקורא לפונקציה עשוי להעביר ערכים אחרים",
    ),
    (
        r"^(?P<c>[\w.*]+=.*): not the (?P<x>[\d.]+) s timeout the log shows$",
        "{c}: לא ה-timeout של {x} שניות שמופיע בלוג",
    ),
    (
        r"^(?P<c>[\w.*]+=.*): the (?P<x>[\d.]+) s timeout the log shows$",
        "{c}: ה-timeout של {x} שניות שמופיע בלוג",
    ),
    (
        r"^(?P<c>[\w.*]+=.*): the timeout this call sets$",
        "{c}: ה-timeout שהקריאה הזו קובעת",
    ),
    (
        r"^(?P<c>ThreadPoolExecutor max_workers=.+): up to (?P<n>\d+) requests in flight$",
        "{c}: עד {n} בקשות במקביל",
    ),
    (
        r"^(?P<c>ThreadPoolExecutor max_workers=.+): the threads it runs$",
        "{c}: מספר ה-threads שהוא מריץ",
    ),
    (r"^observed concurrency (?P<n>\d+)$", "מקביליות שנצפתה: {n}"),
    (
        r"^the log lines of this cause come from logger (?P<m>\S+)$",
        "שורות הלוג של גורם זה באות מה-logger {m}",
    ),
    (
        r"^no semaphore or rate limiter anywhere in the scanned code$",
        "אין semaphore או rate limiter בשום מקום בקוד שנסרק",
    ),
    (
        r"^no health check: no name or string in this conftest\.py mentions health$",
        "אין בדיקת health: אף שם או מחרוזת ב-conftest.py הזה אינם מזכירים health",
    ),
];

static HE_TABLE: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    HE.iter()
        .map(|(p, t)| (Regex::new(p).expect("i18n pattern"), *t))
        .collect()
});

/// Words inside captured arguments that are English prose, not data.
fn he_words(arg: &str) -> String {
    arg.replace("the tests with a load level", "הטסטים עם רמת עומס")
        .replace("unknown target", "יעד לא ידוע")
        .replace("the target", "היעד")
        .replace("the server", "השרת")
        .replace(" on ", " ב-")
        .replace(" to ", " אל ")
        .replace("in the same window", "באותו חלון זמן")
        .replace("during the run", "במהלך הריצה")
}

/// One clause in Hebrew, or `None` when no pattern knows it.
fn clause_he(clause: &str) -> Option<String> {
    for (re, template) in HE_TABLE.iter() {
        if let Some(c) = re.captures(clause) {
            let mut out = template.to_string();
            for name in re.capture_names().flatten() {
                let value = c.name(name).map_or("", |m| m.as_str());
                let value = match name {
                    "rest" => clause_he(value).unwrap_or_else(|| he_words(value)),
                    "conf" => word(Lang::He, value),
                    "c" | "l" | "e" | "s" | "n" | "w" | "p" | "r" | "f" | "x" | "o" | "b" | "u"
                    | "m" | "a" | "k" => value.to_string(),
                    _ => he_words(value),
                };
                out = out.replace(&format!("{{{name}}}"), &value);
            }
            // An optional group that did not match leaves "(Retry מאפשר )": drop it.
            return Some(out.replace(" (Retry מאפשר )", ""));
        }
    }
    None
}

/// Translates a sentence the analysis wrote; clauses are separated by `; `.
pub fn translate(lang: Lang, text: &str) -> String {
    match lang {
        Lang::En => text.to_string(),
        Lang::He => text
            .split("; ")
            .map(|c| clause_he(c).unwrap_or_else(|| c.to_string()))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// True when [`translate`] knows every clause of `text` (used by tests).
pub fn fully_translated(text: &str) -> bool {
    text.split("; ").all(|c| clause_he(c).is_some())
}

/// Hebrew names of verdict loci and confidences; other words pass through.
pub fn word(lang: Lang, w: &str) -> String {
    if lang == Lang::En {
        return w.to_string();
    }
    match w {
        "infrastructure" => "תשתית",
        "server capacity" => "קיבולת השרת",
        "client code" => "קוד הלקוח",
        "test code" => "קוד הטסטים",
        "unknown" => "לא ידוע",
        "high" => "גבוהה",
        "medium" => "בינונית",
        "low" => "נמוכה",
        "failed" => "נכשל",
        "healthy" => "תקין",
        "degraded" => "ירוד",
        "down" => "למטה",
        "error" => "שגיאה",
        "opened" => "נפתח",
        "closed" => "סגור",
        other => other,
    }
    .to_string()
}

#[cfg(test)]
mod history_tests {
    use super::*;

    #[test]
    fn history_sentences_have_hebrew_renderings() {
        for s in [
            "2 of 3 root causes are new, 1 recurring; 1 of 1 failing test is new, 2 regressed \
             (compared with the last 2 runs, 1970-01-02 .. 1970-01-04)",
            "no root causes; no failing tests (compared with the last 1 run, 1970-01-02 .. 1970-01-02)",
            "no earlier runs to compare with",
            "new",
            "recurring (seen in 5 of the last 12 runs, first on 2026-10-25)",
            "recurring (failed in the previous run, on 2026-10-25)",
            "regressed after 1 passing run (last failed 2026-11-01)",
        ] {
            assert!(fully_translated(s), "{s}");
            assert!(!translate(Lang::He, s).contains("recurring"), "{s}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_translate_with_their_numbers() {
        let t = translate(
            Lang::He,
            "pool size 10 < observed concurrency 50: up to 40 connections per burst are opened and then discarded (113 pool-full warnings); 10 is the urllib3/requests default, so the session that logged this was built without pool settings even if the main client is tuned",
        );
        assert!(t.contains("pool בגודל 10 קטן ממקביליות נצפית של 50"), "{t}");
        assert!(t.contains("113"));
        assert!(!t.contains("pool size"), "{t}");
        let t = translate(
            Lang::He,
            "282 retry attempt(s) for 94 failed request(s): 4.0 attempts per failed request against 127.0.0.1:5 (Retry allowed 4)",
        );
        assert!(
            t.contains("Retry מאפשר 4") && t.contains("127.0.0.1:5"),
            "{t}"
        );
        let t = translate(
            Lang::He,
            "3 retry attempt(s) for 1 failed request(s): 4.0 attempts per failed request against h",
        );
        assert!(!t.contains("מאפשר"), "{t}");
        assert_eq!(translate(Lang::En, "x; y"), "x; y");
        assert_eq!(
            translate(Lang::He, "18 of 41 tests failed -> 3 root causes"),
            "18 מתוך 41 טסטים נכשלו ← 3 גורמי שורש"
        );
        assert!(
            translate(Lang::He, "Read timed out (5 s) on GET /status ×3")
                .starts_with("תם הזמן לקריאה (5 s) ב-GET /status ×3")
        );
    }
}
