//! Encrypted, content-addressed blob storage.
//!
//! A blob is named by HMAC-SHA-256(blob-id key, plaintext), so equal files are stored once and
//! nobody without the key can confirm a guessed document by its name. Its content is encrypted
//! with AES-256-GCM in 64 KiB chunks (the STREAM construction: nonce = random 8-byte prefix ‖
//! chunk counter, the last chunk marked in the associated data), so a blob is never held whole
//! in memory and truncation, reordering or tampering fail authentication.
//!
//! Two backends keep the blobs, both through the `object_store` crate:
//! - a local directory (`LocalFileSystem`): temp file → fsync → rename into place (unless the
//!   blob is there already) → fsync the directory;
//! - an S3 bucket (`AmazonS3`, see `s3`): the same encrypted temp file in a local scratch
//!   directory, then `HEAD` (an existing object is the same content: skip) and a `PUT`
//!   (multipart when large); reading downloads into the scratch directory and decrypts from
//!   there.
//!
//! Only after that does the caller commit the database row that refers to the blob.
//!
//! `put_reader` and `copy_to` are blocking (call them from a blocking thread). On S3 they hand
//! their requests to the process's S3 runtime and wait (`s3::block_on_io`): that works outside
//! any runtime, on a blocking thread, and even on an async worker thread (which it blocks),
//! where `Handle::block_on` would panic. On the local directory they wait on the calling thread
//! for `LocalFileSystem`, which does its file work inline outside a runtime and on a blocking
//! thread inside one. The async methods do the file work on blocking threads and await the
//! requests on the caller's task.

use crate::error::{Result, StoreError};
use crate::keys::Keys;
use crate::s3::{block_on_io, Bucket, S3Config};
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use futures::StreamExt;
use hmac::{Hmac, Mac};
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::{GetResultPayload, ObjectStore};
use rand::RngCore;
use sha2::Sha256;
use std::fs::{self, File};
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
    Local {
        root: PathBuf,
        files: Arc<LocalFileSystem>,
    },
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

