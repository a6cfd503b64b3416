//! Helpers of the security tests: a reply read in full, and requests as a browser would send them.

use reqwest::header::HeaderMap;
use reqwest::RequestBuilder;
use serde_json::Value;

use crate::common::TestServer;

/// A response, read in full.
pub struct Reply {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

pub async fn send(request: RequestBuilder) -> Reply {
    let res = request.send().await.unwrap();
    Reply {
        status: res.status().as_u16(),
        headers: res.headers().clone(),
        body: res.text().await.unwrap(),
    }
}

/// What a current browser adds to a request it sends from one of the server's own pages.
pub fn same_origin(server: &TestServer, request: RequestBuilder) -> RequestBuilder {
    request
        .header("origin", server.url(""))
        .header("sec-fetch-site", "same-origin")
}

/// What a current browser adds to a request another site's page makes it send.
pub fn from_evil_site(request: RequestBuilder) -> RequestBuilder {
    request
        .header("origin", "https://evil.example")
        .header("sec-fetch-site", "cross-site")
}

/// Calls a server function with a form body, as the hydrated page does.
pub fn server_fn(
    server: &TestServer,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> RequestBuilder {
    client.post(server.url(path)).form(form)
}
