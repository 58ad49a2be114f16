//! The Recommendations and Checklist sections of the report view: code changes and
//! infrastructure checks (the settings entries folded into the client configuration, whose
//! table says what each line answers) and the closing checklist by owner.
//!
//! It does not choose recommendations: the catalogue and its triggers are
//! [`crate::diagnose::recommend`], the checklist [`crate::diagnose::checklist`]; here they are localised and
//! escaped.

use crate::diagnose::recommend::Recommendation;
use crate::report::Report;
use crate::report::i18n::{Labels, Lang, translate};
use crate::report::markdown::fence;
use crate::report::safe::Escaper;

/// One setting of the consolidated client configuration.
pub struct SettingRow {
    pub name: String,
    pub before: String,
    pub after: String,
    pub reason: String,
    pub causes: String,
}

/// A recommendation folded into the client configuration: its title and explanation.
pub struct PartNote {
    pub title: String,
    pub why: String,
    pub causes: String,
}

/// One owner's lines of the checklist.
pub struct ChecklistGroup {
    pub heading: String,
    pub items: Vec<ChecklistRow>,
}

/// One line of the checklist.
pub struct ChecklistRow {
    pub priority: String,
    pub priority_mark: String,
    pub priority_word: String,
    pub text: String,
    pub causes: String,
}

/// A row of the report.
pub struct RecView {
    pub priority: String,
    /// Coloured mark and word, for Markdown (emoji render on GitHub).
    pub priority_mark: String,
    /// The word alone, for HTML (a CSS chip carries the colour: no emoji font needed).
    pub priority_word: String,
    /// The consolidated client configuration's settings; empty for other entries.
    pub settings: Vec<SettingRow>,
    /// The entries folded into the client configuration.
    pub parts: Vec<PartNote>,
    pub title: String,
    pub why: String,
    pub causes: String,
    pub fence: String,
    pub lang: String,
    /// `diff` for a patch of the scanned code (`--source`), else [`Self::lang`].
    pub after_lang: String,
    pub before: String,
    pub after: String,
}

/// A row of the report.
pub struct RecGroup {
    pub heading: String,
    pub items: Vec<RecView>,
}

/// The coloured mark (Markdown) and the word of a priority.
fn priority_words(l: &Labels, priority: &str) -> (String, String) {
    let (mark, word) = match priority {
        "now" => ("🔴", l.now),
        "next" => ("🟠", l.next),
        _ => ("🟡", l.later),
    };
    (format!("{mark} {word} ·"), word.to_string())
}

/// A recommendation's text in the report's language.
fn localised<'r>(lang: Lang, en: &'r str, he: &'r str) -> &'r str {
    if lang == Lang::He && !he.is_empty() {
        he
    } else {
        en
    }
}

/// Code changes and infrastructure checks; the settings entries are folded into the
/// client configuration, whose table says what each line answers.
pub(super) fn rec_groups(a: &Report, lang: Lang, l: &Labels, escaper: &Escaper) -> Vec<RecGroup> {
    // The folded entries go to the first entry with settings (the client configuration).
    let mut parts = Some(part_notes(a, lang, escaper.text));
    let mut groups: Vec<RecGroup> = Vec::new();
    for (kind, heading) in [("code", l.code_changes), ("infrastructure", l.infra_checks)] {
        let items: Vec<RecView> = a
            .diagnosis
            .recommendations
            .iter()
            .filter(|r| r.kind == kind && r.part_of.is_none())
            .map(|r| rec_view(r, kind, lang, l, escaper, &mut parts))
            .collect();
        if !items.is_empty() {
            groups.push(RecGroup {
                heading: heading.to_string(),
                items,
            });
        }
    }
    groups
}

/// The entries that are part of another one (the client configuration's settings).
fn part_notes(a: &Report, lang: Lang, esc: fn(&str) -> String) -> Vec<PartNote> {
    a.diagnosis
        .recommendations
        .iter()
        .filter(|r| r.part_of.is_some())
        .map(|r| PartNote {
            title: esc(localised(lang, &r.title, &r.title_he)),
            why: esc(localised(lang, &r.why, &r.why_he)),
            causes: r.root_causes.join(", "),
        })
        .collect()
}

/// One entry of a group; an entry with settings takes the folded `parts` (once).
fn rec_view(
    r: &Recommendation,
    kind: &str,
    lang: Lang,
    l: &Labels,
    escaper: &Escaper,
    parts: &mut Option<Vec<PartNote>>,
) -> RecView {
    let (esc, block) = (escaper.text, escaper.block);
    let (priority_mark, priority_word) = priority_words(l, &r.priority);
    let settings = setting_rows(r, lang, escaper);
    let folded = if settings.is_empty() {
        Vec::new()
    } else {
        parts.take().unwrap_or_default()
    };
    RecView {
        priority: r.priority.clone(),
        priority_mark,
        priority_word,
        title: esc(localised(lang, &r.title, &r.title_he)),
        why: esc(localised(lang, &r.why, &r.why_he)),
        causes: r.root_causes.join(", "),
        fence: fence(&[&r.before, &r.after]),
        lang: if kind == "code" { "python" } else { "sh" }.to_string(),
        after_lang: if r.after.starts_with("--- a/") {
            "diff"
        } else if kind == "code" {
            "python"
        } else {
            "sh"
        }
        .to_string(),
        before: block(&r.before),
        after: block(&r.after),
        settings,
        parts: folded,
    }
}

/// The client configuration's settings, before and after, with the reason of each.
fn setting_rows(r: &Recommendation, lang: Lang, escaper: &Escaper) -> Vec<SettingRow> {
    let cell = escaper.span_in_cell;
    r.settings
        .iter()
        .map(|s| SettingRow {
            name: cell(&s.name),
            before: s.before.as_deref().map_or_else(|| "—".to_string(), cell),
            after: cell(&s.after),
            reason: (escaper.text)(&translate(lang, &s.reason)),
            causes: s.root_causes.join(", "),
        })
        .collect()
}

/// The closing checklist: client code, then the platform team.
pub(super) fn checklist_groups(
    a: &Report,
    lang: Lang,
    l: &Labels,
    escaper: &Escaper,
) -> Vec<ChecklistGroup> {
    let items = crate::diagnose::checklist::build(&a.diagnosis.recommendations);
    [
        ("client_code", l.client_code),
        ("platform_team", l.platform_team),
    ]
    .into_iter()
    .filter_map(|(owner, heading)| {
        let rows: Vec<ChecklistRow> = items
            .iter()
            .filter(|i| i.owner == owner)
            .map(|i| {
                let (priority_mark, priority_word) = priority_words(l, &i.priority);
                ChecklistRow {
                    priority: i.priority.clone(),
                    priority_mark,
                    priority_word,
                    text: (escaper.text)(localised(lang, &i.text, &i.text_he)),
                    causes: i.root_causes.join(", "),
                }
            })
            .collect();
        (!rows.is_empty()).then(|| ChecklistGroup {
            heading: heading.to_string(),
            items: rows,
        })
    })
    .collect()
}
