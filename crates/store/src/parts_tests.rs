use super::*;

fn keys() -> Keys {
    Keys::from_hex(&"42".repeat(32)).unwrap()
}

fn sample(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 31 % 251) as u8).collect()
}

fn read_back(key: &PartKey, path: &Path, expected: u64) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    decrypt(key, File::open(path)?, &mut out, expected)?;
    Ok(out)
}

#[test]
fn appends_survive_reopening_and_hold_no_plaintext() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.part");
    let key = PartKey::new(&keys(), "a").unwrap();
    let mut data = b"SSN 900-12-3456 ".repeat(100);
    data.extend(sample(3 * RECORD_MAX + 7));
    let mut w = PartWriter::create(&path, key.clone()).unwrap();
    w.append(&data[..1000]).unwrap();
    w.sync().unwrap();
    drop(w);
    let mut w = PartWriter::open(&path, key.clone()).unwrap();
    assert_eq!(w.state().offset, 1000);
    w.append(&data[1000..]).unwrap();
    w.sync().unwrap();
    let raw = std::fs::read(&path).unwrap();
    assert!(!raw.windows(11).any(|x| x == b"900-12-3456"));
    for verify in [false, true] {
        let s = scan(&key, &path, verify).unwrap();
        assert_eq!(s.offset, data.len() as u64);
        assert_eq!(s.end, raw.len() as u64);
        assert!(!s.damaged);
    }
    assert_eq!(read_back(&key, &path, data.len() as u64).unwrap(), data);
    // Not a byte more or less than announced.
    assert!(read_back(&key, &path, data.len() as u64 - 1).is_err());
    assert!(read_back(&key, &path, data.len() as u64 + 1).is_err());
    // Another upload's key cannot read it.
    let other = PartKey::new(&keys(), "b").unwrap();
    assert!(read_back(&other, &path, data.len() as u64).is_err());
    assert_eq!(scan(&other, &path, true).unwrap().offset, 0);
}

#[test]
fn a_torn_tail_is_not_counted_and_is_cut_before_the_next_append() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.part");
    let key = PartKey::new(&keys(), "t").unwrap();
    let data = sample(2 * RECORD_MAX + 100);
    let mut w = PartWriter::create(&path, key.clone()).unwrap();
    w.append(&data[..RECORD_MAX]).unwrap();
    let good = w.state();
    w.append(&data[RECORD_MAX..2 * RECORD_MAX]).unwrap();
    drop(w);
    // A crash half-way through the second record.
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_len(good.end + 1000).unwrap();
    let s = scan(&key, &path, false).unwrap();
    assert_eq!(s.offset, RECORD_MAX as u64);
    assert_eq!(s.end, good.end);
    assert_eq!(s.file_len, good.end + 1000);
    // Power loss: a whole record of zeros after the length.
    let mut w = PartWriter::open(&path, key.clone()).unwrap();
    assert_eq!(w.state().file_len, good.end);
    w.append(&data[RECORD_MAX..]).unwrap();
    drop(w);
    assert_eq!(read_back(&key, &path, data.len() as u64).unwrap(), data);
    let mut raw = std::fs::read(&path).unwrap();
    let last = raw.len() - 50;
    raw[last] ^= 0xff;
    std::fs::write(&path, &raw).unwrap();
    let s = scan(&key, &path, false).unwrap();
    assert!(s.damaged);
    assert_eq!(s.offset, 2 * RECORD_MAX as u64);
    // Damage in the middle shows when the whole file is read, and is cut off.
    let mut raw = std::fs::read(&path).unwrap();
    raw[200] ^= 0xff;
    std::fs::write(&path, &raw).unwrap();
    assert!(read_back(&key, &path, data.len() as u64).is_err());
    let s = cut_to_verified(&key, &path).unwrap();
    assert_eq!((s.offset, s.records, s.end), (0, 0, 4));
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 4);
}

#[test]
fn records_cannot_be_moved_or_altered() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.part");
    let key = PartKey::new(&keys(), "m").unwrap();
    let mut w = PartWriter::create(&path, key.clone()).unwrap();
    w.append(&[1u8; 10]).unwrap();
    w.append(&[2u8; 10]).unwrap();
    w.append(&[3u8; 10]).unwrap();
    drop(w);
    let raw = std::fs::read(&path).unwrap();
    let rec = record_size(10) as usize;
    // Swap the first two records.
    let mut swapped = raw.clone();
    swapped[4..4 + rec].copy_from_slice(&raw[4 + rec..4 + 2 * rec]);
    swapped[4 + rec..4 + 2 * rec].copy_from_slice(&raw[4..4 + rec]);
    std::fs::write(&path, &swapped).unwrap();
    assert!(read_back(&key, &path, 30).is_err());
    let s = scan(&key, &path, true).unwrap();
    assert_eq!((s.offset, s.damaged), (0, true));
    // Drop the middle record.
    let mut dropped = raw[..4 + rec].to_vec();
    dropped.extend_from_slice(&raw[4 + 2 * rec..]);
    std::fs::write(&path, &dropped).unwrap();
    assert!(read_back(&key, &path, 20).is_err());
    assert_eq!(scan(&key, &path, true).unwrap().offset, 10);
}

#[test]
fn a_rollback_rewrites_with_fresh_nonces() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.part");
    let key = PartKey::new(&keys(), "r").unwrap();
    let mut w = PartWriter::create(&path, key.clone()).unwrap();
    let start = w.state();
    w.append(b"wrong bytes").unwrap();
    let first = std::fs::read(&path).unwrap();
    w.rollback(start).unwrap();
    assert_eq!(w.state().offset, 0);
    w.append(b"right bytes").unwrap();
    let second = std::fs::read(&path).unwrap();
    assert_ne!(
        first[8..20],
        second[8..20],
        "a new nonce for the same place"
    );
    assert_eq!(read_back(&key, &path, 11).unwrap(), b"right bytes");
}

#[cfg(unix)]
#[test]
fn plain_copies_are_private_and_removed() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let part = dir.path().join("p.part");
    let key = PartKey::new(&keys(), "p").unwrap();
    let mut w = PartWriter::create(&part, key.clone()).unwrap();
    w.append(b"hello").unwrap();
    let mode = std::fs::metadata(&part).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let copy = plain_copy(&key, &part, dir.path(), 5).unwrap();
    assert_eq!(std::fs::read(copy.path()).unwrap(), b"hello");
    let mode = std::fs::metadata(copy.path()).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    // Ours (alive): kept by the start-up sweep.
    assert_eq!(clear_plain_copies(dir.path()).unwrap(), 0);
    let p = copy.path().to_path_buf();
    drop(copy);
    assert!(!p.exists());
    // A dead process's copy goes (pids above the kernel's limit never exist).
    let dead = dir
        .path()
        .join(format!("{PLAIN_PREFIX}4294967295-ab{PLAIN_SUFFIX}"));
    std::fs::write(&dead, b"x").unwrap();
    assert_eq!(clear_plain_copies(dir.path()).unwrap(), 1);
    assert!(!dead.exists());
    assert!(part.exists());
}
