//! The load level a test ran at, read from its parameters (`test_load[50]`,
//! `concurrency=20`) or an "N/N jobs" count in its messages. Used by verdicts, the pool
//! cross-check and the capacity knee; it draws no conclusion itself.

use super::*;

pub(crate) static CONCURRENCY_PARAM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:concurrency|concurrent|workers?|threads?|users?|parallel|clients?|c)[-_=:]?(\d{1,5})|^(\d{1,5})$")
        .expect("concurrency pattern")
});

pub(crate) static N_OF_N: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(\d{1,5})/(\d{1,5}) (?:jobs|requests|tasks|polls|calls|workers|threads)")
        .expect("n of n pattern")
});

/// The concurrency a test ran at, from its parameters (`[50]`, `[concurrency-200]`) or
/// its failure message ("10/10 jobs failed").
pub fn test_concurrency(t: &TestReport) -> Option<u32> {
    let mut best = param_concurrency(t);
    for text in [t.message.as_deref(), t.symptom.as_deref()]
        .into_iter()
        .flatten()
    {
        if let Some(c) = N_OF_N.captures(text)
            && let Some(n) = c.get(2).and_then(|m| m.as_str().parse::<u32>().ok())
        {
            best = best.max(Some(n));
        }
    }
    best
}

/// The concurrency a test's parameters name (`[50]` in a test about load,
/// `[concurrency-200]`, `[workers=8]`).
pub fn param_concurrency(t: &TestReport) -> Option<u32> {
    // Most tests have no parameters: nothing to read.
    if !t.name.ends_with(']') {
        return None;
    }
    let mut best = None;
    let lower = t.name.to_ascii_lowercase();
    // A bare number (`[50]`) is a load level only in a test about load.
    let base = lower.split('[').next().unwrap_or("");
    let about_load = base.split('_').any(|word| {
        [
            "load",
            "concurr",
            "parallel",
            "burst",
            "stress",
            "progression",
            "ramp",
            "scal",
        ]
        .iter()
        .any(|stem| word.starts_with(stem))
    });
    if let (Some(open), true) = (t.name.find('['), t.name.ends_with(']')) {
        for part in t.name[open + 1..t.name.len() - 1].split(['-', ',', ' ']) {
            if let Some(c) = CONCURRENCY_PARAM.captures(part) {
                let n = c
                    .get(1)
                    .or(c.get(2).filter(|_| about_load))
                    .and_then(|m| m.as_str().parse::<u32>().ok());
                best = best.max(n);
            }
        }
        // `concurrency-200` splits into two parts: look at the whole too.
        for c in CONCURRENCY_PARAM.captures_iter(&t.name[open + 1..t.name.len() - 1]) {
            if let Some(n) = c.get(1).and_then(|m| m.as_str().parse::<u32>().ok()) {
                best = best.max(Some(n));
            }
        }
    }
    best
}
