//! Password hashing with argon2id, off the async threads.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::Rng;

/// A PHC string (`$argon2id$v=19$m=19456,t=2,p=1$…`) for `password`. Runs on a blocking thread:
/// one hash takes tens of milliseconds of CPU.
pub async fn hash_password(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut rand::rngs::OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())?
}

/// Whether `password` matches `phc`. A malformed hash never matches.
pub async fn verify_password(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || match PasswordHash::new(&phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    })
    .await
    .unwrap_or(false)
}

/// A one-time password handed to a person: four groups of five characters from an alphabet
/// without look-alikes (about 115 bits), easy to read out over the phone.
pub fn generate_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::rngs::OsRng;
    let group = |rng: &mut rand::rngs::OsRng| -> String {
        (0..5)
            .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
            .collect()
    };
    (0..4)
        .map(|_| group(&mut rng))
        .collect::<Vec<_>>()
        .join("-")
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_time_passwords_have_four_groups_of_five() {
        let p = super::generate_password();
        let groups: Vec<&str> = p.split('-').collect();
        assert_eq!(groups.len(), 4, "{p}");
        assert!(groups.iter().all(|g| g.len() == 5), "{p}");
        assert_ne!(p, super::generate_password());
        assert!(worktrack_domain::Password::parse(&p).is_ok());
    }
}
