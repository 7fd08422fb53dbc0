//! The repository's Snyk fixture (`tests/fixtures/snyk/single-project.json`
//! at the repository root), cut at a third: malformed input with a position.

use cordon_sdk::StageError;
use corpus_support::fixtures::fixture;

#[test]
fn truncated_is_malformed() {
    let bytes = fixture("snyk", "single-project.json");
    match parser_snyk::parse(&bytes[..bytes.len() / 3]) {
        Err(StageError::MalformedInput(m)) => assert!(m.position.line.is_some(), "{m:?}"),
        other => panic!("expected malformed-input, got {other:?}"),
    }
}
