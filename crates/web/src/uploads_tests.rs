use super::*;

#[test]
fn metadata_pairs() {
    let m = parse_metadata("filename d29ya3RyYWNrLnBkZg==,office QUFB, flag").unwrap();
    assert_eq!(m[0], ("filename".into(), "worktrack.pdf".into()));
    assert_eq!(m[1], ("office".into(), "AAA".into()));
    assert_eq!(m[2], ("flag".into(), String::new()));
    assert!(parse_metadata("filename ***").is_err());
}

#[test]
fn checksum_and_metadata_headers_that_are_not_text_are_refused() {
    let mut h = HeaderMap::new();
    h.insert(
        "upload-checksum",
        HeaderValue::from_bytes(b"sha1 \x80").unwrap(),
    );
    assert!(parse_checksum(&h).is_err());
    h.insert(
        "upload-metadata",
        HeaderValue::from_bytes(b"office \xff").unwrap(),
    );
    assert!(header_text(&h, "upload-metadata").is_err());
    assert_eq!(header_text(&h, "upload-offset").unwrap(), None);
}

#[test]
fn dates_are_http_dates() {
    assert_eq!(
        http_date(1_782_000_000_000),
        "Sun, 21 Jun 2026 00:00:00 GMT"
    );
}