/// Reads `input` in chunks of `len` bytes, one ahead so that the last is known, and hands each
/// to `f` with its number (the nonce counter) and whether it is the last. A stream of more
/// chunks than the counter numbers is refused with `too_long`.
fn chunks(
    input: &mut impl Read,
    len: usize,
    too_long: &'static str,
    mut f: impl FnMut(&[u8], u32, bool) -> Result<()>,
) -> Result<()> {
    let mut cur = vec![0u8; len];
    let mut next = vec![0u8; len];
    let mut cur_len = read_full(input, &mut cur)?;
    let mut counter: u32 = 0;
    loop {
        let next_len = if cur_len == len {
            read_full(input, &mut next)?
        } else {
            0
        };
        let last = next_len == 0;
        f(&cur[..cur_len], counter, last)?;
        if last {
            return Ok(());
        }
        counter = counter.checked_add(1).ok_or(StoreError::Crypto(too_long))?;
        std::mem::swap(&mut cur, &mut next);
        cur_len = next_len;
    }
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

/// An `object_store` error of the local directory: a missing file is [`StoreError::NotFound`].
fn local_error(e: object_store::Error) -> StoreError {
    match e {
        object_store::Error::NotFound { .. } => StoreError::NotFound,
        e => StoreError::Io(io::Error::other(e.to_string())),
    }
}

/// The object of blob `hash` in the local directory: `ab/abcd…`.
fn local_path(hash: &str) -> ObjectPath {
    ObjectPath::from_iter([&hash[..2.min(hash.len())], hash])
}

impl BlobStore {
    /// A blob store in the local directory `root` (created when missing).
    pub fn local(root: &Path, keys: &Keys) -> Result<BlobStore> {
        crate::private::create_dir_all(&root.join("tmp"))?;
        let files = LocalFileSystem::new_with_prefix(root).map_err(local_error)?;
        Ok(BlobStore {
            backend: Backend::Local {
                root: root.to_path_buf(),
                files: Arc::new(files),
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
            Backend::Local { root, .. } => root,
            Backend::S3 { scratch, .. } => scratch,
        }
    }

    /// Where the blobs are, for people: a directory, or `s3://bucket/prefix (endpoint)`.
    pub fn location(&self) -> String {
        match &self.backend {
            Backend::Local { root, .. } => root.display().to_string(),
            Backend::S3 { bucket, .. } => {
                let c = bucket.config();
                format!("{} ({})", c.url(), c.endpoint)
            }
        }
    }

    fn temp_dir(&self) -> PathBuf {
        match &self.backend {
            Backend::Local { root, .. } => root.join("tmp"),
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
        let mut size: u64 = 0;
        let too_long = "blob too large for one nonce prefix";
        chunks(input, CHUNK, too_long, |chunk, counter, last| {
            mac.update(chunk);
            size += chunk.len() as u64;
            let mut buf = chunk.to_vec();
            cipher
                .encrypt_in_place(
                    Nonce::from_slice(&nonce(&prefix, counter)),
                    &[u8::from(last)],
                    &mut buf,
                )
                .map_err(|_| StoreError::Crypto("blob encryption failed"))?;
            out.write_all(&buf)?;
            Ok(())
        })?;
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

    /// Moves a sealed temp file into the local directory `root` unless the blob is there
    /// already. Blocking.
    fn publish_local(root: &Path, files: &LocalFileSystem, mut sealed: Sealed) -> Result<BlobRef> {
        let dest = local_path(&sealed.blob.hash);
        let dir = BlobStore::path_of(root, &sealed.blob.hash)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| root.to_path_buf());
        // Made here rather than by `object_store`, for the mode (0700).
        crate::private::create_dir_all(&dir)?;
        let exists = match futures::executor::block_on(files.head(&dest)) {
            Ok(_) => true,
            Err(object_store::Error::NotFound { .. }) => false,
            Err(e) => return Err(local_error(e)),
        };
        if !exists {
            let name = sealed
                .tmp
                .path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let from = ObjectPath::from_iter(["tmp", name.as_str()]);
            futures::executor::block_on(files.rename(&from, &dest)).map_err(local_error)?;
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
            Backend::Local { root, files } => BlobStore::publish_local(root, files, sealed),
            Backend::S3 { bucket, .. } => {
                let bucket = Arc::clone(bucket);
                block_on_io(async move { BlobStore::publish_s3(&bucket, sealed).await })
            }
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

    /// Opens blob `hash` of the local directory. Blocking.
    fn open_local(files: &LocalFileSystem, hash: &str) -> Result<File> {
        let got = futures::executor::block_on(files.get(&local_path(hash))).map_err(local_error)?;
        match got.payload {
            GetResultPayload::File(file, _) => Ok(file),
            GetResultPayload::Stream(_) => Err(StoreError::Io(io::Error::other(
                "the local blob store answered with a stream, not a file",
            ))),
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
            Backend::Local { files, .. } => {
                self.decrypt(BlobStore::open_local(files, hash)?, hash, out)
            }
            Backend::S3 { bucket, scratch } => {
                let (bucket, scratch, name) =
                    (Arc::clone(bucket), scratch.clone(), hash.to_string());
                let tmp =
                    block_on_io(async move { BlobStore::fetch(&bucket, &scratch, &name).await })?;
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
        let mut size = 0u64;
        chunks(
            &mut input,
            CHUNK + TAG,
            "blob too long",
            |chunk, counter, last| {
                if chunk.len() < TAG {
                    return Err(StoreError::Crypto("blob is truncated"));
                }
                let mut buf = chunk.to_vec();
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
                Ok(())
            },
        )?;
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
                    Backend::Local { files, .. } => BlobStore::open_local(files, &hash)?,
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
            Backend::Local { files, .. } => BlobStore::list_local(files).await,
            Backend::S3 { bucket, .. } => bucket.list().await,
        }
    }

    /// The blobs of the local directory: files `ab/<hash>` (temp files and anything else
    /// left out).
    async fn list_local(files: &LocalFileSystem) -> Result<Vec<BlobInfo>> {
        let mut out = Vec::new();
        let mut listing = files.list(None);
        while let Some(meta) = listing.next().await {
            let meta = meta.map_err(local_error)?;
            let parts: Vec<_> = meta.location.parts().collect();
            let [dir, name] = parts.as_slice() else {
                continue;
            };
            if dir.as_ref().len() == 2 && valid_hash(name.as_ref()) {
                out.push(BlobInfo {
                    hash: name.as_ref().to_string(),
                    stored_size: meta.size,
                    modified: Some(std::time::SystemTime::from(meta.last_modified)),
                });
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
            Backend::Local { files, .. } => match files.delete(&local_path(hash)).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(local_error(e)),
            },
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
#[path = "blobs_tests.rs"]
mod tests;
