//! Compression of the HTML pages. A page is rendered whole before it is sent (`SsrMode::Async`), so
//! it is compressed whole too, in one call, by an encoder each runtime thread keeps: zstd for the
//! browsers that take it (Chrome, Edge, Firefox), gzip for the others, both at level 1
//! (the fastest that compresses: see `GZIP_LEVEL`).
//! A streaming encoder made for each answer (what the layer for every other answer does) spent more
//! time setting itself up than compressing: zstd's context asks the CPU what it supports, which
//! under a hypervisor costs about 30 µs, and gzip's zeroes its tables. gzip is libdeflate's, which
//! compresses a whole buffer in one pass: on the demo's dashboard (11.5 KB) it took 21 µs to 3.8
//! KB, where a streaming deflate (miniz) took 32 µs to 4.4 KB and zstd 23 µs to 4.0 KB; with 20
//! VIPs (33 KB), libdeflate took 44 µs to 4.6 KB and zstd 26 µs to 4.5 KB. Brotli is
//! never used for a page: at its fastest it was both slower and larger than either (on a 33.6 KB
//! dashboard, 171 µs to 8.6 KB against zstd's 39 µs to 4.6 KB), and every browser takes gzip.

use std::cell::RefCell;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use libdeflater::{CompressionLvl, Compressor};

/// Pages smaller than this are sent as they are: compressing them would not make them smaller.
const MIN_SIZE: usize = 256;

/// zstd's fastest level that still compresses like gzip's fastest (what async-compression calls
/// "fastest" too; zstd's own minimum can make an answer larger than it was).
const ZSTD_LEVEL: i32 = 1;

/// libdeflate's fastest level that compresses. Its minimum, 0 (`CompressionLvl::fastest()`), only
/// wraps the page in stored blocks: a gzip answer as large as the page.
const GZIP_LEVEL: i32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Coding {
    Zstd,
    Gzip,
}

impl Coding {
    fn name(self) -> &'static str {
        match self {
            Self::Zstd => "zstd",
            Self::Gzip => "gzip",
        }
    }
}

thread_local! {
    static ZSTD: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static GZIP: RefCell<Option<Compressor>> = const { RefCell::new(None) };
}

/// The middleware: compresses a `text/html` answer that is not compressed yet, when the browser
/// takes zstd or gzip. Every other answer passes as it is.
pub async fn compress(request: Request, next: Next) -> Response {
    let coding = negotiate(request.headers());
    let response = next.run(request).await;
    let Some(coding) = coding else {
        return response;
    };
    if !is_page(&response) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let page = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(page) => page,
        Err(e) => {
            tracing::error!(error = %e, "a page failed while it was rendered");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    if page.len() < MIN_SIZE {
        return Response::from_parts(parts, Body::from(page));
    }
    let encoded = match coding {
        Coding::Zstd => zstd(&page),
        Coding::Gzip => gzip(&page),
    };
    match encoded {
        Ok(encoded) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            parts.headers.insert(
                header::CONTENT_ENCODING,
                HeaderValue::from_static(coding.name()),
            );
            Response::from_parts(parts, Body::from(encoded))
        }
        Err(e) => {
            // The page is still good: it goes out as it is.
            tracing::warn!(error = %e, coding = coding.name(), "a page could not be compressed");
            Response::from_parts(parts, Body::from(page))
        }
    }
}

/// An HTML answer with a body, not compressed by an inner layer.
fn is_page(response: &Response) -> bool {
    let headers = response.headers();
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    html && !headers.contains_key(header::CONTENT_ENCODING)
        && !matches!(
            response.status(),
            StatusCode::SWITCHING_PROTOCOLS | StatusCode::NO_CONTENT | StatusCode::NOT_MODIFIED
        )
}

