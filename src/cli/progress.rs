//! The progress line on standard error while `rca analyze` reads a long input: bytes read,
//! MB/s and elapsed time (indicatif). Shown only when standard error is a terminal, `-q`
//! is not given, and the read may take a while: standard input, gzip, or a file over
//! [`LARGE_FILE`]. The line stays, as the last word on how the read went. It does not read
//! the input: the pipeline ([`crate::run`]) reports the bytes it has read.

use crate::run::ReadHook;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{BufRead, IsTerminal};
use std::time::Duration;

/// Files at least this large get a progress line even when plain.
pub(super) const LARGE_FILE: u64 = 1 << 30;

/// Shows a progress line per long input.
pub(super) struct Progress {
    enabled: bool,
}

impl Progress {
    /// Progress when standard error is a terminal and not `quiet`.
    pub(super) fn new(quiet: bool) -> Progress {
        Progress {
            enabled: !quiet && std::io::stderr().is_terminal(),
        }
    }
}

/// Whether an input of this kind is worth a progress line.
pub(super) fn worth_showing(gzip: bool, size: Option<u64>) -> bool {
    gzip || size.is_none_or(|s| s >= LARGE_FILE)
}

impl ReadHook for Progress {
    fn wrap(
        &self,
        name: &str,
        gzip: bool,
        size: Option<u64>,
        reader: Box<dyn BufRead + Send>,
    ) -> Box<dyn BufRead + Send> {
        if !self.enabled || !worth_showing(gzip, size) {
            return reader;
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "rca: reading {msg}: {binary_bytes} at {binary_bytes_per_sec}, {elapsed}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
        bar.set_style(style);
        let shown = crate::report::safe::visible(name).into_owned();
        bar.set_message(if gzip {
            format!("{shown} (gzip)")
        } else {
            shown
        });
        bar.enable_steady_tick(Duration::from_millis(200));
        Box::new(Finishing {
            inner: bar.wrap_read(reader),
            bar,
        })
    }
}

/// A reader whose progress line is finished (left as it is) when it is dropped.
struct Finishing<R> {
    inner: indicatif::ProgressBarIter<R>,
    bar: ProgressBar,
}

impl<R: BufRead> std::io::Read for Finishing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.inner.read(buf)
    }
}

impl<R: BufRead> BufRead for Finishing<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        self.inner.fill_buf()
    }

    fn consume(&mut self, n: usize) {
        self.inner.consume(n);
    }
}

impl<R> Drop for Finishing<R> {
    fn drop(&mut self) {
        self.bar.finish();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_long_reads_get_a_line() {
        assert!(worth_showing(false, None), "standard input");
        assert!(worth_showing(true, Some(10)), "gzip");
        assert!(worth_showing(false, Some(LARGE_FILE)));
        assert!(!worth_showing(false, Some(LARGE_FILE - 1)));
    }
}
