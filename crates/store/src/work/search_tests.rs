use super::*;

#[test]
fn search_words_are_plain_and_quoted() {
    assert_eq!(
        fts5_query("wage \"stub\" OR NEAR(x"),
        Some("\"wage\" \"stub\" \"or\" \"near\" \"x\"".into())
    );
    assert_eq!(fts5_query("  -- "), None);
}

#[test]
fn snippets_start_near_the_match() {
    let body = format!("{} earnings statement follows", "word ".repeat(100));
    let s = snippet(&body, &["earnings".into()]);
    assert!(
        s.starts_with('\u{2026}') && s.contains("earnings statement"),
        "{s}"
    );
}
