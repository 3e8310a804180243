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
// s3s-fs and sets them), once over http and, with WORKTRACK_TEST_S3_HTTPS_ENDPOINT and
// WORKTRACK_TEST_S3_CA_FILE (a TLS front of the same server), once more over https; each test
// under a prefix of its own.

fn s3_configs() -> Vec<S3Config> {
    crate::s3::test_configs()
}

fn s3_store_of(config: S3Config) -> (tempfile::TempDir, BlobStore) {
    let dir = tempfile::tempdir().unwrap();
    let s = BlobStore::s3(config, &dir.path().join("scratch"), &keys()).unwrap();
    (dir, s)
}

fn s3_stores() -> Vec<(tempfile::TempDir, BlobStore)> {
    s3_configs().into_iter().map(s3_store_of).collect()
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
    for (dir, s) in s3_stores() {
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
}

#[tokio::test]
async fn s3_same_content_once_list_and_remove() {
    for (_dir, s) in s3_stores() {
        let text = b"Pay stub, period ending 2024-05-31".repeat(50);
        let a = s.put_file_bytes(&text).await;
        let b = s.put_file_bytes(&text).await;
        assert_eq!(a, b);
        let mut hashes = vec![a.hash.clone()];
        for i in 0..4u8 {
            hashes.push(s.put_file_bytes(&[i; 100]).await.hash);
        }
        hashes.sort();
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
}

#[tokio::test]
async fn s3_large_blobs_go_up_in_parts() {
    for (dir, mut s) in s3_stores() {
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
}

#[tokio::test]
async fn s3_tampering_is_detected() {
    for (dir, s) in s3_stores() {
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
}

#[tokio::test]
async fn s3_blocking_calls_on_an_async_thread_block_but_work() {
    for (_dir, s) in s3_stores() {
        let data = sample(CHUNK + 5);
        let r = s.put_reader(&mut &data[..]).unwrap();
        let mut back = Vec::new();
        s.copy_to(&r.hash, &mut back).unwrap();
        assert_eq!(back, data);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_blocking_calls_in_place_on_a_multi_threaded_runtime() {
    for (_dir, s) in s3_stores() {
        let data = sample(CHUNK + 9);
        let (r, back) = tokio::task::block_in_place(|| {
            let r = s.put_reader(&mut &data[..]).unwrap();
            let mut back = Vec::new();
            s.copy_to(&r.hash, &mut back).unwrap();
            (r, back)
        });
        assert_eq!(back, data);
        assert_eq!(s.verify(&r.hash).await.unwrap(), data.len() as u64);
    }
}

#[test]
fn s3_blocking_calls_work_outside_a_runtime() {
    for (_dir, s) in s3_stores() {
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
}

#[tokio::test]
async fn s3_wrong_secret_is_reported_without_the_secret() {
    for mut config in s3_configs() {
        config.secret_key = "not-the-secret-1234".into();
        let (_dir, s) = s3_store_of(config);
        let err = s.put_file_bytes_result(b"x").await.unwrap_err().to_string();
        assert!(err.contains("HTTP 403"), "{err}");
        assert!(!err.contains("not-the-secret"), "{err}");
        assert!(scratch_is_empty(&s));
    }
}

#[tokio::test]
async fn s3_an_untrusted_certificate_is_refused_and_nothing_stored() {
    let Some(trusted) = s3_configs()
        .into_iter()
        .find(|c| c.endpoint.starts_with("https://"))
    else {
        return;
    };
    let untrusted = S3Config {
        ca_file: None,
        ..trusted.clone()
    };
    let (_dir, s) = s3_store_of(untrusted);
    let started = std::time::Instant::now();
    let err = s.put_file_bytes_result(b"x").await.unwrap_err().to_string();
    assert!(err.contains("certificate"), "{err}");
    assert!(err.contains(&trusted.endpoint), "{err}");
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
    assert!(scratch_is_empty(&s));
    assert!(s.list().await.is_err(), "the listing is refused too");
    let (_dir, t) = s3_store_of(trusted);
    assert!(t.list().await.unwrap().is_empty(), "nothing was stored");
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
