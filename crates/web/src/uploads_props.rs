use super::*;
use base64::engine::general_purpose::STANDARD as B64;
use proptest::prelude::*;

fn headers(name: &'static str, value: &[u8]) -> Option<HeaderMap> {
    let value = HeaderValue::from_bytes(value).ok()?;
    let mut h = HeaderMap::new();
    h.insert(name, value);
    Some(h)
}

fn header_bytes() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..40),
        "[ \t]?(sha1|SHA256|sha256|md5|1\\.0\\.0|1\\.0\\.1|)[ \t]?[A-Za-z0-9+/=]{0,48}[ \t]?"
            .prop_map(String::into_bytes),
    ]
}

proptest! {
    /// `Upload-Metadata` pairs written by a client read back as written.
    #[test]
    fn metadata_round_trips(
        pairs in proptest::collection::btree_map("[A-Za-z0-9_.-]{1,16}", any::<String>(), 0..6)
    ) {
        let raw = pairs
            .iter()
            .map(|(k, v)| format!("{k} {}", B64.encode(v)))
            .collect::<Vec<_>>()
            .join(",");
        let read = parse_metadata(&raw).unwrap();
        prop_assert_eq!(read, pairs.into_iter().collect::<Vec<_>>());
    }

    /// Any header text: no panic; keys are never empty and hold no space or comma, and
    /// no key is read twice (the first would silently win).
    #[test]
    fn metadata_keys_are_well_formed(raw in prop_oneof![
        any::<String>(),
        "([a-z]{1,3}( [A-Za-z0-9+/=]{0,8})?[ ,]{0,2}){0,5}",
    ]) {
        if let Ok(pairs) = parse_metadata(&raw) {
            for (i, (k, _)) in pairs.iter().enumerate() {
                prop_assert!(!k.is_empty() && !k.contains([' ', ',']));
                prop_assert!(pairs[..i].iter().all(|(other, _)| other != k), "{k} twice");
            }
        }
    }

    /// `Upload-Checksum`: a supported algorithm and a base64 digest of its length, or a 400.
    #[test]
    fn checksum_headers_are_read_or_refused(raw in header_bytes()) {
        let Some(h) = headers("upload-checksum", &raw) else { return Ok(()) };
        match parse_checksum(&h) {
            Ok(Some(Checksum::Sha1(_, d))) => prop_assert_eq!(d.len(), 20),
            Ok(Some(Checksum::Sha256(_, d))) => prop_assert_eq!(d.len(), 32),
            Ok(None) => prop_assert!(false, "a header that is there was not read"),
            Err(p) => prop_assert_eq!(p.status, 400),
        }
    }

    #[test]
    fn checksums_round_trip(data in proptest::collection::vec(any::<u8>(), 0..64), upper in any::<bool>()) {
        let (a1, a256) = if upper { ("SHA1", "SHA256") } else { ("sha1", "sha256") };
        let d1 = Sha1::digest(&data).to_vec();
        let d256 = Sha256::digest(&data).to_vec();
        let h = headers("upload-checksum", format!("{a1} {}", B64.encode(&d1)).as_bytes()).unwrap();
        prop_assert!(matches!(parse_checksum(&h), Ok(Some(Checksum::Sha1(_, d))) if d == d1));
        let h = headers("upload-checksum", format!("{a256} {}", B64.encode(&d256)).as_bytes()).unwrap();
        prop_assert!(matches!(parse_checksum(&h), Ok(Some(Checksum::Sha256(_, d))) if d == d256));
        // Each algorithm's digest is refused under the other's name.
        let h = headers("upload-checksum", format!("sha256 {}", B64.encode(&d1)).as_bytes()).unwrap();
        prop_assert!(parse_checksum(&h).is_err());
    }

    /// `Tus-Resumable`: exactly 1.0.0 is served; anything else is a 412 naming the version.
    #[test]
    fn only_tus_1_0_0_is_served(raw in header_bytes()) {
        let Some(h) = headers("tus-resumable", &raw) else { return Ok(()) };
        let ours = std::str::from_utf8(&raw).is_ok_and(|s| s.trim() == TUS_VERSION);
        match version_refusal(&h) {
            None => prop_assert!(ours),
            Some(r) => {
                prop_assert!(!ours);
                prop_assert_eq!(r.status(), StatusCode::PRECONDITION_FAILED);
                prop_assert_eq!(r.headers().get("tus-version").map(HeaderValue::as_bytes), Some(TUS_VERSION.as_bytes()));
            }
        }
        prop_assert!(version_refusal(&HeaderMap::new()).is_some());
    }

    /// `Upload-Length` and `Upload-Offset`: digits only, any number that fits in 64 bits.
    #[test]
    fn byte_counts_are_digits_only(raw in prop_oneof![
        any::<String>(),
        "[+ -]?[0-9]{0,22}[ a-f]?",
    ], n in any::<u64>()) {
        prop_assert_eq!(byte_count(&n.to_string()), Some(n));
        prop_assert_eq!(byte_count(&format!("+{n}")), None);
        match byte_count(&raw) {
            Some(v) => {
                prop_assert!(raw.bytes().all(|b| b.is_ascii_digit()));
                prop_assert_eq!(raw.parse::<u64>().ok(), Some(v));
            }
            None => prop_assert!(
                raw.is_empty() || !raw.bytes().all(|b| b.is_ascii_digit()) || raw.parse::<u64>().is_err()
            ),
        }
    }

    /// Whole 64 KiB records are taken out of what is pending; the order of bytes is kept
    /// and less than one record stays behind.
    #[test]
    fn whole_records_keep_every_byte(len in 0usize..(3 * RECORD_MAX + 100)) {
        let original: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
        let mut pending = original.clone();
        match whole_records(&mut pending) {
            None => {
                prop_assert!(len < RECORD_MAX);
                prop_assert_eq!(&pending, &original);
            }
            Some(records) => {
                prop_assert!(!records.is_empty() && records.len() % RECORD_MAX == 0);
                prop_assert!(pending.len() < RECORD_MAX);
                prop_assert_eq!([records, pending].concat(), original);
            }
        }
    }
}
