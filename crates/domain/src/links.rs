//! Where a form may send its user afterwards. Return addresses come from the request (a
//! hidden `back` field, a `next` parameter), so they are outside input: only a path on this
//! site, in printable ASCII, is followed. A line break in one used to reach the `Location`
//! header and fail the request after part of its work was saved; `//host/…` or `/\host/…`
//! would leave the site (an open redirect).

/// `path` when it is a same-site relative path: starts with one `/` (not `//`, which browsers
/// read as another host), holds no backslash (`/\` is read as `//` too) and only printable
/// ASCII (percent-encoded otherwise), so it is a valid `Location` header.
pub fn same_site_path(path: &str) -> Option<&str> {
    let ok = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && path.bytes().all(|b| (0x21..=0x7e).contains(&b));
    ok.then_some(path)
}

/// `query` when it can follow a `?` in a same-site path: printable ASCII, no backslash and no
/// fragment.
pub fn query_string(query: &str) -> Option<&str> {
    let ok = query
        .bytes()
        .all(|b| (0x21..=0x7e).contains(&b) && b != b'\\' && b != b'#');
    ok.then_some(query)
}

#[cfg(test)]
#[path = "links_tests.rs"]
mod tests;
