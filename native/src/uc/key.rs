//! Link keys: usernames, emails, UPNs and device names compared case-insensitively, kept as a
//! 96-bit hash so an index entry (key and record number) is 16 bytes, not the text.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hasher};

/// The two hashes a key is made of: foldhash with fixed seeds, so a key (and so a rare
/// collision) is the same on every run and every Rust release (std's `DefaultHasher` promises
/// neither). Keys are only looked up and counted, never shown or ordered in output.
const FIRST: foldhash::quality::FixedState = foldhash::quality::FixedState::with_seed(0x4b);
const SECOND: foldhash::quality::FixedState = foldhash::quality::FixedState::with_seed(0xb4);

/// A case-insensitive key: 96 bits of two hashes with different seeds. The chance that two of
/// ten million distinct identities collide is below 10^-14.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key([u32; 3]);

impl Key {
    /// None for blank text.
    pub fn of(text: &str) -> Option<Key> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        let mut a = FIRST.build_hasher();
        let mut b = SECOND.build_hasher();
        // One write of the lower-cased text (on the stack for the usual short ASCII keys).
        let mut buf = [0u8; 128];
        if t.is_ascii() && t.len() <= buf.len() {
            let lower = &mut buf[..t.len()];
            lower.copy_from_slice(t.as_bytes());
            lower.make_ascii_lowercase();
            a.write(lower);
            b.write(lower);
        } else {
            let lower = t.to_lowercase();
            a.write(lower.as_bytes());
            b.write(lower.as_bytes());
        }
        let (a, b) = (a.finish(), b.finish());
        Some(Key([a as u32, (a >> 32) as u32, b as u32]))
    }

    /// 64 bits of the key, for sets where a collision only costs a spurious report.
    pub fn short(self) -> u64 {
        u64::from(self.0[0]) | (u64::from(self.0[1]) << 32)
    }
}

/// The maps' own hasher: foldhash, as for the engine's other per-row maps.
type Fold = foldhash::fast::RandomState;
pub type KeyMap<V> = HashMap<Key, V, Fold>;
pub type KeySet = HashSet<Key, Fold>;
/// Short keys (see [`Key::short`]).
pub type ShortSet = HashSet<u64, Fold>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_and_surrounding_space() {
        assert_eq!(Key::of(" Alice@Contoso.COM"), Key::of("alice@contoso.com"));
        assert_ne!(Key::of("alice@contoso.com"), Key::of("alice@contoso.co"));
        assert_eq!(Key::of("  "), None);
        assert_eq!(Key::of("ÅSA"), Key::of("åsa"));
        let long = "A".repeat(200);
        assert_eq!(Key::of(&long), Key::of(&long.to_lowercase()));
    }

    /// Fixed seeds: the same text is the same key in every run (a key is not std's
    /// `DefaultHasher`, whose algorithm may change between Rust releases).
    #[test]
    fn keys_are_the_same_on_every_run() {
        let k = Key::of("alice@contoso.com").unwrap();
        assert_eq!(k, Key::of("Alice@Contoso.com").unwrap());
        assert_ne!(k.short(), Key::of("bob@contoso.com").unwrap().short());
        let mut set = KeySet::default();
        set.insert(k);
        assert!(set.contains(&Key::of("ALICE@contoso.com ").unwrap()));
    }
}
