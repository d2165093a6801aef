//! The link indexes: each service's records, reduced to what counting needs (an identity, where
//! it came from, whether it meets its condition), found by the keys a directory user can match.
//! Memory grows with distinct keys; records are never kept whole.

use super::inputs::Org;
use super::key::{Key, KeyMap};
use super::teams::TeamsFacts;
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
    /// Keep each record's identity text (Teams does not: a million UPNs; see `count`).
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

/// A CUCM end user, or the owner named by phones when no user record has that userid.
#[derive(Default)]
pub struct CucmData {
    /// associatedDevices names, one per line, until the phones are read (one allocation).
    pub pending: String,
    /// Counted devices (indexes into `Phones`).
    pub phones: Vec<u32>,
    /// Associated device names the phone export does not have (counted: not known to be CTI).
    pub unknown_devices: Vec<Box<str>>,
    pub cti_excluded: u16,
    pub phone_profiles: u16,
    pub remote_destination_profiles: u16,
    /// False when only phones name this userid as their owner.
    pub has_user_record: bool,
}

impl CucmData {
    pub fn phone_count(&self) -> u32 {
        (self.phones.len() + self.unknown_devices.len()) as u32
    }

    pub fn meets_condition(&self) -> bool {
        self.phone_count() > 0 || self.phone_profiles > 0 || self.remote_destination_profiles > 0
    }
}

pub enum WebexCalling {
    /// Holds Webex Calling - Professional.
    Professional,
    /// Holds other licences only (named: e.g. Webex Calling - Basic).
    Other(Box<str>),
    /// Some licence ids could not be named.
    Unknown(u16),
}

pub struct TeamsData {
    pub facts: TeamsFacts,
    /// Rooms and common area phones: what their device record needs.
    pub device: Option<Box<TeamsDevice>>,
}

pub struct TeamsDevice {
    pub upn: String,
    pub display_name: Option<String>,
    pub room_features: Vec<String>,
    pub org: Org,
}

pub struct MailboxData {
    pub recipient_type: Option<Box<str>>,
    pub user_mailbox: bool,
}

pub struct PexipData {
    pub conferences: u32,
    pub first: Box<str>,
}

/// One CUCM phone (listPhone).
pub struct Phone {
    pub name: Box<str>,
    /// Index into `Phones::products`.
    pub product: u16,
    pub cti: bool,
    pub has_owner: bool,
    /// Some CUCM user lists it in associatedDevices.
    pub associated: bool,
    pub org: Option<Box<Org>>,
}

/// Every phone, by name and by owner.
#[derive(Default)]
pub struct Phones {
    pub list: Vec<Phone>,
    pub products: Vec<Box<str>>,
    product_index: std::collections::HashMap<Box<str>, u16>,
    by_name: KeyMap<u32>,
}

impl Phones {
    pub fn product_index(&mut self, product: Option<&str>) -> u16 {
        let p = product.unwrap_or("");
        if let Some(i) = self.product_index.get(p) {
            return *i;
        }
        let i = self.products.len() as u16;
        self.products.push(p.into());
        self.product_index.insert(p.into(), i);
        i
    }

    /// Adds a phone; Err(existing) when the name is already there.
    pub fn insert(&mut self, phone: Phone) -> Result<u32, u32> {
        let Some(k) = Key::of(&phone.name) else {
            return Err(u32::MAX);
        };
        if let Some(i) = self.by_name.get(&k) {
            return Err(*i);
        }
        let i = self.list.len() as u32;
        self.list.push(phone);
        self.by_name.insert(k, i);
        Ok(i)
    }

    pub fn find(&self, name: &str) -> Option<u32> {
        Key::of(name).and_then(|k| self.by_name.get(&k).copied())
    }

    pub fn product(&self, i: u32) -> &str {
        &self.products[self.list[i as usize].product as usize]
    }
}
