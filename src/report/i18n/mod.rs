//! Report languages: English and Hebrew. Fixed wording comes from [`Labels`]; the sentences
//! the analysis writes (verdicts, cross-checks, titles, symptoms) are translated clause by
//! clause with a table of English patterns and their Hebrew renderings, so that the analysis
//! stays one piece of English-producing code. Code, log lines, hosts and numbers are kept as
//! they are (left-to-right in an RTL page).
//!
//! This module owns the language switch and the translation engine (clause matching, the
//! substitution of captures, [`word`]); the wording is data in `labels/` (per language) and
//! `sentences/` (per family of sentences). It decides nothing that is said: every sentence and
//! number comes from the analysis, and escaping is the printers' ([`crate::report::safe`]).

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

mod labels;
mod sentences;

pub use labels::Labels;

/// The clause patterns of every family, compiled once, in the order they are tried.
static HE_TABLE: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    sentences::FAMILIES
        .iter()
        .flat_map(|family| family.iter())
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
