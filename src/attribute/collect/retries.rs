//! What the log shows of retrying besides failures: the gaps between retries of one request,
//! urllib3's debug lines for the sleeps it took (`Retry-After` honoured or not), and the
//! request each retry belongs to. Counted per target; the conclusions are the diagnosis's.
//! It does not judge them: whether the backoff and the `Retry-After` honoured were right is
//! the cross-checks' (`crate::diagnose`).

use super::*;

/// `Retry-After` values found in the log (headers printed by the application or by an
/// HTTP library's debug output).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetryAfterSeen {
    /// Lines with a value.
    pub count: u64,
    /// Smallest delay asked for, in seconds.
    pub min_s: f64,
    /// Largest delay asked for, in seconds.
    pub max_s: f64,
    /// First line that showed one.
    pub first_line: u64,
}

impl RetryAfterSeen {
    pub(super) fn add(&mut self, delay_s: f64, line: u64) {
        if self.count == 0 {
            self.min_s = delay_s;
            self.max_s = delay_s;
            self.first_line = line;
        }
        self.count += 1;
        self.min_s = self.min_s.min(delay_s);
        self.max_s = self.max_s.max(delay_s);
    }
}

/// Prebuilt searchers for the retry-related lines (building one per line cost more than
/// the search).
pub(crate) static ETRY: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"etry"));

pub(crate) static ETRY_UPPER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"ETRY"));

/// urllib3's sleeps before retrying, measured from DEBUG lines with millisecond times.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetrySleeps {
    /// Before status retries ("Retry: /p"): backoff, or the server's Retry-After.
    pub status: RetryGaps,
    /// Before retries after connection errors ("Retrying (...)"): backoff only.
    pub error: RetryGaps,
}

/// The path of a urllib3 retry DEBUG line, and `None` for "Incremented Retry" (the sleep
/// starts), `Some(true)` for "Retry: /p" (a status retry starts), `Some(false)` for the
/// "Retrying (...) after ...: /p" warning (a retry after an error starts).
pub(crate) fn retry_debug_line(text: &[u8]) -> Option<(String, Option<bool>)> {
    const INCREMENTED: &[u8] = b"Incremented Retry for (url='";
    if let Some(i) = finder!(INCREMENTED).find(text) {
        let rest = &text[i + INCREMENTED.len()..];
        let end = finder!(b"'): ").find(rest)?;
        return Some((crate::lossy(&rest[..end]).into_owned(), None));
    }
    if let Some(i) = finder!(b"connectionpool: Retry: ").find(text) {
        let path = text[i + 23..].trim_ascii();
        return (!path.is_empty() && !path.contains(&b' '))
            .then(|| (crate::lossy(path).into_owned(), Some(true)));
    }
    if finder!(b"Retrying (Retry(").find(text).is_some() {
        let i = memchr::memmem::rfind(text, b": ")?;
        let path = text[i + 2..].trim_ascii();
        return (path.starts_with(b"/") && !path.contains(&b' '))
            .then(|| (crate::lossy(path).into_owned(), Some(false)));
    }
    None
}

/// Gaps between consecutive retries of one request to one target.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RetryGaps {
    /// Pairs measured.
    pub pairs: u64,
    /// Sum of the gaps in ms.
    pub total_ms: i64,
    /// Shortest gap in ms.
    pub min_ms: i64,
    /// Longest gap in ms.
    pub max_ms: i64,
    /// Every timestamp had sub-second precision.
    pub precise: bool,
    /// The timeout the retried lines name, in seconds.
    pub timeout_s: Option<f64>,
}

impl RetryGaps {
    fn add(&mut self, gap_ms: i64, precise: bool, timeout_s: Option<f64>) {
        if self.pairs == 0 {
            self.min_ms = gap_ms;
            self.max_ms = gap_ms;
            self.precise = precise;
        }
        self.pairs += 1;
        self.total_ms += gap_ms;
        self.min_ms = self.min_ms.min(gap_ms);
        self.max_ms = self.max_ms.max(gap_ms);
        self.precise &= precise;
        self.timeout_s = self.timeout_s.or(timeout_s);
    }

    /// Adds another set of gaps to this one.
    pub fn merge(&mut self, other: &RetryGaps) {
        if other.pairs == 0 {
            return;
        }
        if self.pairs == 0 {
            *self = other.clone();
            return;
        }
        self.pairs += other.pairs;
        self.total_ms += other.total_ms;
        self.min_ms = self.min_ms.min(other.min_ms);
        self.max_ms = self.max_ms.max(other.max_ms);
        self.precise &= other.precise;
        self.timeout_s = self.timeout_s.or(other.timeout_s);
    }

