//! Data parallelism for the per-group phases of a run. Once the log is read, an event-dense
//! run still has tens of thousands of groups to report, redact and fingerprint, and the
//! reading thread's core is idle by then. [`map`] splits a slice into one contiguous part
//! per core and keeps the input order. Small inputs stay on the calling thread, and a panic
//! in a helper thread resumes on the caller.

/// `f` over every item (with its index), in input order. The work is split across the
/// machine's cores (at most 8) when there are at least `min_per_thread` items per thread;
/// the calling thread takes the first part rather than waiting idle.
pub fn map<'a, T: Sync, R: Send>(
    items: &'a [T],
    min_per_thread: usize,
    f: impl Fn(usize, &'a T) -> R + Sync,
) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len() / min_per_thread.max(1))
        .clamp(1, 8);
    let part = |start: usize, part: &'a [T]| -> Vec<R> {
        part.iter()
            .enumerate()
            .map(|(i, item)| f(start + i, item))
            .collect()
    };
    if threads == 1 {
        return part(0, items);
    }
    let chunk = items.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let part = &part;
        let others: Vec<_> = items
            .chunks(chunk)
            .enumerate()
            .skip(1)
            .map(|(n, p)| scope.spawn(move || part(n * chunk, p)))
            .collect();
        let mut all = part(0, &items[..chunk.min(items.len())]);
        all.reserve(items.len() - all.len());
        for other in others {
            all.extend(
                other
                    .join()
                    .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            );
        }
        all
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn map_keeps_order_and_indices_whatever_the_split() {
        for n in [0, 1, 7, 100, 1001, 4096] {
            let items: Vec<u64> = (0..n).map(|i| i * 3 + 1).collect();
            let expected: Vec<(usize, u64)> =
                items.iter().enumerate().map(|(i, x)| (i, x * 2)).collect();
            for min in [0, 1, 3, 512, usize::MAX] {
                assert_eq!(
                    map(&items, min, |i, x| (i, x * 2)),
                    expected,
                    "n={n} min={min}"
                );
            }
        }
    }

    #[test]
    #[should_panic(expected = "helper failed")]
    fn a_helper_panic_reaches_the_caller() {
        let items: Vec<u32> = (0..10_000).collect();
        map(&items, 1, |i, _| {
            if i == 9_999 {
                panic!("helper failed");
            }
        });
    }
}
