//! The repository's own fixtures (`tests/fixtures/<format>/<file>` at the
//! repository root), for the tests of the parser crates that go beyond one
//! fixture's output: prefixes of a fixture, other bytes. What `parse`
//! returns for each fixture as it is, field by field, is snapshotted once
//! for every parser in `plugins/testing/fixture-snapshots`.

use cordon_sdk::{Finding, StageError};
use std::path::Path;

/// The bytes of `tests/fixtures/<format>/<name>`; panics when unreadable.
pub fn fixture(format: &str, name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../tests/fixtures")
        .join(format)
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Check that `parse` calls every prefix of `bytes` that stops before its
/// last `closing` byte (the end of the document) malformed input: each
/// `bytes[..n]` for `n` from 0 up to that byte's offset, where `sample(n)`
/// holds (pass `|_| true` for every one). Panics at the first other answer.
pub fn assert_prefixes_malformed(
    parse: impl Fn(&[u8]) -> Result<Vec<Finding>, StageError>,
    bytes: &[u8],
    closing: u8,
    sample: impl Fn(usize) -> bool,
) {
    let last = bytes
        .iter()
        .rposition(|&b| b == closing)
        .unwrap_or_else(|| panic!("no {:?} in the document", char::from(closing)));
    for n in (0..=last).filter(|&n| sample(n)) {
        let prefix = bytes.get(..n).unwrap_or_default();
        match parse(prefix) {
            Err(StageError::MalformedInput(_)) => {}
            other => panic!("prefix of {n} bytes: expected malformed-input, got {other:?}"),
        }
    }
}