    /// Mean gap in seconds.
    pub fn mean_s(&self) -> f64 {
        if self.pairs == 0 {
            0.0
        } else {
            self.total_ms as f64 / self.pairs as f64 / 1000.0
        }
    }
}

impl<'s> Collector<'s> {
    /// Measures the time between two consecutive `Retrying` warnings of one request: the
    /// same test and target, the remaining `total` one lower than the previous line's.
    pub(super) fn note_retry_gap(
        &mut self,
        test: Option<u32>,
        fields: &fields::Fields,
        timestamp: Option<&str>,
    ) {
        let (Some(host), Some(total)) = (&fields.host, fields.retry.and_then(|r| r.total)) else {
            return;
        };
        let Some((ms, precise)) = timestamp.and_then(crate::attribute::event::epoch_millis) else {
            return;
        };
        let target = match fields.port {
            Some(p) => format!("{host}:{p}"),
            None => host.clone(),
        };
        let key = (test.unwrap_or(SESSION), target);
        if let Some((prev_ms, prev_total)) = self.retry_seq.get(&key).copied()
            && total.checked_add(1) == Some(prev_total)
            && ms >= prev_ms
        {
            let gap = ms - prev_ms;
            match self.retry_gaps.get_mut(&key.1) {
                Some(g) => g.add(gap, precise, fields.timeout_s),
                None => {
                    let mut g = RetryGaps::default();
                    g.add(gap, precise, fields.timeout_s);
                    self.retry_gaps.insert(key.1.clone(), g);
                }
            }
        }
        self.retry_seq.insert(key, (ms, total));
    }

    /// Measures urllib3's sleep before a retry from its DEBUG lines: `Retry.increment` logs
    /// "Incremented Retry for (url='/p')", then urlopen sleeps (backoff or Retry-After) and
    /// logs "Retry: /p" (status retries) or the "Retrying (...) ...: /p" warning (errors).
    /// `debug` is what [`retry_debug_line`] reads from `text`.
    pub(super) fn note_retry_sleep(
        &mut self,
        debug: Option<(String, Option<bool>)>,
        text: &[u8],
        ci_time: Option<&[u8]>,
    ) {
        let Some((path, status)) = debug else {
            return;
        };
        let Some((ms, true)) =
            timestamp_of(ci_time, text).and_then(|t| crate::attribute::event::epoch_millis(&t))
        else {
            return; // whole seconds cannot measure sleeps of a fraction of one
        };
        let key = (self.current.unwrap_or(SESSION), path);
        match status {
            None => {
                let e = self.pending_sleeps.entry(key).or_insert((ms, 0));
                *e = (ms, e.1 + 1);
            }
            Some(is_status) => {
                let Some((at, pending)) = self.pending_sleeps.remove(&key) else {
                    return;
                };
                if pending == 1 && ms >= at {
                    let s = self
                        .retry_sleeps
                        .entry(crate::attribute::event::path_template(&key.1))
                        .or_default();
                    let gaps = if is_status {
                        &mut s.status
                    } else {
                        &mut s.error
                    };
                    gaps.add(ms - at, true, None);
                }
            }
        }
    }

    /// Remembers request context from traceback argument displays.
    pub(super) fn note_request_context(&mut self, text: &[u8]) {
        let Some(acc) = self.section.as_mut() else {
            return;
        };
        let ctx = &mut acc.context;
        if let Some(i) = finder!(b"<Request('").find(text) {
            let rest = &text[i + 10..];
            let method_end = rest.iter().position(|b| *b == b'\'').unwrap_or(0);
            let method = crate::lossy(&rest[..method_end]).into_owned();
            let f = fields::extract(rest, None);
            if f.host.is_some() {
                ctx.host = f.host;
                ctx.port = f.port;
                ctx.path = f.path;
            }
            if !method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase()) {
                ctx.method = Some(method);
            }
        } else if let Some(i) = finder!(b"method = '").find(text) {
            let rest = &text[i + 10..];
            let end = rest.iter().position(|b| *b == b'\'').unwrap_or(0);
            if end > 0 && rest[..end].iter().all(u8::is_ascii_uppercase) {
                ctx.method = Some(crate::lossy(&rest[..end]).into_owned());
            }
        }
    }
}