/// zstd when the browser takes it, else gzip when it takes that, else nothing. A coding listed
/// with `q=0` (or a q-value that does not parse) is refused.
fn negotiate(headers: &HeaderMap) -> Option<Coding> {
    let (mut zstd, mut gzip) = (false, false);
    let offers = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','));
    for offer in offers {
        let mut params = offer.split(';');
        let name = params.next().unwrap_or_default().trim();
        let refused = params.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .is_some_and(|q| q.trim().parse::<f32>().map_or(true, |q| q <= 0.0))
        });
        if refused {
            continue;
        }
        zstd |= name.eq_ignore_ascii_case("zstd");
        gzip |= name.eq_ignore_ascii_case("gzip");
    }
    if zstd {
        Some(Coding::Zstd)
    } else if gzip {
        Some(Coding::Gzip)
    } else {
        None
    }
}

/// One zstd frame (with the page's size in its header), by this thread's kept context.
fn zstd(page: &Bytes) -> std::io::Result<Vec<u8>> {
    ZSTD.with_borrow_mut(|kept| {
        let compressor = match kept {
            Some(compressor) => compressor,
            None => kept.insert(zstd::bulk::Compressor::new(ZSTD_LEVEL)?),
        };
        compressor.compress(page)
    })
}

/// One gzip member (RFC 1952), by this thread's kept libdeflate compressor.
fn gzip(page: &Bytes) -> std::io::Result<Vec<u8>> {
    GZIP.with_borrow_mut(|kept| {
        let compressor = match kept {
            Some(compressor) => compressor,
            None => {
                let level = CompressionLvl::new(GZIP_LEVEL)
                    .map_err(|e| std::io::Error::other(format!("{e:?}")))?;
                kept.insert(Compressor::new(level))
            }
        };
        let mut out = vec![0; compressor.gzip_compress_bound(page.len())];
        let written = compressor
            .gzip_compress(page, &mut out)
            .map_err(std::io::Error::other)?;
        out.truncate(written);
        Ok(out)
    })
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    fn accepting(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn zstd_is_chosen_over_gzip_and_brotli_is_never_chosen() {
        assert_eq!(
            negotiate(&accepting("gzip, deflate, br, zstd")),
            Some(Coding::Zstd)
        );
        assert_eq!(
            negotiate(&accepting("gzip, deflate, br")),
            Some(Coding::Gzip)
        );
        assert_eq!(
            negotiate(&accepting("ZSTD;q=0.5, gzip;q=1")),
            Some(Coding::Zstd)
        );
        assert_eq!(negotiate(&accepting("br")), None);
        assert_eq!(negotiate(&HeaderMap::new()), None);
    }

    #[test]
    fn a_coding_refused_or_with_a_bad_q_value_is_not_used() {
        assert_eq!(negotiate(&accepting("zstd;q=0, gzip")), Some(Coding::Gzip));
        assert_eq!(negotiate(&accepting("zstd; q=0.000, gzip;q=0")), None);
        assert_eq!(
            negotiate(&accepting("zstd;q=lots, gzip")),
            Some(Coding::Gzip)
        );
    }

    #[test]
    fn both_codings_give_back_the_page_again_and_again_on_one_thread() {
        let page = Bytes::from("<li class=\"flex flex-wrap items-center\">a VIP</li>".repeat(400));
        for round in 0..3 {
            let packed = gzip(&page).unwrap();
            assert!(
                packed.len() < page.len() / 4,
                "gzip, {} bytes",
                packed.len()
            );
            let mut back = Vec::new();
            flate2::read::GzDecoder::new(&packed[..])
                .read_to_end(&mut back)
                .unwrap();
            assert_eq!(back, page, "gzip, round {round}");
            let packed = zstd(&page).unwrap();
            assert!(
                packed.len() < page.len() / 4,
                "zstd, {} bytes",
                packed.len()
            );
            assert_eq!(
                zstd::decode_all(&packed[..]).unwrap(),
                page,
                "zstd, round {round}"
            );
        }
    }
}
