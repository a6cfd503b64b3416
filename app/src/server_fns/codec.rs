//! The encoding of the server functions' responses and errors: JSON, exactly as the default `Json`
//! codec writes it, but read from text rather than bytes.
//!
//! The browser reads the same types in two places: a resource's value embedded in the server's
//! HTML (read as text) and a server function's response (read as bytes by the default codec).
//! serde_json compiles every type's reader once per kind of input, so the default codec doubled
//! the JSON reading code in the WASM bundle. Reading responses as text too keeps one copy.

use leptos::server_fn::codec::Post;
use leptos::server_fn::{Bytes, ContentType, Decodes, Encodes, Format, FormatType};
use serde::de::{DeserializeOwned, Error as _};
use serde::Serialize;

/// JSON (`application/json`), read as UTF-8 text.
pub struct JsonText;

impl ContentType for JsonText {
    const CONTENT_TYPE: &'static str = "application/json";
}

impl FormatType for JsonText {
    const FORMAT_TYPE: Format = Format::Text;
}

impl<T: Serialize> Encodes<T> for JsonText {
    type Error = serde_json::Error;

    fn encode(output: &T) -> Result<Bytes, Self::Error> {
        serde_json::to_vec(output).map(Bytes::from)
    }
}

impl<T: DeserializeOwned> Decodes<T> for JsonText {
    type Error = serde_json::Error;

    fn decode(bytes: Bytes) -> Result<T, Self::Error> {
        let text = std::str::from_utf8(&bytes).map_err(serde_json::Error::custom)?;
        serde_json::from_str(text)
    }
}

/// The response protocol of every server function here: `#[server(output = super::codec::Json)]`.
pub type Json = Post<JsonText>;

#[cfg(test)]
mod tests {
    use super::*;
    use leptos::server_fn::codec::JsonEncoding;

    #[test]
    fn writes_what_the_default_codec_writes_and_reads_it_back() {
        let value = (String::from("grant · VIP"), 42_u64, Some(true));
        let ours = <JsonText as Encodes<_>>::encode(&value).unwrap();
        let default = <JsonEncoding as Encodes<_>>::encode(&value).unwrap();
        assert_eq!(ours, default);
        let back: (String, u64, Option<bool>) = JsonText::decode(ours).unwrap();
        assert_eq!(back, value);
    }

    #[test]
    fn refuses_bytes_that_are_not_utf8() {
        let bytes = Bytes::from_static(b"\"\xff\"");
        let error = <JsonText as Decodes<String>>::decode(bytes).unwrap_err();
        assert!(error.to_string().contains("utf-8"), "{error}");
    }
}
