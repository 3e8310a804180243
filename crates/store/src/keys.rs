//! The master key and the keys derived from it.
//!
//! One 256-bit master key lives in `keys/master.key` (mode 0600) or comes from the environment
//! when several servers share a database. Purpose keys are HMAC-SHA-256(master, label), so a
//! key used for one purpose never serves another.

use crate::error::{Result, StoreError};
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::io::Write;
use std::path::Path;
use worktrack_domain::{EmailAddress, Ssn};

pub const MASTER_KEY_FILE: &str = "master.key";
const SSN_AAD: &[u8] = b"worktrack/ssn/v1";
const EMAIL_AAD: &[u8] = b"worktrack/claimant-email/v1";

/// What a ciphertext that is truncated, does not authenticate, or is not text is called.
type Errors = (&'static str, &'static str, &'static str);
const SSN_ERRORS: Errors = (
    "SSN ciphertext is truncated",
    "SSN ciphertext does not authenticate (wrong key?)",
    "SSN plaintext is not text",
);
const EMAIL_ERRORS: Errors = (
    "e-mail ciphertext is truncated",
    "e-mail ciphertext does not authenticate (wrong key?)",
    "e-mail plaintext is not text",
);

#[derive(Clone)]
pub struct Keys {
    master: [u8; 32],
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Keys(***)")
    }
}

impl Keys {
    /// Parses a master key written as 64 hex digits.
    pub fn from_hex(hex_key: &str) -> Result<Keys> {
        let bytes =
            hex::decode(hex_key.trim()).map_err(|_| StoreError::Crypto("master key is not hex"))?;
        let master: [u8; 32] = bytes
            .try_into()
            .map_err(|_| StoreError::Crypto("master key must be 32 bytes (64 hex digits)"))?;
        Ok(Keys { master })
    }

    /// Reads the master key in `dir`, or creates one (mode 0600). Returns whether it was created.
    pub fn load_or_create(dir: &Path) -> Result<(Keys, bool)> {
        let path = dir.join(MASTER_KEY_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok((Keys::from_hex(&text)?, false)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                crate::private::create_dir_all(dir)?;
                let mut master = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut master);
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    options.mode(0o600);
                }
                let mut file = options.open(&path)?;
                file.write_all(hex::encode(master).as_bytes())?;
                file.sync_all()?;
                Ok((Keys { master }, true))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// A 256-bit key for one purpose.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.master)
            .unwrap_or_else(|_| unreachable_hmac());
        mac.update(b"worktrack/v1/");
        mac.update(label.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The blind index of an SSN: equal numbers give equal indexes, and without the key the
    /// index tells nothing (the 10^9 possible numbers cannot be tried).
    pub fn ssn_index(&self, ssn: &Ssn) -> String {
        let key = self.derive("ssn-index");
        let mut mac =
            <Hmac<Sha256> as Mac>::new_from_slice(&key).unwrap_or_else(|_| unreachable_hmac());
        mac.update(ssn.digits().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// AES-256-GCM ciphertext of the SSN's digits: a random 96-bit nonce followed by the
    /// ciphertext and tag.
    pub fn encrypt_ssn(&self, ssn: &Ssn) -> Result<Vec<u8>> {
        self.seal("ssn-encryption", SSN_AAD, ssn.digits().as_bytes())
    }

    /// The digits back from [`Keys::encrypt_ssn`]'s output.
    pub fn decrypt_ssn_digits(&self, blob: &[u8]) -> Result<String> {
        self.open("ssn-encryption", SSN_AAD, blob, SSN_ERRORS)
    }

    /// AES-256-GCM ciphertext of a claimant's e-mail address, under its own key (laid out as
    /// [`Keys::encrypt_ssn`]'s).
    pub fn encrypt_email(&self, email: &EmailAddress) -> Result<Vec<u8>> {
        self.seal("email-encryption", EMAIL_AAD, email.as_str().as_bytes())
    }

    /// The address back from [`Keys::encrypt_email`]'s output.
    pub fn decrypt_email(&self, blob: &[u8]) -> Result<String> {
        self.open("email-encryption", EMAIL_AAD, blob, EMAIL_ERRORS)
    }

    /// A random 96-bit nonce followed by the AES-256-GCM ciphertext and tag of `msg`, under
    /// the key for `label`.
    fn seal(&self, label: &str, aad: &[u8], msg: &[u8]) -> Result<Vec<u8>> {
        let cipher = Aes256Gcm::new_from_slice(&self.derive(label))
            .map_err(|_| StoreError::Crypto("bad key length"))?;
        let mut nonce = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let ct = cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg, aad })
            .map_err(|_| StoreError::Crypto("encryption failed"))?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&ct);
        Ok(out)
    }

    /// The text back from [`Keys::seal`]'s output; `errors` say what is truncated and what
    /// does not authenticate.
    fn open(&self, label: &str, aad: &[u8], blob: &[u8], errors: Errors) -> Result<String> {
        if blob.len() < 12 + 16 {
            return Err(StoreError::Crypto(errors.0));
        }
        let cipher = Aes256Gcm::new_from_slice(&self.derive(label))
            .map_err(|_| StoreError::Crypto("bad key length"))?;
        let (nonce, ct) = blob.split_at(12);
        let pt = cipher
            .decrypt(Nonce::from_slice(nonce), Payload { msg: ct, aad })
            .map_err(|_| StoreError::Crypto(errors.1))?;
        String::from_utf8(pt).map_err(|_| StoreError::Crypto(errors.2))
    }
}

// HMAC accepts keys of any length, so `new_from_slice` cannot fail; this keeps the code free of
// `expect` while documenting that.
fn unreachable_hmac() -> Hmac<Sha256> {
    unreachable!("HMAC-SHA-256 accepts keys of any length")
}

#[cfg(test)]
mod tests {
    use super::*;
    use worktrack_domain::SsnPolicy;

