//! What each kind of answer is compressed with: pages (whole) and API answers (as they stream)
//! with zstd or gzip at level 1, never brotli, which is slower and larger there; static
//! files with brotli.

use std::io::Read;

use crate::common::TestServer;

/// What Chrome, Edge and Firefox send.
const CHROME: &str = "gzip, deflate, br, zstd";
/// What Safari sends.
const SAFARI: &str = "gzip, deflate, br";

async fn get(server: &TestServer, path: &str, accept: Option<&str>) -> reqwest::Response {
    let mut req = server.http.get(server.url(path));
    if let Some(accept) = accept {
        req = req.header(reqwest::header::ACCEPT_ENCODING, accept);
    }
    let res = req.send().await.unwrap();
    assert_eq!(res.status(), 200, "{path}");
    res
}

fn encoding(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get(reqwest::header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap().to_owned())
}

/// A page of HTML shrinks to well under half its size with either coding; an encoder that only
/// frames the page (gzip's level 0, stored blocks) does not.
fn assert_compressed(sent: usize, page: usize, coding: &str) {
    assert!(
        sent * 2 < page,
        "{coding}: {sent} bytes sent for a page of {page}"
    );
}

#[tokio::test]
async fn pages_are_zstd_for_browsers_that_take_it_and_gzip_for_the_others() {
    let server = TestServer::start().await;
    let res = get(&server, "/", Some(CHROME)).await;
    assert_eq!(encoding(&res).as_deref(), Some("zstd"));
    let vary: Vec<_> = res
        .headers()
        .get_all(reqwest::header::VARY)
        .iter()
        .collect();
    assert!(vary.iter().any(|v| *v == "accept-encoding"), "{vary:?}");
    let sent = res.bytes().await.unwrap();
    let page = zstd::decode_all(&sent[..]).unwrap();
    assert_compressed(sent.len(), page.len(), "zstd");
    assert!(String::from_utf8(page)
        .unwrap()
        .contains("Sell VIP for channel points"));

    let res = get(&server, "/", Some(SAFARI)).await;
    assert_eq!(encoding(&res).as_deref(), Some("gzip"));
    let sent = res.bytes().await.unwrap();
    let mut page = String::new();
    flate2::read::GzDecoder::new(&sent[..])
        .read_to_string(&mut page)
        .unwrap();
    assert_compressed(sent.len(), page.len(), "gzip");
    assert!(page.contains("Sell VIP for channel points"));

    // API answers go the same way; a client that asks for nothing gets plain text.
    let res = get(&server, "/api/health", Some(SAFARI)).await;
    assert_eq!(encoding(&res).as_deref(), Some("gzip"));
    let res = get(&server, "/api/health", Some(CHROME)).await;
    assert_eq!(encoding(&res).as_deref(), Some("zstd"));
    let res = get(&server, "/", None).await;
    assert_eq!(encoding(&res), None);
    assert!(res
        .text()
        .await
        .unwrap()
        .contains("Sell VIP for channel points"));
    server.stop().await.unwrap();
}

#[tokio::test]
async fn static_files_are_brotli_for_every_browser_that_takes_it() {
    let site = tempfile::tempdir().unwrap();
    std::fs::create_dir(site.path().join("pkg")).unwrap();
    let bundle = "(module (func $hydrate) (export \"hydrate\" (func $hydrate)))\n".repeat(200);
    std::fs::write(site.path().join("pkg/app.js"), &bundle).unwrap();
    let root = site.path().to_str().unwrap();
    let server = TestServer::start_with(&[("LEPTOS_SITE_ROOT", root)]).await;
    for accept in [CHROME, SAFARI] {
        let res = get(&server, "/pkg/app.js", Some(accept)).await;
        assert_eq!(encoding(&res).as_deref(), Some("br"), "{accept}");
        let mut file = String::new();
        brotli::Decompressor::new(&res.bytes().await.unwrap()[..], 4096)
            .read_to_string(&mut file)
            .unwrap();
        assert_eq!(file, bundle);
    }
    server.stop().await.unwrap();
}
