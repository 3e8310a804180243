//! Encrypted, content-addressed blob storage.
//!
//! A blob is named by HMAC-SHA-256(blob-id key, plaintext), so equal files are stored once and
//! nobody without the key can confirm a guessed document by its name. Its content is encrypted
//! with AES-256-GCM in 64 KiB chunks (the STREAM construction: nonce = random 8-byte prefix ‖
//! chunk counter, the last chunk marked in the associated data), so a blob is never held whole
//! in memory and truncation, reordering or tampering fail authentication.
//!
//! Two backends keep the blobs:
//! - a local directory: temp file → fsync → rename into place → fsync the directory;
//! - an S3 bucket: the same encrypted temp file in a local scratch directory, then `HEAD` (an
//!   existing object is the same content: skip) and a streaming `PUT` (multipart when large);
//!   reading downloads into the scratch directory and decrypts from there.
//!
//! Only after that does the caller commit the database row that refers to the blob.
//!
//! `put_reader` and `copy_to` are blocking (call them from a blocking thread); on S3 they run
//! their requests on a thread and runtime of their own. The async methods do the file work on
//! blocking threads and the requests on the caller's task.

use crate::error::{Result, StoreError};
use crate::keys::Keys;
use crate::s3::{Bucket, S3Config};
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::fs::{self, File};
use std::future::Future;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const MAGIC: &[u8; 4] = b"WTB1";
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;

/// A stored blob: its name and plaintext size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobRef {
    pub hash: String,
    pub size: u64,
}

/// A stored blob as listed: its name, its stored (encrypted) size and when it was written
/// (`None` when the backend does not say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobInfo {
    pub hash: String,
    pub stored_size: u64,
    pub modified: Option<std::time::SystemTime>,
}

#[derive(Clone)]
enum Backend {
    /// Blobs in `root/ab/abcd…`, temp files in `root/tmp`.
    Local { root: PathBuf },
    /// Blobs at `prefix/ab/abcd…` in a bucket; temp files (ciphertext only) in `scratch`.
    S3 {
        bucket: Arc<Bucket>,
        scratch: PathBuf,
    },
}

#[derive(Clone)]
pub struct BlobStore {
    backend: Backend,
    cipher_key: [u8; 32],
    id_key: [u8; 32],
}

impl std::fmt::Debug for BlobStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BlobStore({})", self.location())
    }
}