    #[test]
    fn ssn_round_trip_and_index() {
        let keys = Keys::from_hex(&"11".repeat(32)).unwrap();
        let ssn = Ssn::parse("912-34-5678", SsnPolicy::Training).unwrap();
        let a = keys.encrypt_ssn(&ssn).unwrap();
        let b = keys.encrypt_ssn(&ssn).unwrap();
        assert_ne!(a, b, "random nonces");
        assert_eq!(keys.decrypt_ssn_digits(&a).unwrap(), "912345678");
        assert!(!a.windows(4).any(|w| w == b"5678"));
        assert_eq!(keys.ssn_index(&ssn), keys.ssn_index(&ssn));
        let other = Keys::from_hex(&"22".repeat(32)).unwrap();
        assert_ne!(keys.ssn_index(&ssn), other.ssn_index(&ssn));
        assert!(other.decrypt_ssn_digits(&a).is_err());
    }

    #[test]
    fn email_round_trip_under_its_own_key() {
        let keys = Keys::from_hex(&"11".repeat(32)).unwrap();
        let email = EmailAddress::parse("pat.doe@example.org").unwrap();
        let a = keys.encrypt_email(&email).unwrap();
        assert_ne!(a, keys.encrypt_email(&email).unwrap(), "random nonces");
        assert_eq!(keys.decrypt_email(&a).unwrap(), "pat.doe@example.org");
        assert!(!a.windows(7).any(|w| w == b"example"));
        // Neither the SSN's key nor another master key opens it.
        assert!(keys.decrypt_ssn_digits(&a).is_err());
        let other = Keys::from_hex(&"22".repeat(32)).unwrap();
        assert!(other.decrypt_email(&a).is_err());
    }

    #[test]
    fn key_file_is_private_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let (k1, created) = Keys::load_or_create(dir.path()).unwrap();
        assert!(created);
        let (k2, created) = Keys::load_or_create(dir.path()).unwrap();
        assert!(!created);
        assert_eq!(k1.derive("x"), k2.derive("x"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join(MASTER_KEY_FILE))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
