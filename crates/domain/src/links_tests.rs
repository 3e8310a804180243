use super::*;
use proptest::prelude::*;

#[test]
fn only_printable_same_site_paths_are_followed() {
    for (path, ok) in [
        ("/", true),
        ("/work?assignee=me&sort=due", true),
        ("/documents/12", true),
        ("/search?q=%E2%80%9Cx%E2%80%9D", true),
        ("", false),
        ("work", false),
        ("//evil.example/", false),
        ("/\\evil.example/", false),
        ("https://evil.example/", false),
        ("/work\r\nSet-Cookie: x=1", false),
        ("/work?q=a b", false),
        ("/work?q=\u{e9}", false),
    ] {
        assert_eq!(same_site_path(path).is_some(), ok, "{path:?}");
    }
}

#[test]
fn queries_are_printable_without_a_fragment() {
    for (query, ok) in [
        ("", true),
        ("assignee=me&status=open", true),
        ("office=AAA\nX", false),
        ("a=1#top", false),
        ("a=\\", false),
        ("a= b", false),
    ] {
        assert_eq!(query_string(query).is_some(), ok, "{query:?}");
    }
}

/// Strings that are mostly near-misses: slashes, backslashes, schemes, line breaks,
/// non-ASCII, besides anything at all.
fn addresses() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "[/\\\\a-z:.?#%=&\r\n\t \u{0}\u{7f}\u{e9}\u{2028}]{0,24}",
        "(https?:|javascript:|//|/\\\\|/)[ -~]{0,20}",
    ]
}

proptest! {
    /// Whatever is given, what is followed is a relative path on this site that can be a
    /// `Location` header: one leading `/`, no `//` start, no backslash, no scheme, no
    /// control character, space or line break.
    #[test]
    fn a_followed_address_stays_on_this_site(path in addresses()) {
        if let Some(p) = same_site_path(&path) {
            prop_assert_eq!(p, path.as_str());
            prop_assert!(p.starts_with('/'));
            prop_assert!(!p.starts_with("//"));
            prop_assert!(!p.contains('\\'));
            prop_assert!(p.bytes().all(|b| b.is_ascii_graphic()));
            // A scheme (`x:`) is only read before the first `/`; there is none before it.
            prop_assert!(!p.split('/').next().unwrap_or_default().contains(':'));
        } else {
            // Refused only for a reason: a path that meets every rule is followed.
            let meets = path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && path.bytes().all(|b| b.is_ascii_graphic());
            prop_assert!(!meets, "{path:?} refused");
        }
    }

    /// Any same-site path with any printable query is followed as it is.
    #[test]
    fn printable_same_site_paths_are_followed(tail in "[!-\\[\\]-~]{0,40}") {
        let path = format!("/{}", tail.trim_start_matches('/'));
        prop_assert_eq!(same_site_path(&path), Some(path.as_str()));
    }

    #[test]
    fn an_accepted_query_cannot_end_the_address(query in addresses()) {
        if let Some(q) = query_string(&query) {
            prop_assert!(q.bytes().all(|b| b.is_ascii_graphic() && b != b'\\' && b != b'#'));
            // Appended to a same-site path it gives a same-site path.
            let joined = format!("/work?{q}");
            prop_assert!(same_site_path(&joined).is_some());
        }
    }
}
