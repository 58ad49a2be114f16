//! Map keys hashed once. A [`Prehashed`] key carries its hash, so a map of them hashes a
//! `u64`, not the key: the collector's table of tens of thousands of event groups re-hashes
//! every key each time it grows, and findings hash sample lines of some 300 bytes, which
//! [`crate::par::map`] can then do on every core. The hash is foldhash with a seed drawn once
//! per process, so log text cannot aim collisions at a known seed.

use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::LazyLock;

/// The process's hash seed.
static STATE: LazyLock<foldhash::fast::RandomState> = LazyLock::new(Default::default);

/// A key and its hash. Keys are equal when their values are (the hash is compared first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prehashed<T> {
    hash: u64,
    /// The key itself.
    pub value: T,
}

impl<T: Hash> Prehashed<T> {
    /// `value` with its hash.
    pub fn new(value: T) -> Prehashed<T> {
        Prehashed {
            hash: STATE.hash_one(&value),
            value,
        }
    }
}

impl<T> Hash for Prehashed<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prehashed_keys_are_equal_exactly_when_their_values_are() {
        let mut m: std::collections::HashMap<Prehashed<String>, u32> = Default::default();
        for (i, t) in ["a", "b", "a", "long line ".repeat(40).as_str()]
            .iter()
            .enumerate()
        {
            *m.entry(Prehashed::new(t.to_string())).or_default() += i as u32 + 1;
        }
        assert_eq!(m.len(), 3);
        assert_eq!(m[&Prehashed::new("a".to_string())], 1 + 3);
        assert_eq!(m[&Prehashed::new("b".to_string())], 2);
    }
}
