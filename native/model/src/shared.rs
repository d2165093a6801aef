//! Values many records share, written once and then referred to: a policy identity or site
//! name ([`SharedText`]), and a list of reasons or findings serialised once ([`SharedList`]).
//! 250,000 users who share a policy carry the same reasons; building and escaping that JSON
//! again for each of them was most of the cost of writing them.
//!
//! Both serialise exactly as the plain value would (`String`, `Vec<T>`), so output is the same
//! byte for byte; a record field of either type names the plain type for its schema
//! (`#[schemars(with = "Vec<Reason>")]`). Rendering a shared list once is the printers' business
//! (license-audit's `output`), keyed by the list's identity ([`SHARED_LIST`]); records are plain
//! serde types and know nothing of it.

use serde::{Serialize, Serializer};
use std::ops::Deref;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Text shared by reference count (cloning it copies a pointer). Serialises as a string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SharedText(Arc<str>);

impl std::fmt::Display for SharedText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl SharedText {
    pub fn new(text: &str) -> SharedText {
        SharedText(Arc::from(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl Deref for SharedText {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for SharedText {
    fn from(s: String) -> SharedText {
        SharedText(Arc::from(s))
    }
}

impl From<&str> for SharedText {
    fn from(s: &str) -> SharedText {
        SharedText::new(s)
    }
}

impl Serialize for SharedText {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// The newtype-struct name a [`SharedList`] serialises under. To every serializer that does not
/// look for it (serde_json, `serde_json::to_value`, any other) a newtype struct is its content:
/// the plain list. A printer that renders each shared list once and copies that rendering into
/// every record holding the list (license-audit's output) asks the content for its identity by
/// serialising it to a serializer that is not human-readable: it then gives the pair
/// `(identity, items)`, identity 0 meaning "not shared, not worth remembering".
pub const SHARED_LIST: &str = "LicenseAudit::SharedList";

/// A list shared by reference count (cloning it copies a pointer), with an identity no other
/// list in the process has. Serialises as the list (see [`SHARED_LIST`]).
#[derive(Debug, Clone)]
pub struct SharedList<T>(Arc<Inner<T>>);

#[derive(Debug)]
struct Inner<T> {
    id: u64,
    items: Vec<T>,
}

/// Identities handed out so far (0 is never one).
static LISTS: AtomicU64 = AtomicU64::new(1);

impl<T> SharedList<T> {
    pub fn new(items: Vec<T>) -> SharedList<T> {
        let id = LISTS.fetch_add(1, Ordering::Relaxed);
        SharedList(Arc::new(Inner { id, items }))
    }

    /// The list's identity while another holder shares it, else 0 (a list held by one record
    /// only is written once anyway).
    pub fn identity(&self) -> u64 {
        if Arc::strong_count(&self.0) > 1 {
            self.0.id
        } else {
            0
        }
    }

    /// Whether both are the same shared list (not merely equal items).
    pub fn ptr_eq(&self, other: &SharedList<T>) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Deref for SharedList<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0.items
    }
}

impl<T> From<Vec<T>> for SharedList<T> {
    fn from(items: Vec<T>) -> SharedList<T> {
        SharedList::new(items)
    }
}

impl<T: Serialize> Serialize for SharedList<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_newtype_struct(SHARED_LIST, &Identified(self))
    }
}

/// A shared list's schema is the list's.
impl<T: schemars::JsonSchema> schemars::JsonSchema for SharedList<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> std::borrow::Cow<'static, str> {
        <Vec<T>>::schema_name()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Vec<T>>::json_schema(generator)
    }
}

/// A [`SharedList`]'s content: the items, or to a serializer that is not human-readable the pair
/// `(identity, items)` (see [`SHARED_LIST`]).
struct Identified<'a, T>(&'a SharedList<T>);

impl<T: Serialize> Serialize for Identified<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            self.0 .0.items.serialize(s)
        } else {
            (self.0.identity(), &self.0 .0.items).serialize(s)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Cal, Finding, Reason};

    #[test]
    fn shared_values_serialise_as_the_plain_ones() {
        let reasons = vec![
            Reason::new(Cal::Standard, "User", "Enabled=True"),
            Reason::new(
                Cal::Enterprise,
                "ConferencingPolicy Tag:\"x\"\\é",
                "A=\u{1}",
            ),
        ];
        let shared = SharedList::new(reasons.clone());
        assert_eq!(
            serde_json::to_string(&shared).unwrap(),
            serde_json::to_string(&reasons).unwrap()
        );
        assert_eq!(
            serde_json::to_value(&shared).unwrap(),
            serde_json::to_value(&reasons).unwrap()
        );
        let none: SharedList<Finding> = SharedList::new(Vec::new());
        assert_eq!(serde_json::to_string(&none).unwrap(), "[]");
        assert_eq!(serde_json::to_value(&none).unwrap(), serde_json::json!([]));
        let text = SharedText::new("Tag:ENT \"1\"");
        assert_eq!(
            serde_json::to_string(&text).unwrap(),
            serde_json::to_string("Tag:ENT \"1\"").unwrap()
        );
    }
}
