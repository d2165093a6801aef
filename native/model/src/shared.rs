//! Values many records share, written once and then referred to: a policy identity or site
//! name ([`SharedText`]), and a list of reasons or findings serialised once ([`SharedList`]).
//! 250,000 users who share a policy carry the same reasons; building and escaping that JSON
//! again for each of them was most of the cost of writing them.
//!
//! Both serialise exactly as the plain value would (`String`, `Vec<T>`), so output is the same
//! byte for byte; a record field of either type names the plain type for its schema
//! (`#[schemars(with = "Vec<Reason>")]`).

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;
use std::ops::Deref;
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

/// A list shared by reference count, with its compact JSON rendered once. Serialises as the
/// list: to JSON by copying the rendered text (serde_json's `RawValue`), to a
/// `serde_json::Value` by reading that text back; any other serializer gets the items.
#[derive(Debug, Clone)]
pub struct SharedList<T>(Arc<Inner<T>>);

#[derive(Debug)]
struct Inner<T> {
    items: Vec<T>,
    /// `None` only if the items could not be serialised (they are then serialised, and fail,
    /// where the record is written, as they would have without sharing).
    json: Option<Box<RawValue>>,
}

impl<T: Serialize> SharedList<T> {
    pub fn new(items: Vec<T>) -> SharedList<T> {
        let json = serde_json::value::to_raw_value(&items).ok();
        SharedList(Arc::new(Inner { items, json }))
    }

    /// The list's compact JSON text.
    pub fn json(&self) -> Option<&str> {
        self.0.json.as_deref().map(RawValue::get)
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

impl<T: Serialize> From<Vec<T>> for SharedList<T> {
    fn from(items: Vec<T>) -> SharedList<T> {
        SharedList::new(items)
    }
}

impl<T: Serialize> Serialize for SharedList<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0.json {
            Some(raw) => raw.serialize(s),
            None => self.0.items.serialize(s),
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
