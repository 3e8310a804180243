//! Uploads in progress, encrypted as they arrive.
//!
//! A tus upload's `<id>.part` (and a multipart body's `<id>.multipart`) holds the bytes
//! received so far as a sequence of AES-256-GCM records, never as plaintext:
//!
//! ```text
//! "WTU1" ‖ record ‖ record ‖ …
//! record = length (u32 BE, 1..=64 KiB) ‖ nonce (12 random bytes) ‖ ciphertext ‖ tag (16)
//! ```
//!
//! - **Key**: one per upload, HMAC-SHA-256(the master key's `upload-part` key, upload id).
//!   Derived, not stored: nothing to wrap or migrate, a multipart body (which has no row) is
//!   handled the same way, and a crash between creating the file and committing the row cannot
//!   lose a key. Upload ids are 128 random bits and never reused, so no two uploads share a key.
//! - **Nonce**: random per record. A record may be rewritten at the same place (a chunk whose
//!   checksum fails is cut off and sent again), so a counter nonce would repeat; 96 random bits
//!   per record do not, for far more records than an upload can have.
//! - **Associated data**: the upload id, the record's index, the plaintext offset it starts at
//!   and its length. A record moved to another place or another upload, reordered, or altered
//!   fails authentication; records cut off the end only lower the offset the server reports,
//!   and an upload is taken in only when its records add up to exactly its announced length.
//!
//! The upload offset is the plaintext held in whole records that authenticate: a record torn
//! by a crash in the middle of a write (or `kill -9`) is not counted and is cut off before the
//! next append, so a client resumes exactly from what reached the disk.

use crate::error::{Result, StoreError};
use crate::keys::Keys;
use aes_gcm::aead::{AeadInPlace, KeyInit};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::Sha256;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

const MAGIC: &[u8; 4] = b"WTU1";
/// The largest plaintext in one record.
pub const RECORD_MAX: usize = 64 * 1024;
const LEN: usize = 4;
const NONCE: usize = 12;
const TAG: usize = 16;
const AAD_LABEL: &[u8] = b"worktrack/upload-part/v1";

/// The key of one upload's part file.
#[derive(Clone)]
pub struct PartKey {
    cipher: Aes256Gcm,
    id: String,
}

impl std::fmt::Debug for PartKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "PartKey({}, ***)", self.id)
    }
}

/// What a part file holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PartState {
    /// Plaintext bytes in whole records that authenticate: the upload offset.
    pub offset: u64,
    /// How many such records.
    pub records: u64,
    /// Where the last of them ends in the file.
    pub end: u64,
    /// The file's length: more than `end` after a torn write or a damaged record.
    pub file_len: u64,
    /// A whole record did not authenticate (damage or tampering); it and what follows it are
    /// not counted.
    pub damaged: bool,
}

impl PartKey {
    /// The key of upload `id`.
    pub fn new(keys: &Keys, id: &str) -> Result<PartKey> {
        let base = keys.derive("upload-part");
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&base)
            .map_err(|_| StoreError::Crypto("bad key length"))?;
        mac.update(id.as_bytes());
        let key = mac.finalize().into_bytes();
        Ok(PartKey {
            cipher: Aes256Gcm::new_from_slice(&key)
                .map_err(|_| StoreError::Crypto("bad key length"))?,
            id: id.to_string(),
        })
    }

    fn aad(&self, index: u64, offset: u64, len: u32) -> Vec<u8> {
        let mut aad = Vec::with_capacity(AAD_LABEL.len() + self.id.len() + 21);
        aad.extend_from_slice(AAD_LABEL);
        aad.push(0);
        aad.extend_from_slice(self.id.as_bytes());
        aad.push(0);
        aad.extend_from_slice(&index.to_be_bytes());
        aad.extend_from_slice(&offset.to_be_bytes());
        aad.extend_from_slice(&len.to_be_bytes());
        aad
    }

    /// One record holding `plain` (1..=RECORD_MAX bytes) as record `index` at `offset`.
    fn seal(&self, index: u64, offset: u64, plain: &[u8]) -> Result<Vec<u8>> {
        let len = u32::try_from(plain.len())
            .ok()
            .filter(|&l| l > 0 && l as usize <= RECORD_MAX)
            .ok_or(StoreError::Crypto("record length out of range"))?;
        let mut nonce = [0u8; NONCE];
        rand::rngs::OsRng.fill_bytes(&mut nonce);
        let mut buf = plain.to_vec();
        self.cipher
            .encrypt_in_place(
                Nonce::from_slice(&nonce),
                &self.aad(index, offset, len),
                &mut buf,
            )
            .map_err(|_| StoreError::Crypto("upload encryption failed"))?;
        let mut record = Vec::with_capacity(LEN + NONCE + buf.len());
        record.extend_from_slice(&len.to_be_bytes());
        record.extend_from_slice(&nonce);
        record.extend_from_slice(&buf);
        Ok(record)
    }

    /// The plaintext of `body` (nonce ‖ ciphertext ‖ tag) of record `index` at `offset`.
    fn open(&self, index: u64, offset: u64, len: u32, body: &mut Vec<u8>) -> Result<()> {
        if body.len() != NONCE + len as usize + TAG {
            return Err(StoreError::Crypto("upload record is truncated"));
        }
        let mut ct = body.split_off(NONCE);
        self.cipher
            .decrypt_in_place(
                Nonce::from_slice(body),
                &self.aad(index, offset, len),
                &mut ct,
            )
            .map_err(|_| {
                StoreError::Crypto("upload record does not authenticate (damaged or moved)")
            })?;
        *body = ct;
        Ok(())
    }
}

