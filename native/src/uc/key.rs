//! Link keys: usernames, emails, UPNs and device names compared case-insensitively, kept as a
//! 128-bit hash so the indexes hold 16 bytes per distinct key rather than the text.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A case-insensitive key. Two SipHash-1-3 runs with different prefixes: a collision between
/// two different identities needs ~2^64 keys, far beyond any estate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key(u128);

impl Key {
    /// None for blank text.
    pub fn of(text: &str) -> Option<Key> {
        let t = text.trim();
        if t.is_empty() {
            return None;
        }
        let mut a = std::collections::hash_map::DefaultHasher::new();
        let mut b = std::collections::hash_map::DefaultHasher::new();
        a.write_u8(0x4b);
        b.write_u8(0xb4);
        let mut buf = [0u8; 4];
        for c in t.chars().flat_map(char::to_lowercase) {
            let s = c.encode_utf8(&mut buf);
            a.write(s.as_bytes());
            b.write(s.as_bytes());
        }
        Some(Key(((a.finish() as u128) << 64) | b.finish() as u128))
    }
}

/// Keys are already hashes: the map uses their low bits as they are.
#[derive(Default)]
pub struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u128(&mut self, i: u128) {
        self.0 = i as u64;
    }
}

pub type KeyMap<V> = HashMap<Key, V, BuildHasherDefault<KeyHasher>>;
pub type KeySet = HashSet<Key, BuildHasherDefault<KeyHasher>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_and_surrounding_space() {
        assert_eq!(Key::of(" Alice@Contoso.COM"), Key::of("alice@contoso.com"));
        assert_ne!(Key::of("alice@contoso.com"), Key::of("alice@contoso.co"));
        assert_eq!(Key::of("  "), None);
        assert_eq!(Key::of("ÅSA"), Key::of("åsa"));
    }
}
