//! A link index: one service's records, reduced to what counting needs (an identity, where it
//! came from, the service's own compact data), found by the keys a directory user can match.
//! Memory grows with distinct keys; records are never kept whole. Each service (`service/`)
//! keeps its records in one of these.

use super::key::{Key, KeyMap};
use crate::model::uc::UcService;
use std::sync::Arc;

/// One service record (or several merged, for services spread over clusters).
pub struct Entry<T> {
    pub id: Box<str>,
    /// File index (top 16 bits) and record number.
    loc: u64,
    /// Directory users linked to it (saturating).
    pub links: u16,
    /// The customer of the first user linked (u32::MAX: none yet).
    pub customer: u32,
    pub data: T,
}

/// A service's records and their indexes: `by_id` (the record's own identity, and for Webex
/// each of its emails), `by_email` (CUCM mailid).
pub struct Table<T> {
    pub service: UcService,
    /// Keep each record's identity text (Teams does not: a million UPNs; see `service::microsoft_teams`).
    pub keep_ids: bool,
    pub files: Vec<Arc<str>>,
    pub entries: Vec<Entry<T>>,
    by_id: KeyMap<u32>,
    by_email: KeyMap<u32>,
}

impl<T> Table<T> {
    pub fn new(service: UcService) -> Table<T> {
        Table {
            service,
            keep_ids: true,
            files: Vec::new(),
            entries: Vec::new(),
            by_id: KeyMap::default(),
            by_email: KeyMap::default(),
        }
    }

    /// The index of a file name (added on first use).
    pub fn file_index(&mut self, file: &Arc<str>) -> u16 {
        match self.files.iter().position(|f| f == file) {
            Some(i) => i as u16,
            None => {
                self.files.push(file.clone());
                (self.files.len() - 1) as u16
            }
        }
    }

    /// The entry whose identity is `id`, if any.
    pub fn find_id(&self, id: &str) -> Option<u32> {
        Key::of(id).and_then(|k| self.by_id.get(&k).copied())
    }

    pub fn find_email(&self, email: &str) -> Option<u32> {
        Key::of(email).and_then(|k| self.by_email.get(&k).copied())
    }

    /// Adds a record under its identity; Err(existing) when that identity is already there.
    pub fn insert(&mut self, id: &str, file: u16, record: u64, data: T) -> Result<u32, u32> {
        let Some(k) = Key::of(id) else {
            return Err(u32::MAX);
        };
        if let Some(i) = self.by_id.get(&k) {
            return Err(*i);
        }
        let i = self.entries.len() as u32;
        self.entries.push(Entry {
            id: if self.keep_ids {
                id.into()
            } else {
                Box::default()
            },
            loc: (u64::from(file) << 48) | (record & 0xFFFF_FFFF_FFFF),
            links: 0,
            customer: u32::MAX,
            data,
        });
        self.by_id.insert(k, i);
        Ok(i)
    }

    /// Another identity for entry `i` (a Webex person's other emails, id).
    pub fn alias_id(&mut self, text: &str, i: u32) {
        if let Some(k) = Key::of(text) {
            self.by_id.entry(k).or_insert(i);
        }
    }

    /// An email for entry `i`; the first record with an email keeps it.
    pub fn index_email(&mut self, email: &str, i: u32) {
        if let Some(k) = Key::of(email) {
            self.by_email.entry(k).or_insert(i);
        }
    }

    /// The file index and record number, packed.
    pub fn loc(&self, i: u32) -> u64 {
        self.entries[i as usize].loc
    }

    /// The packed location of a record of a file, if the file is one of this table's.
    pub fn loc_of(&self, file: &Arc<str>, record: u64) -> Option<u64> {
        self.files
            .iter()
            .position(|f| f == file)
            .map(|i| ((i as u64) << 48) | (record & 0xFFFF_FFFF_FFFF))
    }

    pub fn location(&self, i: u32) -> (String, u64) {
        let e = &self.entries[i as usize];
        (
            self.files
                .get((e.loc >> 48) as usize)
                .map(|f| f.to_string())
                .unwrap_or_default(),
            e.loc & 0xFFFF_FFFF_FFFF,
        )
    }
}