/// Reads the length of the record at the reader's position; `None` at the end of the file, on
/// a torn length, or on a length no record can have.
fn read_len(r: &mut impl Read) -> io::Result<Option<u32>> {
    let mut b = [0u8; LEN];
    let mut n = 0;
    while n < LEN {
        match r.read(&mut b[n..]) {
            Ok(0) => return Ok(None),
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    let len = u32::from_be_bytes(b);
    Ok((len > 0 && len as usize <= RECORD_MAX).then_some(len))
}

fn record_size(len: u32) -> u64 {
    (LEN + NONCE + TAG) as u64 + u64::from(len)
}

/// Reads the part file at `path`. With `verify_all` every record is decrypted; without, the
/// records are counted from their lengths and only the last ones are decrypted (a torn or
/// damaged tail is what a crash leaves), which costs little however large the upload.
pub fn scan(key: &PartKey, path: &Path, verify_all: bool) -> Result<PartState> {
    let file = File::open(path)?;
    let file_len = file.metadata()?.len();
    let mut state = PartState {
        file_len,
        ..PartState::default()
    };
    // Counting records reads only their lengths: a small buffer, not 8 KiB per record.
    let capacity = if verify_all {
        NONCE + RECORD_MAX + TAG
    } else {
        64
    };
    let mut r = BufReader::with_capacity(capacity, file);
    let mut magic = [0u8; 4];
    if file_len < MAGIC.len() as u64 {
        // Created, but the header never reached the disk: empty.
        return Ok(state);
    }
    r.read_exact(&mut magic)?;
    if &magic != MAGIC {
        return Err(StoreError::Crypto("not an encrypted upload part"));
    }
    state.end = MAGIC.len() as u64;
    // (position, length, plaintext offset) of each whole record.
    let mut records: Vec<(u64, u32, u64)> = Vec::new();
    let mut pos = state.end;
    let mut offset = 0u64;
    let mut body = Vec::new();
    while let Some(len) = read_len(&mut r)? {
        if pos + record_size(len) > file_len {
            break;
        }
        if verify_all {
            body.resize(NONCE + len as usize + TAG, 0);
            r.read_exact(&mut body)?;
            if key
                .open(records.len() as u64, offset, len, &mut body)
                .is_err()
            {
                state.damaged = true;
                break;
            }
        } else {
            r.seek_relative((NONCE + len as usize + TAG) as i64)?;
        }
        records.push((pos, len, offset));
        pos += record_size(len);
        offset += u64::from(len);
    }
    if !verify_all {
        // The tail is what a crash may have torn: drop records that do not authenticate.
        while let Some(&(at, len, off)) = records.last() {
            r.seek(SeekFrom::Start(at + LEN as u64))?;
            body.resize(NONCE + len as usize + TAG, 0);
            r.read_exact(&mut body)?;
            if key
                .open(records.len() as u64 - 1, off, len, &mut body)
                .is_ok()
            {
                break;
            }
            state.damaged = true;
            records.pop();
        }
    }
    if let Some(&(at, len, off)) = records.last() {
        state.records = records.len() as u64;
        state.end = at + record_size(len);
        state.offset = off + u64::from(len);
    }
    Ok(state)
}

/// Appends to a part file, record by record. Blocking.
pub struct PartWriter {
    file: File,
    key: PartKey,
    state: PartState,
}

impl PartWriter {
    /// Creates the part file at `path` (mode 0600; it must not exist) with its header. (A
    /// header lost in a crash is written again by [`PartWriter::open`].)
    pub fn create(path: &Path, key: PartKey) -> Result<PartWriter> {
        let mut file = crate::private::create_new(path)?;
        file.write_all(MAGIC)?;
        let end = MAGIC.len() as u64;
        Ok(PartWriter {
            file,
            key,
            state: PartState {
                end,
                file_len: end,
                ..PartState::default()
            },
        })
    }

    /// Opens the part file at `path` to append after its last good record, cutting off
    /// anything after that (a torn write).
    pub fn open(path: &Path, key: PartKey) -> Result<PartWriter> {
        let state = scan(&key, path, false)?;
        let file = crate::private::options().write(true).open(path)?;
        let mut w = PartWriter { file, key, state };
        if state.end < MAGIC.len() as u64 {
            w.file.set_len(0)?;
            w.file.write_all(MAGIC)?;
            w.state.end = MAGIC.len() as u64;
            w.state.file_len = w.state.end;
        } else if state.file_len > state.end {
            w.file.set_len(state.end)?;
            w.state.file_len = state.end;
        }
        w.file.seek(SeekFrom::Start(w.state.end))?;
        Ok(w)
    }

    pub fn state(&self) -> PartState {
        self.state
    }

    /// Encrypts and writes `plain` as records of at most [`RECORD_MAX`] bytes. On an error
    /// the file is cut back to the last whole record.
    pub fn append(&mut self, plain: &[u8]) -> Result<()> {
        for piece in plain.chunks(RECORD_MAX) {
            let record = self
                .key
                .seal(self.state.records, self.state.offset, piece)?;
            if let Err(e) = self.file.write_all(&record) {
                let _ = self.rollback(self.state);
                return Err(e.into());
            }
            self.state.records += 1;
            self.state.offset += piece.len() as u64;
            self.state.end += record.len() as u64;
            self.state.file_len = self.state.end;
        }
        Ok(())
    }

    /// Goes back to `to` (a state this writer had), cutting off what was written since.
    pub fn rollback(&mut self, to: PartState) -> Result<()> {
        self.file.set_len(to.end)?;
        self.file.seek(SeekFrom::Start(to.end))?;
        self.state = PartState {
            file_len: to.end,
            ..to
        };
        Ok(())
    }

    /// Makes what was written durable.
    pub fn sync(&self) -> Result<()> {
        self.file.sync_all()?;
        Ok(())
    }
}

/// Cuts the part file at `path` back to its records that authenticate (after a damaged record
/// was found) and returns what it holds then. Blocking.
pub fn cut_to_verified(key: &PartKey, path: &Path) -> Result<PartState> {
    let verified = scan(key, path, true)?;
    let mut w = PartWriter::open(path, key.clone())?;
    if w.state().end > verified.end {
        w.rollback(verified)?;
    }
    w.sync()?;
    Ok(w.state())
}

/// Decrypts the part file `input` into `out`, checking every record; the records must hold
/// exactly `expected` bytes. Blocking.
pub fn decrypt(key: &PartKey, input: File, out: &mut impl Write, expected: u64) -> Result<u64> {
    let mut r = BufReader::new(input);
    let mut magic = [0u8; 4];
    r.read_exact(&mut magic)?;
    if &magic != MAGIC {
        return Err(StoreError::Crypto("not an encrypted upload part"));
    }
    let mut offset = 0u64;
    let mut index = 0u64;
    let mut body = Vec::new();
    while offset < expected {
        let len = read_len(&mut r)?.ok_or(StoreError::Crypto("upload part is truncated"))?;
        body.resize(NONCE + len as usize + TAG, 0);
        r.read_exact(&mut body).map_err(|e| match e.kind() {
            io::ErrorKind::UnexpectedEof => StoreError::Crypto("upload part is truncated"),
            _ => StoreError::Io(e),
        })?;
        key.open(index, offset, len, &mut body)?;
        out.write_all(&body)?;
        offset += u64::from(len);
        index += 1;
    }
    let mut extra = [0u8; 1];
    if offset != expected || r.read(&mut extra)? != 0 {
        return Err(StoreError::Crypto("upload part is longer than its upload"));
    }
    Ok(offset)
}

/// A decrypted copy of a finished upload, for intake (which inspects files by path). It is
/// created 0600 and removed when dropped; its name carries the process id, so a copy left by
/// a process that died is recognised (see [`clear_plain_copies`]).
pub struct PlainCopy {
    path: PathBuf,
}

const PLAIN_PREFIX: &str = "upload-";
const PLAIN_SUFFIX: &str = ".plain";

impl PlainCopy {
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for PlainCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Decrypts the part file `part` into a new private file in `dir`. Blocking.
pub fn plain_copy(key: &PartKey, part: &Path, dir: &Path, expected: u64) -> Result<PlainCopy> {
    let mut name = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut name);
    let copy = PlainCopy {
        path: dir.join(format!(
            "{PLAIN_PREFIX}{}-{}{PLAIN_SUFFIX}",
            std::process::id(),
            hex::encode(name)
        )),
    };
    let file = crate::private::create_new(&copy.path)?;
    let mut out = io::BufWriter::with_capacity(RECORD_MAX, file);
    decrypt(key, File::open(part)?, &mut out, expected)?;
    out.flush()?;
    Ok(copy)
}

/// Whether the process `pid` is alive (where `/proc` says; elsewhere assumed alive).
fn alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
}

/// Removes decrypted copies in `dir` left by processes that died while taking an upload in
/// (`kill -9`, a power cut); copies of live processes are theirs. Call at start-up.
pub fn clear_plain_copies(dir: &Path) -> io::Result<usize> {
    let mut n = 0;
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(PLAIN_PREFIX)
            .and_then(|rest| rest.strip_suffix(PLAIN_SUFFIX))
            .and_then(|rest| rest.split_once('-'))
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !alive(pid) {
            std::fs::remove_file(entry.path())?;
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
#[path = "parts_tests.rs"]
mod tests;
