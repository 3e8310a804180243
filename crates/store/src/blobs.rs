//! Encrypted, content-addressed blob storage.
//!
//! A blob is named by HMAC-SHA-256(blob-id key, plaintext), so equal files are stored once and
//! nobody without the key can confirm a guessed document by its name. Its content is encrypted
//! with AES-256-GCM in 64 KiB chunks (the STREAM construction: nonce = random 8-byte prefix ‖
//! chunk counter, the last chunk marked in the associated data), so a blob is never held whole
//! in memory and truncation, reordering or tampering fail authentication.
//!
//! Writing: temp file → fsync → rename into place → fsync the directory; only then does the
//! caller commit the database row that refers to it.

use crate::error::{Result, StoreError};
use crate::keys::Keys;
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 4] = b"WTB1";
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;

/// A stored blob: its name and plaintext size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobRef {
    pub hash: String,
    pub size: u64,
}

#[derive(Clone)]
pub struct BlobStore {
    root: PathBuf,
    cipher_key: [u8; 32],
    id_key: [u8; 32],
}

impl std::fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BlobStore({})", self.root.display())
    }
}

fn valid_hash(hash: &str) -> bool {
    hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

fn nonce(prefix: &[u8; 8], counter: u32) -> [u8; 12] {
    let mut n = [0u8; 12];
    n[..8].copy_from_slice(prefix);
    n[8..].copy_from_slice(&counter.to_be_bytes());
    n
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

fn fsync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

impl BlobStore {
    /// A blob store in the local directory `root` (created when missing).
    pub fn local(root: &Path, keys: &Keys) -> Result<BlobStore> {
        fs::create_dir_all(root.join("tmp"))?;
        Ok(BlobStore {
            root: root.to_path_buf(),
            cipher_key: keys.derive("blob-encryption"),
            id_key: keys.derive("blob-id"),
        })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_of(&self, hash: &str) -> PathBuf {
        self.root.join(&hash[..2]).join(hash)
    }

    fn cipher(&self) -> Result<Aes256Gcm> {
        Aes256Gcm::new_from_slice(&self.cipher_key)
            .map_err(|_| StoreError::Crypto("bad key length"))
    }

    fn id_mac(&self) -> Result<Hmac<Sha256>> {
        <Hmac<Sha256> as Mac>::new_from_slice(&self.id_key)
            .map_err(|_| StoreError::Crypto("bad key length"))
    }

    /// Encrypts the plaintext read from `input` into the store. Blocking: call from a blocking
    /// thread. Returns the blob's name and size; storing the same content twice keeps one copy.
    pub fn put_reader(&self, input: &mut impl Read) -> Result<BlobRef> {
        let cipher = self.cipher()?;
        let mut mac = self.id_mac()?;
        let mut prefix = [0u8; 8];
        rand::rngs::OsRng.fill_bytes(&mut prefix);
        let mut name = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut name);
        let tmp = self.root.join("tmp").join(hex::encode(name));
        let result = (|| -> Result<BlobRef> {
            let mut out = io::BufWriter::with_capacity(CHUNK + TAG, File::create(&tmp)?);
            out.write_all(MAGIC)?;
            out.write_all(&prefix)?;
            // Read one chunk ahead so the last chunk can be marked as last.
            let mut cur = vec![0u8; CHUNK];
            let mut next = vec![0u8; CHUNK];
            let mut cur_len = read_full(input, &mut cur)?;
            let mut size: u64 = 0;
            let mut counter: u32 = 0;
            loop {
                let next_len = if cur_len == CHUNK {
                    read_full(input, &mut next)?
                } else {
                    0
                };
                let last = next_len == 0;
                mac.update(&cur[..cur_len]);
                size += cur_len as u64;
                let mut buf = cur[..cur_len].to_vec();
                cipher
                    .encrypt_in_place(
                        Nonce::from_slice(&nonce(&prefix, counter)),
                        &[u8::from(last)],
                        &mut buf,
                    )
                    .map_err(|_| StoreError::Crypto("blob encryption failed"))?;
                out.write_all(&buf)?;
                if last {
                    break;
                }
                counter = counter
                    .checked_add(1)
                    .ok_or(StoreError::Crypto("blob too large for one nonce prefix"))?;
                std::mem::swap(&mut cur, &mut next);
                cur_len = next_len;
            }
            let file = out
                .into_inner()
                .map_err(|e| StoreError::Io(e.into_error()))?;
            file.sync_all()?;
            drop(file);
            let hash = hex::encode(mac.finalize().into_bytes());
            let dest = self.path_of(&hash);
            let dir = dest
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| self.root.clone());
            fs::create_dir_all(&dir)?;
            if dest.exists() {
                fs::remove_file(&tmp)?;
            } else {
                fs::rename(&tmp, &dest)?;
                fsync_dir(&dir)?;
            }
            Ok(BlobRef { hash, size })
        })();
        if result.is_err() {
            let _ = fs::remove_file(&tmp);
        }
        result
    }

    /// [`BlobStore::put_reader`] on a blocking thread, reading the file at `path`.
    pub async fn put_file(&self, path: PathBuf) -> Result<BlobRef> {
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            this.put_reader(&mut io::BufReader::with_capacity(CHUNK, File::open(&path)?))
        })
        .await
        .map_err(|e| StoreError::Io(io::Error::other(e)))?
    }

    /// Decrypts blob `hash` into `out`, checking every chunk and the blob's name. Blocking.
    pub fn copy_to(&self, hash: &str, out: &mut impl Write) -> Result<u64> {
        if !valid_hash(hash) {
            return Err(StoreError::NotFound);
        }
        let mut input = match File::open(self.path_of(hash)) {
            Ok(f) => io::BufReader::with_capacity(CHUNK + TAG, f),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(StoreError::NotFound),
            Err(e) => return Err(e.into()),
        };
        let cipher = self.cipher()?;
        let mut mac = self.id_mac()?;
        let mut header = [0u8; 12];
        if read_full(&mut input, &mut header)? != 12 || &header[..4] != MAGIC {
            return Err(StoreError::Crypto("blob header is damaged"));
        }
        let mut prefix = [0u8; 8];
        prefix.copy_from_slice(&header[4..]);
        let mut cur = vec![0u8; CHUNK + TAG];
        let mut next = vec![0u8; CHUNK + TAG];
        let mut cur_len = read_full(&mut input, &mut cur)?;
        let mut counter: u32 = 0;
        let mut size = 0u64;
        loop {
            let next_len = if cur_len == CHUNK + TAG {
                read_full(&mut input, &mut next)?
            } else {
                0
            };
            let last = next_len == 0;
            if cur_len < TAG {
                return Err(StoreError::Crypto("blob is truncated"));
            }
            let mut buf = cur[..cur_len].to_vec();
            cipher
                .decrypt_in_place(
                    Nonce::from_slice(&nonce(&prefix, counter)),
                    &[u8::from(last)],
                    &mut buf,
                )
                .map_err(|_| {
                    StoreError::Crypto(
                        "blob does not authenticate (damaged, truncated or wrong key)",
                    )
                })?;
            mac.update(&buf);
            size += buf.len() as u64;
            out.write_all(&buf)?;
            if last {
                break;
            }
            counter = counter
                .checked_add(1)
                .ok_or(StoreError::Crypto("blob too long"))?;
            std::mem::swap(&mut cur, &mut next);
            cur_len = next_len;
        }
        if hex::encode(mac.finalize().into_bytes()) != hash {
            return Err(StoreError::Crypto("blob content does not match its name"));
        }
        Ok(size)
    }

    /// Decrypts blob `hash` to the file `out` (for downloads and page rendering).
    pub async fn read_to_file(&self, hash: &str, out: PathBuf) -> Result<u64> {
        let this = self.clone();
        let hash = hash.to_string();
        tokio::task::spawn_blocking(move || {
            let mut f = io::BufWriter::new(File::create(&out)?);
            let n = this.copy_to(&hash, &mut f)?;
            f.flush()?;
            Ok(n)
        })
        .await
        .map_err(|e| StoreError::Io(io::Error::other(e)))?
    }

    /// Reads blob `hash` through, checking that it decrypts and matches its name.
    pub async fn verify(&self, hash: &str) -> Result<u64> {
        let this = self.clone();
        let hash = hash.to_string();
        tokio::task::spawn_blocking(move || this.copy_to(&hash, &mut io::sink()))
            .await
            .map_err(|e| StoreError::Io(io::Error::other(e)))?
    }

    /// The names of every stored blob.
    pub fn list(&self) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for dir in fs::read_dir(&self.root)? {
            let dir = dir?;
            let name = dir.file_name().to_string_lossy().into_owned();
            if name.len() != 2 || !dir.file_type()?.is_dir() {
                continue;
            }
            for f in fs::read_dir(dir.path())? {
                let f = f?.file_name().to_string_lossy().into_owned();
                if valid_hash(&f) {
                    out.push(f);
                }
            }
        }
        out.sort();
        Ok(out)
    }

    pub fn remove(&self, hash: &str) -> Result<()> {
        if !valid_hash(hash) {
            return Err(StoreError::NotFound);
        }
        fs::remove_file(self.path_of(hash))?;
        Ok(())
    }

    /// Leftover temp files of writes that never finished (a crash between write and rename).
    pub fn clear_temp(&self) -> Result<usize> {
        let mut n = 0;
        for f in fs::read_dir(self.root.join("tmp"))? {
            fs::remove_file(f?.path())?;
            n += 1;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (tempfile::TempDir, BlobStore) {
        let dir = tempfile::tempdir().unwrap();
        let keys = Keys::from_hex(&"42".repeat(32)).unwrap();
        let s = BlobStore::local(&dir.path().join("blobs"), &keys).unwrap();
        (dir, s)
    }

    #[test]
    fn round_trip_for_sizes_around_chunk_boundaries() {
        let (_d, s) = store();
        for size in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17] {
            let data: Vec<u8> = (0..size).map(|i| (i % 251) as u8).collect();
            let r = s.put_reader(&mut &data[..]).unwrap();
            assert_eq!(r.size, size as u64);
            let mut back = Vec::new();
            s.copy_to(&r.hash, &mut back).unwrap();
            assert_eq!(back, data, "size {size}");
        }
    }

    #[test]
    fn same_content_is_stored_once_and_encrypted() {
        let (_d, s) = store();
        let text = b"Claimant statement: the quick brown fox jumps over the lazy dog".repeat(100);
        let a = s.put_reader(&mut &text[..]).unwrap();
        let b = s.put_reader(&mut &text[..]).unwrap();
        assert_eq!(a, b);
        assert_eq!(s.list().unwrap(), vec![a.hash.clone()]);
        let raw = fs::read(s.path_of(&a.hash)).unwrap();
        assert!(!raw.windows(9).any(|w| w == b"Claimant "));
        assert!(fs::read_dir(s.root.join("tmp")).unwrap().next().is_none());
    }

    #[test]
    fn tampering_and_truncation_are_detected() {
        let (_d, s) = store();
        let data = vec![7u8; 2 * CHUNK + 5];
        let r = s.put_reader(&mut &data[..]).unwrap();
        let path = s.path_of(&r.hash);
        let good = fs::read(&path).unwrap();
        let mut flipped = good.clone();
        flipped[100] ^= 1;
        fs::write(&path, &flipped).unwrap();
        assert!(s.copy_to(&r.hash, &mut io::sink()).is_err());
        // Cut exactly at a chunk boundary: the now-last chunk was not sealed as last.
        fs::write(&path, &good[..12 + CHUNK + TAG]).unwrap();
        assert!(s.copy_to(&r.hash, &mut io::sink()).is_err());
        fs::write(&path, &good).unwrap();
        assert_eq!(
            s.copy_to(&r.hash, &mut io::sink()).unwrap(),
            data.len() as u64
        );
        assert!(matches!(
            s.copy_to("../../etc/passwd", &mut io::sink()),
            Err(StoreError::NotFound)
        ));
    }
}
