//! Link keys: usernames, emails, UPNs and device names compared case-insensitively, kept as a
//! 96-bit hash so an index entry (key and record number) is 16 bytes, not the text.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A case-insensitive key: 96 bits of two SipHash-1-3 runs with different prefixes. The chance
/// that two of ten million distinct identities collide is below 10^-14.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Key([u32; 3]);

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
    fn write_u32(&mut self, i: u32) {
        self.0 = (self.0 << 32) | u64::from(i);
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = i;
    }
    fn write_usize(&mut self, _len: usize) {
        // The array length written before the elements: constant, ignored.
    }
}

pub type KeyMap<V> = HashMap<Key, V, BuildHasherDefault<KeyHasher>>;
pub type KeySet = HashSet<Key, BuildHasherDefault<KeyHasher>>;
/// Short keys (see [`Key::short`]).
pub type ShortSet = HashSet<u64, BuildHasherDefault<KeyHasher>>;

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
