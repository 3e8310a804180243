//! The USWDS frame of every page: the official-site banner (its "Here's how you know" part
//! opens without script), the identifier footer with the required links, and the fonts the
//! app serves itself.

use crate::support::*;
use reqwest::StatusCode;

const BANNER: &str = "An official website of the United States government";

fn assert_frame(html: &str, what: &str) {
    assert!(html.contains(BANNER), "{what}: no official-site banner");
    // The explanation opens with a <details> element: no script needed.
    let banner = &html[html.find("usa-banner").unwrap()..];
    let details = banner.find("<details").expect("banner details");
    let summary = banner.find("<summary").expect("banner summary");
    assert!(
        details < summary && banner[summary..].contains("how you know"),
        "{what}"
    );
    assert!(
        banner.contains("Official websites use .gov")
            && banner.contains("Secure .gov websites use HTTPS"),
        "{what}"
    );
    for needed in [
        "usa-identifier",
        "An official website of the",
        "Accessibility support",
        "FOIA requests",
        "No FEAR Act data",
        "Office of the Inspector General",
        "Privacy policy",
        "Visit USA.gov",
    ] {
        assert!(
            html.contains(needed),
            "{what}: the identifier lacks {needed:?}"
        );
    }
    assert!(
        !html.contains("<script>") && !html.contains("style=\""),
        "{what}: inline script or style"
    );
}

/// The `href`s of the main navigation of a page.
fn nav_links(html: &str) -> Vec<String> {
    let Some(start) = html.find("<nav aria-label=\"Main\">") else {
        return Vec::new();
    };
    let nav = &html[start..start + html[start..].find("</nav>").unwrap()];
    nav.split("href=\"")
        .skip(1)
        .map(|s| s[..s.find('"').unwrap()].to_string())
        .collect()
}

#[tokio::test]
async fn every_page_has_the_official_banner_and_identifier_and_the_fonts_are_served() {
    let app = spawn_app().await;
    app.cast().await;

    // Signed out: the sign-in page and a page that does not exist.
    let anonymous = client();
    let login = page_text(&anonymous, &format!("{}/login", app.url)).await;
    assert_frame(&login, "/login");

    // Signed in, every page of every role's navigation, and a missing page.
    let mut seen = 0;
    for user in [
        "employee.a",
        "manager.a",
        "director.north",
        "auditor",
        "analyst",
        "admin.user",
    ] {
        let c = app.login(user).await;
        let home = page_text(&c, &format!("{}/", app.url)).await;
        assert_frame(&home, &format!("{user}: /"));
        let links = nav_links(&home);
        assert!(!links.is_empty(), "{user}: no navigation");
        for href in links {
            let resp = c.get(format!("{}{href}", app.url)).send().await.unwrap();
            if resp.status().is_redirection() {
                continue;
            }
            let html = resp.text().await.unwrap();
            assert_frame(&html, &format!("{user}: {href}"));
            seen += 1;
        }
        let resp = c
            .get(format!("{}/no-such-page", app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
        assert_frame(&resp.text().await.unwrap(), &format!("{user}: 404"));
    }
    assert!(seen >= 10, "only {seen} pages looked at");

    // The stylesheet declares the USWDS fonts, and each one it names is served as woff2 with a
    // long cache life.
    let css = page_text(&anonymous, &format!("{}/static/app.css", app.url)).await;
    assert!(
        css.contains("font-family: \"Source Sans 3\"")
            && css.contains("font-family: \"Merriweather\"")
    );
    let urls: Vec<&str> = css
        .split("url(/static/fonts/")
        .skip(1)
        .map(|s| &s[..s.find(')').unwrap()])
        .collect();
    assert!(urls.len() >= 6, "{urls:?}");
    for name in urls {
        let resp = anonymous
            .get(format!("{}/static/fonts/{name}", app.url))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{name}");
        assert_eq!(resp.headers()["content-type"], "font/woff2", "{name}");
        let cache = resp.headers()["cache-control"]
            .to_str()
            .unwrap()
            .to_string();
        assert!(cache.contains("max-age=31536000"), "{name}: {cache}");
        let body = resp.bytes().await.unwrap();
        assert!(body.starts_with(b"wOF2") && body.len() > 10_000, "{name}");
    }
    let missing = anonymous
        .get(format!("{}/static/fonts/other.woff2", app.url))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    app.stop().await;
}
