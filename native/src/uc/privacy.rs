//! What the output may say about people and organisations: everything (the default), no
//! names at all (the anonymous audit file), or keyed pseudonyms that stay the same from one
//! audit to the next as long as the key does.

use super::error::UcError;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The shortest pseudonym key accepted: shorter keys can be guessed.
pub const MIN_KEY_BYTES: usize = 16;

/// Placeholder written into reason texts where an identity was dropped.
pub const HIDDEN: &str = "(anonymous)";

pub struct Privacy {
    drop_org_names: bool,
    key: Option<Hmac<Sha256>>,
    drop_identities: bool,
}

impl Privacy {
    /// `anonymous`: drop provider, reseller, customer and site names and, unless a key is
    /// given, identities. `key`: replace identities with HMAC-SHA256 pseudonyms.
    pub fn new(anonymous: bool, key: Option<&[u8]>) -> Result<Privacy, UcError> {
        let key = match key {
            None => None,
            Some(k) if k.len() < MIN_KEY_BYTES => {
                return Err(UcError::WeakPseudonymKey {
                    bytes: k.len(),
                    min: MIN_KEY_BYTES,
                })
            }
            Some(k) => Some(Hmac::<Sha256>::new_from_slice(k).expect("HMAC takes any key length")),
        };
        Ok(Privacy {
            drop_org_names: anonymous,
            drop_identities: anonymous && key.is_none(),
            key,
        })
    }

    pub fn plain() -> Privacy {
        Privacy {
            drop_org_names: false,
            key: None,
            drop_identities: false,
        }
    }

    /// Whether identities appear as they are.
    pub fn shows_identities(&self) -> bool {
        self.key.is_none() && !self.drop_identities
    }

    /// An identity (user, account, device, conference) for an identity field.
    pub fn id(&self, identity: &str) -> Option<String> {
        if self.drop_identities {
            return None;
        }
        Some(match &self.key {
            Some(k) => pseudonym(k, identity),
            None => identity.to_string(),
        })
    }

    pub fn id_opt(&self, identity: Option<&str>) -> Option<String> {
        identity.and_then(|i| self.id(i))
    }

    /// An identity inside a reason or finding text.
    pub fn show(&self, identity: &str) -> String {
        self.id(identity).unwrap_or_else(|| HIDDEN.to_string())
    }

    /// A provider, reseller, customer or site name.
    pub fn org(&self, name: Option<&str>) -> Option<String> {
        if self.drop_org_names {
            None
        } else {
            name.map(str::to_string)
        }
    }
}

/// HMAC-SHA256 of the identity in lower case, first 16 bytes in hex: the same person has the
/// same pseudonym in every service (an email and a UPN that are equal give one pseudonym).
fn pseudonym(key: &Hmac<Sha256>, identity: &str) -> String {
    let mut mac = key.clone();
    mac.update(identity.trim().to_lowercase().as_bytes());
    let digest = mac.finalize().into_bytes();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_key_same_pseudonym_other_key_other_pseudonym() {
        let a = Privacy::new(false, Some(b"0123456789abcdef-key-one")).unwrap();
        let b = Privacy::new(false, Some(b"0123456789abcdef-key-one")).unwrap();
        let c = Privacy::new(false, Some(b"0123456789abcdef-key-two")).unwrap();
        let p = a.id("Alice@Contoso.com").unwrap();
        assert_eq!(p.len(), 32);
        assert_eq!(Some(p.clone()), b.id("alice@contoso.com"));
        assert_ne!(Some(p), c.id("alice@contoso.com"));
    }

    #[test]
    fn hmac_matches_rfc_4231_test_case_2() {
        // RFC 4231 4.3: key "Jefe", data "what do ya want for nothing?".
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn anonymous_drops_names_and_identities_unless_a_key_is_given() {
        let p = Privacy::new(true, None).unwrap();
        assert_eq!(p.id("alice"), None);
        assert_eq!(p.org(Some("Contoso")), None);
        assert_eq!(p.show("alice"), HIDDEN);
        let p = Privacy::new(true, Some(&[7u8; 32])).unwrap();
        assert!(p.id("alice").is_some());
        assert_eq!(p.org(Some("Contoso")), None);
        assert!(matches!(
            Privacy::new(false, Some(b"short")),
            Err(UcError::WeakPseudonymKey { bytes: 5, .. })
        ));
    }
}
