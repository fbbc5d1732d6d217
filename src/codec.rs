//! The one place that owns the binary encoding of stored values and journal entries
//! (bincode 1.3.3 with fixed options: varint integers, little endian, size limit, no trailing
//! bytes). Every stored type is wrapped in a versioned enum whose variants are only appended.

use bincode::Options;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Largest value the decoder will accept (a journal entry of a big import fits easily).
pub const MAX_VALUE_BYTES: u64 = 512 * 1024 * 1024;

/// The encoding, before saying what trailing bytes mean.
fn encoding() -> impl Options {
    bincode::DefaultOptions::new()
        .with_varint_encoding()
        .with_little_endian()
        .with_limit(MAX_VALUE_BYTES)
}

fn options() -> impl Options {
    encoding().reject_trailing_bytes()
}

fn decode_error(what: &'static str) -> impl FnOnce(bincode::Error) -> CodecError {
    move |source| CodecError {
        action: "decode",
        what,
        source,
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {what}: {source}")]
pub struct CodecError {
    action: &'static str,
    what: &'static str,
    source: bincode::Error,
}

pub fn encode<T: Serialize>(what: &'static str, value: &T) -> Result<Vec<u8>, CodecError> {
    options().serialize(value).map_err(|source| CodecError {
        action: "encode",
        what,
        source,
    })
}

/// Decodes the value that `bytes` begins with, leaving the rest unread: a record's leading
/// fields without the ones after them (a unit without its timeline).
pub fn decode_prefix<T: DeserializeOwned>(
    what: &'static str,
    bytes: &[u8],
) -> Result<T, CodecError> {
    encoding()
        .allow_trailing_bytes()
        .deserialize(bytes)
        .map_err(decode_error(what))
}

pub fn decode<T: DeserializeOwned>(what: &'static str, bytes: &[u8]) -> Result<T, CodecError> {
    options().deserialize(bytes).map_err(decode_error(what))
}
