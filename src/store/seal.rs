//! Tokens at rest: sealed with AES-256-GCM when the connection has an `encryption_key`, plain otherwise.
//!
//! A sealed value is `aes256gcm:` + hex(nonce ‖ ciphertext ‖ tag), with a random 96-bit nonce per write and
//! the associated data `xero-link/{connection}/{field}`: a value copied to another connection or another field
//! does not open. A plain value is `plain:` + the value. Values written before a key was configured still open
//! (plain), and are sealed at their next write.

use crate::error::{Error, ErrorCode, Result};
use crate::secret::Secret;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::fmt;

const PLAIN: &str = "plain:";
const AES: &str = "aes256gcm:";
const NONCE_LEN: usize = 12;

/// A secret as it is stored: sealed or plain. Never printed.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Sealed(String);

impl fmt::Debug for Sealed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(Secret::REDACTED)
    }
}

impl Sealed {
    pub fn is_encrypted(&self) -> bool {
        self.0.starts_with(AES)
    }
}

/// Seals and opens one connection's secrets.
pub struct Sealer {
    connection: String,
    cipher: Option<Aes256Gcm>,
}

impl fmt::Debug for Sealer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sealer")
            .field("connection", &self.connection)
            .field("encrypts", &self.cipher.is_some())
            .finish()
    }
}

impl Sealer {
    /// `key_hex` is the validated 64-hex-character key, or `None` to store plain.
    pub fn new(connection: &str, key_hex: Option<&Secret>) -> Result<Sealer> {
        let cipher = match key_hex {
            None => None,
            Some(key) => {
                let bytes = hex::decode(key.expose()).ok().filter(|b| b.len() == 32).ok_or_else(|| {
                    Error::validation("encryption_key must be 64 hexadecimal characters").at("encryption_key")
                })?;
                Some(
                    Aes256Gcm::new_from_slice(&bytes)
                        .map_err(|_| Error::internal("AES-256 key of the wrong length"))?,
                )
            }
        };
        Ok(Sealer { connection: connection.to_owned(), cipher })
    }

    pub fn encrypts(&self) -> bool {
        self.cipher.is_some()
    }

    fn aad(&self, field: &str) -> String {
        format!("xero-link/{}/{field}", self.connection)
    }

    pub fn seal(&self, field: &str, value: &Secret) -> Result<Sealed> {
        let Some(cipher) = &self.cipher else {
            return Ok(Sealed(format!("{PLAIN}{}", value.expose())));
        };
        let mut nonce = [0u8; NONCE_LEN];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let aad = self.aad(field);
        let ciphertext = cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: value.expose().as_bytes(), aad: aad.as_bytes() })
            .map_err(|_| Error::internal("encryption failed"))?;
        let mut out = Vec::with_capacity(NONCE_LEN + ciphertext.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&ciphertext);
        Ok(Sealed(format!("{AES}{}", hex::encode(out))))
    }

    /// The value of `field`; a `store` error naming the field (detail `field`) when it does not open.
    pub fn open(&self, field: &str, sealed: &Sealed) -> Result<Secret> {
        let unreadable = |why: &str| {
            Error::new(
                ErrorCode::Store,
                format!("the sign-in state of `{}` cannot be read: the stored `{field}` {why}", self.connection),
            )
            .with("field", field)
        };
        if let Some(plain) = sealed.0.strip_prefix(PLAIN) {
            return Ok(Secret::new(plain));
        }
        let Some(hex_text) = sealed.0.strip_prefix(AES) else {
            return Err(unreadable("has an unknown format"));
        };
        let Some(cipher) = &self.cipher else {
            return Err(unreadable(
                "is encrypted but the connection has no encryption_key: configure the key it was written with",
            ));
        };
        let bytes = hex::decode(hex_text).map_err(|_| unreadable("is damaged (not hexadecimal)"))?;
        if bytes.len() < NONCE_LEN + 16 {
            return Err(unreadable("is damaged (too short)"));
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let aad = self.aad(field);
        let plain = cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ciphertext, aad: aad.as_bytes() })
            .map_err(|_| {
                unreadable(
                    "does not open with this encryption_key: it was sealed with another key, for another connection \
                     or another field, or it is damaged",
                )
            })?;
        String::from_utf8(plain).map(Secret::new).map_err(|_| unreadable("is damaged (not text)"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn sealed_values_round_trip_and_are_bound_to_connection_and_field() {
        let key = Secret::new(KEY);
        let a = Sealer::new("xero-a", Some(&key)).unwrap();
        let s1 = a.seal("refresh_token", &Secret::new("rt-value")).unwrap();
        let s2 = a.seal("refresh_token", &Secret::new("rt-value")).unwrap();
        assert!(s1.is_encrypted());
        assert_ne!(s1, s2, "a fresh nonce per write");
        assert!(!s1.0.contains("rt-value"));
        assert_eq!(a.open("refresh_token", &s1).unwrap().expose(), "rt-value");
        assert!(a.open("access_token", &s1).is_err(), "bound to the field");
        let b = Sealer::new("xero-b", Some(&key)).unwrap();
        assert!(b.open("refresh_token", &s1).is_err(), "bound to the connection");
        let other_key = Secret::new(KEY.replace("00", "ff"));
        assert!(Sealer::new("xero-a", Some(&other_key)).unwrap().open("refresh_token", &s1).is_err());
        let err = a.open("access_token", &s1).unwrap_err();
        assert_eq!(err.code, ErrorCode::Store);
        assert!(err.message.contains("the stored `access_token` does not open"), "{}", err.message);
        assert_eq!(err.details["field"], "access_token");
        let plain = Sealer::new("xero-a", None).unwrap();
        let err = plain.open("refresh_token", &s1).unwrap_err();
        assert_eq!(err.code, ErrorCode::Store);
        assert!(err.message.contains("`refresh_token` is encrypted but the connection has no encryption_key"));
        assert!(!format!("{s1:?}").contains("aes"));
    }

    #[test]
    fn plain_values_open_with_or_without_a_key() {
        let plain = Sealer::new("xero-a", None).unwrap().seal("access_token", &Secret::new("at")).unwrap();
        assert!(!plain.is_encrypted());
        let keyed = Sealer::new("xero-a", Some(&Secret::new(KEY))).unwrap();
        assert_eq!(keyed.open("access_token", &plain).unwrap().expose(), "at");
    }
}