pub(crate) fn valid_hash(hash: &str) -> bool {
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

fn join_error(e: tokio::task::JoinError) -> StoreError {
    StoreError::Io(io::Error::other(e))
}

/// A temp file that is removed when dropped, unless it was moved into place.
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl TempFile {
    /// A new random name in `dir` (the file is not created).
    fn new_in(dir: &Path) -> TempFile {
        let mut name = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut name);
        TempFile {
            path: dir.join(hex::encode(name)),
            keep: false,
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// Encrypted content in a temp file, named but not yet stored.
struct Sealed {
    tmp: TempFile,
    blob: BlobRef,
}

/// Runs an S3 future from blocking code on a thread of its own, with its own runtime and
/// connection pool: the caller's runtime cannot be used, since `Handle::block_on` panics on an
/// async worker thread (a thread per call costs far less than the upload or download it runs).
fn block_on_s3<T, F, Fut>(bucket: &Bucket, op: F) -> Result<T>
where
    T: Send,
    F: FnOnce(Bucket) -> Fut + Send,
    Fut: Future<Output = Result<T>>,
{
    let bucket = bucket.reconnect()?;
    std::thread::scope(|s| {
        s.spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?
                .block_on(op(bucket))
        })
        .join()
        .unwrap_or_else(|_| Err(StoreError::Io(io::Error::other("S3 request thread failed"))))
    })
}

impl BlobStore {
    /// A blob store in the local directory `root` (created when missing).
    pub fn local(root: &Path, keys: &Keys) -> Result<BlobStore> {
        crate::private::create_dir_all(&root.join("tmp"))?;
        Ok(BlobStore {
            backend: Backend::Local {
                root: root.to_path_buf(),
            },
            cipher_key: keys.derive("blob-encryption"),
            id_key: keys.derive("blob-id"),
        })
    }

    /// A blob store in an S3 bucket, with temp files (ciphertext only) in the local directory
    /// `scratch` (created when missing). Makes no request: a wrong endpoint or key shows in
    /// the first read or write.
    pub fn s3(config: S3Config, scratch: &Path, keys: &Keys) -> Result<BlobStore> {
        crate::private::create_dir_all(scratch)?;
        Ok(BlobStore {
            backend: Backend::S3 {
                bucket: Arc::new(Bucket::new(config)?),
                scratch: scratch.to_path_buf(),
            },
            cipher_key: keys.derive("blob-encryption"),
            id_key: keys.derive("blob-id"),
        })
    }

    /// The local directory of the store: the blob directory, or for S3 the scratch directory.
    pub fn root(&self) -> &Path {
        match &self.backend {
            Backend::Local { root } => root,
            Backend::S3 { scratch, .. } => scratch,
        }
    }

    /// Where the blobs are, for people: a directory, or `s3://bucket/prefix (endpoint)`.
    pub fn location(&self) -> String {
        match &self.backend {
            Backend::Local { root } => root.display().to_string(),
            Backend::S3 { bucket, .. } => {
                let c = bucket.config();
                format!("{} ({})", c.url(), c.endpoint)
            }
        }
    }

    fn temp_dir(&self) -> PathBuf {
        match &self.backend {
            Backend::Local { root } => root.join("tmp"),
            Backend::S3 { scratch, .. } => scratch.clone(),
        }
    }

    fn path_of(root: &Path, hash: &str) -> PathBuf {
        root.join(&hash[..2]).join(hash)
    }

    fn cipher(&self) -> Result<Aes256Gcm> {
        Aes256Gcm::new_from_slice(&self.cipher_key)
            .map_err(|_| StoreError::Crypto("bad key length"))
    }

    fn id_mac(&self) -> Result<Hmac<Sha256>> {
        <Hmac<Sha256> as Mac>::new_from_slice(&self.id_key)
            .map_err(|_| StoreError::Crypto("bad key length"))
    }

    /// Encrypts the plaintext read from `input` into a temp file and names it. Blocking.
    fn seal(&self, input: &mut impl Read) -> Result<Sealed> {
        let cipher = self.cipher()?;
        let mut mac = self.id_mac()?;
        let mut prefix = [0u8; 8];
        rand::rngs::OsRng.fill_bytes(&mut prefix);
        let tmp = TempFile::new_in(&self.temp_dir());
        let mut out = io::BufWriter::with_capacity(CHUNK + TAG, crate::private::create(&tmp.path)?);
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
        if matches!(self.backend, Backend::Local { .. }) {
            // On S3 the temp file is only the source of the upload; the PUT makes it durable.
            file.sync_all()?;
        }
        drop(file);
        let hash = hex::encode(mac.finalize().into_bytes());
        Ok(Sealed {
            tmp,
            blob: BlobRef { hash, size },
        })
    }

    /// Moves a sealed temp file into the local directory `root`. Blocking.
    fn publish_local(root: &Path, mut sealed: Sealed) -> Result<BlobRef> {
        let dest = BlobStore::path_of(root, &sealed.blob.hash);
        let dir = dest
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| root.to_path_buf());
        crate::private::create_dir_all(&dir)?;
        if !dest.exists() {
            fs::rename(&sealed.tmp.path, &dest)?;
            sealed.tmp.keep = true;
            fsync_dir(&dir)?;
        }
        Ok(sealed.blob)
    }

    /// Uploads a sealed temp file unless the bucket has the blob already.
    async fn publish_s3(bucket: &Bucket, sealed: Sealed) -> Result<BlobRef> {
        if !bucket.exists(&sealed.blob.hash).await? {
            bucket.upload(&sealed.blob.hash, &sealed.tmp.path).await?;
        }
        Ok(sealed.blob)
    }

    /// Encrypts the plaintext read from `input` into the store. Blocking: call from a blocking
    /// thread. Returns the blob's name and size; storing the same content twice keeps one copy.
    pub fn put_reader(&self, input: &mut impl Read) -> Result<BlobRef> {
        let sealed = self.seal(input)?;
        match &self.backend {
            Backend::Local { root } => BlobStore::publish_local(root, sealed),
            Backend::S3 { bucket, .. } => block_on_s3(bucket, |b| async move {
                BlobStore::publish_s3(&b, sealed).await
            }),
        }
    }

    /// Encrypts and stores the file at `path` (the file work on a blocking thread).
    pub async fn put_file(&self, path: PathBuf) -> Result<BlobRef> {
        let this = self.clone();
        match &self.backend {
            Backend::Local { .. } => tokio::task::spawn_blocking(move || {
                this.put_reader(&mut io::BufReader::with_capacity(CHUNK, File::open(&path)?))
            })
            .await
            .map_err(join_error)?,
            Backend::S3 { bucket, .. } => {
                let sealed = tokio::task::spawn_blocking(move || {
                    this.seal(&mut io::BufReader::with_capacity(CHUNK, File::open(&path)?))
                })
                .await
                .map_err(join_error)??;
                BlobStore::publish_s3(bucket, sealed).await
            }
        }
    }

    fn open_local(root: &Path, hash: &str) -> Result<File> {
        match File::open(BlobStore::path_of(root, hash)) {
            Ok(f) => Ok(f),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(StoreError::NotFound),
            Err(e) => Err(e.into()),
        }
    }

    /// Downloads blob `hash` from the bucket into a scratch file.
    async fn fetch(bucket: &Bucket, scratch: &Path, hash: &str) -> Result<TempFile> {
        let tmp = TempFile::new_in(scratch);
        bucket.download(hash, &tmp.path).await?;
        Ok(tmp)
    }

    /// Decrypts blob `hash` into `out`, checking every chunk and the blob's name. Blocking.
    pub fn copy_to(&self, hash: &str, out: &mut impl Write) -> Result<u64> {
        if !valid_hash(hash) {
            return Err(StoreError::NotFound);
        }
        match &self.backend {
            Backend::Local { root } => self.decrypt(BlobStore::open_local(root, hash)?, hash, out),
            Backend::S3 { bucket, scratch } => {
                let tmp = block_on_s3(bucket, |b| async move {
                    BlobStore::fetch(&b, scratch, hash).await
                })?;
                self.decrypt(File::open(&tmp.path)?, hash, out)
            }
        }
    }

    /// Decrypts the stored form of blob `hash` read from `input` into `out`. Blocking.
    fn decrypt(&self, input: File, hash: &str, out: &mut impl Write) -> Result<u64> {
        let mut input = io::BufReader::with_capacity(CHUNK + TAG, input);
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

    /// Decrypts blob `hash` on a blocking thread into the file `out`, or nowhere (`None`, to
    /// verify it); on S3 it is downloaded first.
    async fn decrypt_to(&self, hash: &str, out: Option<PathBuf>) -> Result<u64> {
        if !valid_hash(hash) {
            return Err(StoreError::NotFound);
        }
        let tmp = match &self.backend {
            Backend::Local { .. } => None,
            Backend::S3 { bucket, scratch } => Some(BlobStore::fetch(bucket, scratch, hash).await?),
        };
        let this = self.clone();
        let hash = hash.to_string();
        tokio::task::spawn_blocking(move || {
            let input = match &tmp {
                Some(tmp) => File::open(&tmp.path)?,
                None => match &this.backend {
                    Backend::Local { root } => BlobStore::open_local(root, &hash)?,
                    Backend::S3 { .. } => return Err(StoreError::NotFound),
                },
            };
            match out {
                Some(path) => {
                    let mut f = io::BufWriter::new(crate::private::create(&path)?);
                    let n = this.decrypt(input, &hash, &mut f)?;
                    f.flush()?;
                    Ok(n)
                }
                None => this.decrypt(input, &hash, &mut io::sink()),
            }
        })
        .await
        .map_err(join_error)?
    }

    /// Decrypts blob `hash` to the file `out` (for downloads and page rendering).
    pub async fn read_to_file(&self, hash: &str, out: PathBuf) -> Result<u64> {
        self.decrypt_to(hash, Some(out)).await
    }

    /// Reads blob `hash` through, checking that it decrypts and matches its name.
    pub async fn verify(&self, hash: &str) -> Result<u64> {
        self.decrypt_to(hash, None).await
    }

    /// The names of every stored blob, sorted.
    pub async fn list(&self) -> Result<Vec<String>> {
        Ok(self
            .list_detailed()
            .await?
            .into_iter()
            .map(|b| b.hash)
            .collect())
    }

    /// Every stored blob with its stored size and write time (from the file, or S3's
    /// `LastModified`), sorted by name: for telling a fresh blob whose row is not committed yet
    /// from an old orphan.
    pub async fn list_detailed(&self) -> Result<Vec<BlobInfo>> {
        match &self.backend {
            Backend::Local { root } => {
                let root = root.clone();
                tokio::task::spawn_blocking(move || BlobStore::list_local(&root))
                    .await
                    .map_err(join_error)?
            }
            Backend::S3 { bucket, .. } => bucket.list().await,
        }
    }

    fn list_local(root: &Path) -> Result<Vec<BlobInfo>> {
        let mut out = Vec::new();
        for dir in fs::read_dir(root)? {
            let dir = dir?;
            let name = dir.file_name().to_string_lossy().into_owned();
            if name.len() != 2 || !dir.file_type()?.is_dir() {
                continue;
            }
            for f in fs::read_dir(dir.path())? {
                let f = f?;
                let hash = f.file_name().to_string_lossy().into_owned();
                if valid_hash(&hash) {
                    let meta = f.metadata()?;
                    out.push(BlobInfo {
                        hash,
                        stored_size: meta.len(),
                        modified: meta.modified().ok(),
                    });
                }
            }
        }
        out.sort_by(|a, b| a.hash.cmp(&b.hash));
        Ok(out)
    }

    /// Removes blob `hash`. Removing a blob that is not there is not an error (as in S3).
    pub async fn remove(&self, hash: &str) -> Result<()> {
        if !valid_hash(hash) {
            return Err(StoreError::NotFound);
        }
        match &self.backend {
            Backend::Local { root } => {
                match tokio::fs::remove_file(BlobStore::path_of(root, hash)).await {
                    Ok(()) => Ok(()),
                    Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
                    Err(e) => Err(e.into()),
                }
            }
            Backend::S3 { bucket, .. } => bucket.delete(hash).await,
        }
    }

    /// Removes leftover temp files of writes and reads that never finished (a crash between
    /// write and rename or upload). Call at start-up, before any write.
    ///
    /// Only files untouched for an hour go: another process on the same data directory (an
    /// import beside a running server) may be writing the younger ones right now.
    pub fn clear_temp(&self) -> Result<usize> {
        let mut n = 0;
        let hour = std::time::Duration::from_secs(3600);
        for f in fs::read_dir(self.temp_dir())? {
            let f = f?;
            let old = f
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > hour);
            if old {
                fs::remove_file(f.path())?;
                n += 1;
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys::from_hex(&"42".repeat(32)).unwrap()
    }

    fn store() -> (tempfile::TempDir, BlobStore) {
        let dir = tempfile::tempdir().unwrap();
        let s = BlobStore::local(&dir.path().join("blobs"), &keys()).unwrap();
        (dir, s)
    }

    fn sample(size: usize) -> Vec<u8> {
        (0..size).map(|i| (i % 251) as u8).collect()
    }

    #[test]
    fn round_trip_for_sizes_around_chunk_boundaries() {
        let (_d, s) = store();
        for size in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 3 * CHUNK + 17] {
            let data = sample(size);
            let r = s.put_reader(&mut &data[..]).unwrap();
            assert_eq!(r.size, size as u64);
            let mut back = Vec::new();
            s.copy_to(&r.hash, &mut back).unwrap();
            assert_eq!(back, data, "size {size}");
        }
    }

    #[tokio::test]
    async fn same_content_is_stored_once_and_encrypted() {
        let (_d, s) = store();
        let text = b"Claimant statement: the quick brown fox jumps over the lazy dog".repeat(100);
        let a = s.put_reader(&mut &text[..]).unwrap();
        let b = s.put_reader(&mut &text[..]).unwrap();
        assert_eq!(a, b);
        assert_eq!(s.list().await.unwrap(), vec![a.hash.clone()]);
        let raw = fs::read(BlobStore::path_of(s.root(), &a.hash)).unwrap();
        let listed = s.list_detailed().await.unwrap();
        assert_eq!(listed[0].stored_size, raw.len() as u64);
        assert!(listed[0].modified.unwrap().elapsed().unwrap().as_secs() < 60);
        assert!(!raw.windows(9).any(|w| w == b"Claimant "));
        assert!(fs::read_dir(s.root().join("tmp")).unwrap().next().is_none());
        s.remove(&a.hash).await.unwrap();
        s.remove(&a.hash).await.unwrap();
        assert!(s.list().await.unwrap().is_empty());
        assert!(matches!(s.verify(&a.hash).await, Err(StoreError::NotFound)));
    }

    #[test]
    fn tampering_and_truncation_are_detected() {
        let (_d, s) = store();
        let data = vec![7u8; 2 * CHUNK + 5];
        let r = s.put_reader(&mut &data[..]).unwrap();
        let path = BlobStore::path_of(s.root(), &r.hash);
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

    #[tokio::test]
    async fn unfinished_writes_are_cleared_once_old() {
        let (_d, s) = store();
        let old = s.root().join("tmp").join("0123");
        fs::write(&old, b"half").unwrap();
        fs::write(s.root().join("tmp").join("4567"), b"being written").unwrap();
        // A fresh temp file may belong to another process's write in progress: kept.
        assert_eq!(s.clear_temp().unwrap(), 0);
        let two_hours_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(7200);
        fs::File::options()
            .write(true)
            .open(&old)
            .unwrap()
            .set_modified(two_hours_ago)
            .unwrap();
        assert_eq!(s.clear_temp().unwrap(), 1);
        assert!(!old.exists());
        assert_eq!(s.clear_temp().unwrap(), 0);
    }

    // --- S3: run against the bucket named by WORKTRACK_TEST_S3_* (scripts/test.sh starts
    // s3s-fs and sets them), each test under a prefix of its own.

    fn s3_config() -> Option<S3Config> {
        let var = |k: &str| std::env::var(k).ok().filter(|v| !v.is_empty());
        let (Some(endpoint), Some(access_key), Some(secret_key), Some(bucket)) = (
            var("WORKTRACK_TEST_S3_ENDPOINT"),
            var("WORKTRACK_TEST_S3_ACCESS_KEY"),
            var("WORKTRACK_TEST_S3_SECRET_KEY"),
            var("WORKTRACK_TEST_S3_BUCKET"),
        ) else {
            eprintln!(
                "skipped: S3 blob store test (set WORKTRACK_TEST_S3_ENDPOINT, _ACCESS_KEY, \
                 _SECRET_KEY and _BUCKET, as scripts/test.sh does)"
            );
            return None;
        };
        let mut p = [0u8; 6];
        rand::rngs::OsRng.fill_bytes(&mut p);
        Some(S3Config {
            endpoint,
            region: var("WORKTRACK_TEST_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
            bucket,
            prefix: format!("unit-{}/blobs", hex::encode(p)),
            access_key,
            secret_key,
        })
    }

    fn s3_store() -> Option<(tempfile::TempDir, BlobStore)> {
        let config = s3_config()?;
        let dir = tempfile::tempdir().unwrap();
        let s = BlobStore::s3(config, &dir.path().join("scratch"), &keys()).unwrap();
        Some((dir, s))
    }

    fn bucket_mut(s: &mut BlobStore) -> &mut Bucket {
        match &mut s.backend {
            Backend::S3 { bucket, .. } => Arc::get_mut(bucket).unwrap(),
            Backend::Local { .. } => panic!("not an S3 store"),
        }
    }

    fn scratch_is_empty(s: &BlobStore) -> bool {
        fs::read_dir(s.root()).unwrap().next().is_none()
    }

    #[tokio::test]
    async fn s3_round_trip_sync_and_async() {
        let Some((dir, s)) = s3_store() else { return };
        for (i, size) in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK + 17]
            .into_iter()
            .enumerate()
        {
            let data = sample(size);
            // Alternate the blocking and the async entry points.
            let r = if i % 2 == 0 {
                let (s2, d2) = (s.clone(), data.clone());
                tokio::task::spawn_blocking(move || s2.put_reader(&mut &d2[..]))
                    .await
                    .unwrap()
                    .unwrap()
            } else {
                let src = dir.path().join("plain");
                fs::write(&src, &data).unwrap();
                s.put_file(src).await.unwrap()
            };
            assert_eq!(r.size, size as u64);
            let out = dir.path().join("back");
            assert_eq!(s.read_to_file(&r.hash, out.clone()).await.unwrap(), r.size);
            assert_eq!(fs::read(&out).unwrap(), data, "size {size}");
            let (s2, h) = (s.clone(), r.hash.clone());
            let back = tokio::task::spawn_blocking(move || {
                let mut v = Vec::new();
                s2.copy_to(&h, &mut v).map(|_| v)
            })
            .await
            .unwrap()
            .unwrap();
            assert_eq!(back, data);
            assert_eq!(s.verify(&r.hash).await.unwrap(), r.size);
        }
        assert!(scratch_is_empty(&s), "temp files left behind");
    }

    #[tokio::test]
    async fn s3_same_content_once_list_pages_and_remove() {
        let Some((_dir, mut s)) = s3_store() else {
            return;
        };
        bucket_mut(&mut s).list_page = 2;
        let text = b"Pay stub, period ending 2024-05-31".repeat(50);
        let a = s.put_file_bytes(&text).await;
        let b = s.put_file_bytes(&text).await;
        assert_eq!(a, b);
        let mut hashes = vec![a.hash.clone()];
        for i in 0..4u8 {
            hashes.push(s.put_file_bytes(&[i; 100]).await.hash);
        }
        hashes.sort();
        // Five blobs in pages of two: three ListObjectsV2 calls.
        assert_eq!(s.list().await.unwrap(), hashes);
        let detailed = s.list_detailed().await.unwrap();
        let first = detailed.iter().find(|b| b.hash == a.hash).unwrap();
        assert_eq!(first.stored_size, 12 + TAG as u64 + text.len() as u64);
        let age = first.modified.unwrap().elapsed().unwrap_or_default();
        assert!(age.as_secs() < 60, "{age:?}");
        s.remove(&a.hash).await.unwrap();
        s.remove(&a.hash).await.unwrap();
        assert!(!s.list().await.unwrap().contains(&a.hash));
        assert!(matches!(s.verify(&a.hash).await, Err(StoreError::NotFound)));
        assert!(matches!(s.remove("../x").await, Err(StoreError::NotFound)));
        assert!(scratch_is_empty(&s));
    }

    #[tokio::test]
    async fn s3_large_blobs_go_up_in_parts() {
        let Some((dir, mut s)) = s3_store() else {
            return;
        };
        // Small parts for the test (S3's smallest part is 5 MiB but for the last).
        let bucket = bucket_mut(&mut s);
        bucket.part_size = 5 * 1024 * 1024;
        bucket.multipart_threshold = 6 * 1024 * 1024;
        let data = sample(11 * 1024 * 1024 + 333);
        let r = s.put_file_bytes(&data).await;
        let out = dir.path().join("back");
        s.read_to_file(&r.hash, out.clone()).await.unwrap();
        assert!(fs::read(&out).unwrap() == data);
        assert_eq!(s.list().await.unwrap(), vec![r.hash]);
    }

    #[tokio::test]
    async fn s3_tampering_is_detected() {
        let Some((dir, s)) = s3_store() else { return };
        let r = s.put_file_bytes(&vec![9u8; 2 * CHUNK + 5]).await;
        let Backend::S3 { bucket, .. } = &s.backend else {
            unreachable!()
        };
        let raw_path = dir.path().join("raw");
        bucket.download(&r.hash, &raw_path).await.unwrap();
        let mut raw = fs::read(&raw_path).unwrap();
        assert_eq!(raw.len(), 12 + 3 * TAG + 2 * CHUNK + 5);
        raw[200] ^= 1;
        bucket.put_raw(&r.hash, raw).await.unwrap();
        assert!(matches!(
            s.verify(&r.hash).await,
            Err(StoreError::Crypto(_))
        ));
    }

    #[tokio::test]
    async fn s3_blocking_calls_on_an_async_thread_block_but_work() {
        let Some((_dir, s)) = s3_store() else { return };
        let data = sample(CHUNK + 5);
        let r = s.put_reader(&mut &data[..]).unwrap();
        let mut back = Vec::new();
        s.copy_to(&r.hash, &mut back).unwrap();
        assert_eq!(back, data);
    }

    #[test]
    fn s3_blocking_calls_work_outside_a_runtime() {
        let Some((_dir, s)) = s3_store() else { return };
        let data = sample(CHUNK + 3);
        let r = s.put_reader(&mut &data[..]).unwrap();
        let again = s.put_reader(&mut &data[..]).unwrap();
        assert_eq!(r, again);
        let mut back = Vec::new();
        s.copy_to(&r.hash, &mut back).unwrap();
        assert_eq!(back, data);
        let missing = "0".repeat(64);
        assert!(matches!(
            s.copy_to(&missing, &mut io::sink()),
            Err(StoreError::NotFound)
        ));
    }

    #[tokio::test]
    async fn s3_wrong_secret_is_reported_without_the_secret() {
        let Some(mut config) = s3_config() else {
            return;
        };
        config.secret_key = "not-the-secret-1234".into();
        let dir = tempfile::tempdir().unwrap();
        let s = BlobStore::s3(config, &dir.path().join("scratch"), &keys()).unwrap();
        let err = s.put_file_bytes_result(b"x").await.unwrap_err().to_string();
        assert!(err.contains("HTTP 403"), "{err}");
        assert!(!err.contains("not-the-secret"), "{err}");
        assert!(scratch_is_empty(&s));
    }

    impl BlobStore {
        async fn put_file_bytes_result(&self, data: &[u8]) -> Result<BlobRef> {
            let dir = tempfile::tempdir().unwrap();
            let p = dir.path().join("in");
            fs::write(&p, data).unwrap();
            self.put_file(p).await
        }

        async fn put_file_bytes(&self, data: &[u8]) -> BlobRef {
            self.put_file_bytes_result(data).await.unwrap()
        }
    }
}
