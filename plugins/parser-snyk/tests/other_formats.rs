//! Another format's fixture given to the Snyk parser.

use cordon_sdk::StageError;
use corpus_support::fixtures::fixture;

#[test]
fn sarif_is_left_to_the_sarif_parser() {
    match parser_snyk::parse(&fixture("sarif", "clean.sarif")) {
        Err(StageError::UnsupportedFormat(m)) => assert!(m.contains("SARIF"), "{m}"),
        other => panic!("expected unsupported-format, got {other:?}"),
    }
}
